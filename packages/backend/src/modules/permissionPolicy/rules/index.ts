import { PolicyRule } from '../policy';
import { releaseManagerRule } from './releaseManager';

/**
 * The rules of the portal's permission policy, in order; the first rule that decides
 * wins. Each Slipway plugin adds its own rule file next to this one and lists it here.
 */
export const policyRules: PolicyRule[] = [releaseManagerRule];
