import { InputError } from '@backstage/errors';
import { PolicyService } from '../PolicyService';
import { describeIntent } from './messages';
import { ReleaseCheck } from './types';

/**
 * The branch-restriction check: the artifact's branch must match (whole name) every
 * restriction of the environment, the global ones and the service's. Applies to
 * every intent, rollbacks and promotions included.
 */
export function branchRestrictionCheck(policies: PolicyService): ReleaseCheck {
  return async ({ request, spec }, ctx) => {
    const { service, environment, intent } = request;
    const branch = spec.application?.branch ?? '';
    const r = await policies.refusingRestriction(
      ctx,
      service,
      environment,
      branch,
    );
    if (r) {
      throw new InputError(
        `cannot release ${describeIntent(
          intent,
          spec.id,
        )} of ${service} to environment '${environment}' due to branch restriction policy '${
          r.id
        }': branch '${branch}' does not match ${r.branchRegex}`,
      );
    }
  };
}
