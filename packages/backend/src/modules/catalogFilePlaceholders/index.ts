export { catalogModuleFilePlaceholders } from './module';
export { textPlaceholderResolver } from './resolver';
