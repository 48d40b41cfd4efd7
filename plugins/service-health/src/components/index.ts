export { EntityServiceHealthCard } from './EntityServiceHealthCard';
export { HomePageServiceHealthCard } from './HomePageServiceHealthCard';
export {
  createServiceHealthColumn,
  EntityHealthLight,
} from './ServiceHealthColumn';
export { HealthLight } from './HealthLight';
