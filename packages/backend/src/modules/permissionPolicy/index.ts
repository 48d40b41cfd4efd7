export { permissionModuleSlipwayPolicy } from './module';
export { SlipwayPermissionPolicy } from './policy';
export type { PolicyRule } from './policy';
