export { HomePageOnCallCard } from './HomePageOnCallCard';
export type { HomePageOnCallCardProps } from './HomePageOnCallCard';
