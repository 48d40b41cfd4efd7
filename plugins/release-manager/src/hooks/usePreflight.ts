import { useApi, useApiHolder } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
// The brief: reuse the on-call plugin's exported API ref (it has no -react package).
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { onCallApiRef } from '@slipway/plugin-on-call';
import { IntentType } from '@slipway/plugin-release-manager-common';
import useAsync from 'react-use/esm/useAsync';
import { releaseManagerApiRef } from '../api/ReleaseManagerApi';

/** The people on call now, level 1 first, as the dialog shows them. */
export type OnCallNow = {
  /** The schedule or escalation policy name. */
  schedule: string;
  /** `level`: 1 is paged first; `names`: everyone on call at that level now. */
  levels: { level: number; names: string[] }[];
};

/**
 * Everything the release dialog shows before the click: every promotion gate's result
 * and the freeze state of the prospective release (`GET …/gates`), and who is on call
 * now for the service (the on-call plugin's API, when the app has it; `onCall` is then
 * undefined, and `onCallError` set when it failed). Fetched once per plan.
 */
export function usePreflight(query?: {
  entityRef: CompoundEntityRef;
  environment: string;
  intent: IntentType;
  artifactId?: string;
}) {
  const api = useApi(releaseManagerApiRef);
  const onCallApi = useApiHolder().get(onCallApiRef);
  const key = query
    ? `${query.environment}|${query.intent}|${query.artifactId ?? ''}`
    : '';
  const gates = useAsync(
    async () =>
      query
        ? api.getGates(query.entityRef, {
            environment: query.environment,
            intent: query.intent,
            artifactId: query.artifactId,
          })
        : undefined,
    [key],
  );
  const onCall = useAsync(async (): Promise<OnCallNow | undefined> => {
    if (!query || !onCallApi) return undefined;
    const answer = await onCallApi.getOnCall(query.entityRef);
    return {
      schedule: answer.schedule.name,
      levels: answer.levels.map(l => ({
        level: l.level,
        names: l.now.map(s => s.person.name),
      })),
    };
  }, [key]);
  return { gates, onCall };
}
