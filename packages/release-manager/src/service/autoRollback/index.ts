export { AutoReleasePauses } from './AutoReleasePauses';
export {
  AutoRollbackPolicies,
  autoRollbackPolicyId,
  describeTriggers,
} from './AutoRollbackPolicies';
export type { AutoRollbackPolicyInput } from './AutoRollbackPolicies';
export { AutoRollbackService } from './AutoRollbackService';
export type { AutoRollbackDeps, RolloutFailure } from './AutoRollbackService';
export { AutoRollbackStore } from './AutoRollbackStore';
export * from './types';
