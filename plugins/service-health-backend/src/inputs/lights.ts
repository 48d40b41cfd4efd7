import { Incident } from '@slipway/plugin-on-call-common';
import { EntityReleaseStatus } from '@slipway/plugin-release-manager-common';
import {
  HealthLight,
  InputHealth,
  worstLight,
} from '@slipway/plugin-service-health-common';

/**
 * The rollout light of an entity from its release status (the release-manager plugin's
 * `EntityReleaseStatus`, whose `environments[].rollout.phase` is `unknown`,
 * `progressing`, `succeeded` or `failed`): failed in any environment is red,
 * progressing amber, succeeded everywhere green, nothing reported grey. The summary
 * names the worst environments first, e.g. `prod: failed: app CrashLoopBackOff;
 * succeeded in dev`.
 */
export function rolloutHealth(status: EntityReleaseStatus): InputHealth {
  const bad: { light: HealthLight; text: string }[] = [];
  const good: { name: string; text: string }[] = [];
  for (const env of status.environments) {
    const rollout = env.rollout;
    const replicas =
      typeof rollout?.availableReplicas === 'number' &&
      typeof rollout?.desiredReplicas === 'number'
        ? ` (${rollout.availableReplicas}/${rollout.desiredReplicas} ready)`
        : '';
    if (rollout?.phase === 'failed') {
      const error = rollout.errors?.[0];
      const reason = error?.reason
        ? `: ${error.container ?? ''} ${error.reason}`.trimEnd()
        : '';
      bad.push({ light: 'red', text: `${env.name}: failed${reason}` });
    } else if (rollout?.phase === 'progressing') {
      bad.push({ light: 'amber', text: `${env.name}: progressing${replicas}` });
    } else if (rollout?.phase === 'succeeded') {
      good.push({ name: env.name, text: `${env.name}${replicas}` });
    }
  }
  if (bad.length === 0 && good.length === 0) {
    return {
      light: 'grey',
      summary: `rollout unknown: no rollout reported for ${status.service}`,
    };
  }
  if (bad.length === 0) {
    return {
      light: 'green',
      summary: `succeeded in ${good.map(g => g.text).join(', ')}`,
    };
  }
  const ordered = [
    ...bad.filter(p => p.light === 'red'),
    ...bad.filter(p => p.light === 'amber'),
  ];
  return {
    light: worstLight(bad.map(p => p.light)),
    summary: `${ordered.map(p => p.text).join(', ')}${
      good.length ? `; succeeded in ${good.map(g => g.name).join(', ')}` : ''
    }`,
  };
}

/**
 * The incidents light from an entity's incidents (the on-call plugin's `Incident`s):
 * resolved ones are ignored; any open high-urgency incident is red, only low-urgency
 * ones amber, none green.
 */
export function incidentHealth(incidents: Incident[]): InputHealth {
  const open = incidents.filter(i => i.status !== 'resolved');
  const high = open.filter(i => i.urgency === 'high').length;
  if (open.length === 0)
    return { light: 'green', summary: 'no open incidents' };
  const summary = `${open.length} open incident${open.length === 1 ? '' : 's'}${
    high ? ` (${high} high urgency)` : ' (low urgency)'
  }`;
  return { light: high ? 'red' : 'amber', summary };
}
