import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { findRefusingBranchRestriction } from '@slipway/plugin-release-manager-common';
import { releaseManagerApiRef } from '../api/ReleaseManagerApi';
import { ReleaseManagerData } from './useReleaseData';
import {
  commitsBetween,
  DialogArtifact,
  ReleasePlan,
} from '../components/ReleaseDialog';
import { Overrides } from '../components/OverrideForm';

/** What the success message says after each action. */
const DONE = {
  Deploy: 'Released',
  Promote: 'Promoted',
  'Roll back': 'Rolled back to',
} as const;

/** The intent of each action in `POST …/releases`. */
const INTENT = {
  Deploy: 'ReleaseArtifact',
  Promote: 'Promote',
  'Roll back': 'Rollback',
} as const;

/** Props shared by the cards of the Releases tab that start a release. */
export type CardProps = {
  data: ReleaseManagerData;
  entityRef: CompoundEntityRef;
  /** Why the user may not release (undefined: they may). */
  releaseReason?: string;
  onPlan: (plan: ReleasePlan) => void;
};

/** Looks up an artifact by id in the artifacts list, or in an environment's history. */
function artifactById(data: ReleaseManagerData, id?: string) {
  if (!id) return undefined;
  const fromList = data.artifacts.artifacts.find(a => a.id === id);
  if (fromList) return fromList as DialogArtifact;
  for (const h of Object.values(data.history)) {
    const r = h.releases.find(x => x.artifact.id === id);
    if (r) return r.artifact as DialogArtifact;
  }
  return { id };
}

/** Builds the plan of a release of `toId` to `environment`. */
export function usePlanner(props: CardProps) {
  const api = useApi(releaseManagerApiRef);
  const alertApi = useApi(alertApiRef);
  const { data, entityRef } = props;
  return (
    action: 'Deploy' | 'Promote' | 'Roll back',
    environment: string,
    toId: string,
  ): ReleasePlan => {
    const env = data.status.environments.find(e => e.name === environment);
    const to = artifactById(data, toId)!;
    const between = commitsBetween(data.artifacts.artifacts, env?.tag, toId);
    return {
      action,
      environment,
      from: artifactById(data, env?.tag),
      to,
      commits: between.commits,
      removes: between.removes,
      restriction: findRefusingBranchRestriction(
        data.policies.branchRestrictions,
        environment,
        to.application?.branch,
      ),
      run: async () => {
        if (action === 'Promote') await api.promote(entityRef, environment);
        else if (action === 'Roll back')
          await api.rollback(entityRef, environment, toId);
        else await api.release(entityRef, environment, toId);
        done();
      },
      safety: {
        entityRef,
        intent: INTENT[action],
        artifactId: action === 'Promote' ? undefined : toId,
        runWithOverrides: async overrides => {
          await api.safeRelease(entityRef, {
            environment,
            intent: INTENT[action],
            artifactId: action === 'Promote' ? undefined : toId,
            ...overrides,
          });
          done(overrides);
        },
      },
    };
    function done(overrides?: Overrides) {
      const how = [
        overrides?.breakGlass ? 'broke glass' : '',
        overrides?.overrideGates ? 'overrode gates' : '',
      ]
        .filter(Boolean)
        .join(', ');
      alertApi.post({
        message: `${DONE[action]} ${toId} ${
          action === 'Roll back' ? 'in' : 'to'
        } ${environment}${how ? ` (${how})` : ''}`,
        severity: 'success',
        display: 'transient',
      });
    }
  };
}
