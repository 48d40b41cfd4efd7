import { useApi } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  EntityArtifacts,
  EntityPolicies,
  EntityReleaseHistory,
  EntityReleaseStatus,
  ListFreezeWindowsResponse,
} from '@slipway/plugin-release-manager-common';
import { useCallback, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { releaseManagerApiRef } from '../api/ReleaseManagerApi';

/** How often the pages refresh themselves while a rollout is in progress, in ms. */
export const PROGRESS_REFRESH_MS = 5000;

/** How often the Releases tab refreshes itself otherwise, in ms. */
export const IDLE_REFRESH_MS = 30_000;

/**
 * After a release, promotion or rollback from the tab, how long it refreshes every
 * {@link PROGRESS_REFRESH_MS} even before the rollout reports "progressing", in ms.
 */
export const AFTER_CHANGE_REFRESH_MS = 120_000;

/** True when any environment's rollout is progressing. */
export function isProgressing(status?: EntityReleaseStatus): boolean {
  return Boolean(
    status?.environments.some(e => e.rollout?.phase === 'progressing'),
  );
}

/**
 * Loads the release status of an entity and reloads it every
 * {@link PROGRESS_REFRESH_MS} while a rollout is progressing. `value` keeps the last
 * answer during a reload, so the view does not flicker.
 */
export function useReleaseStatus(entity: CompoundEntityRef) {
  const api = useApi(releaseManagerApiRef);
  const state = useAsyncRetry(
    () => api.getStatus(entity),
    [api, entity.kind, entity.namespace, entity.name],
  );
  useInterval(
    state.retry,
    isProgressing(state.value) ? PROGRESS_REFRESH_MS : null,
  );
  return state;
}

/** Everything the Releases tab shows. */
export type ReleaseManagerData = {
  status: EntityReleaseStatus;
  artifacts: EntityArtifacts;
  policies: EntityPolicies;
  /** Release history per environment, newest first. */
  history: Record<string, EntityReleaseHistory>;
  /**
   * The freeze windows (global and the service's) with whether each is active now;
   * undefined when they could not be loaded (the tab then shows no freeze state).
   */
  freezes?: ListFreezeWindowsResponse;
};

/**
 * Loads status, artifacts, policies, freeze windows and the history of every environment
 * in parallel (a failure to load the freeze windows leaves `freezes` undefined).
 * Reloads every {@link PROGRESS_REFRESH_MS} while a rollout is progressing or for
 * {@link AFTER_CHANGE_REFRESH_MS} after `retry()` (called after a release), else every
 * {@link IDLE_REFRESH_MS}.
 */
export function useReleaseManagerData(entity: CompoundEntityRef) {
  const api = useApi(releaseManagerApiRef);
  const load = useCallback(async (): Promise<ReleaseManagerData> => {
    const [status, artifacts, policies, freezes] = await Promise.all([
      api.getStatus(entity),
      api.getArtifacts(entity, { count: 15 }),
      api.getPolicies(entity),
      api.getFreezes(entity).catch(() => undefined),
    ]);
    const histories = await Promise.all(
      status.environments.map(env =>
        api.getReleases(entity, env.name, { count: 10 }),
      ),
    );
    const history: Record<string, EntityReleaseHistory> = {};
    for (const h of histories) history[h.environment] = h;
    return { status, artifacts, policies, history, freezes };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, entity.kind, entity.namespace, entity.name]);
  const state = useAsyncRetry(load, [load]);
  const [fastUntil, setFastUntil] = useState(0);
  const fast = isProgressing(state.value?.status) || Date.now() < fastUntil;
  useInterval(state.retry, fast ? PROGRESS_REFRESH_MS : IDLE_REFRESH_MS);
  const { retry: reload } = state;
  // After a change made here the new rollout is "not reported" until the cluster and
  // the daemon report it: keep refreshing quickly for a while.
  const retry = useCallback(() => {
    setFastUntil(Date.now() + AFTER_CHANGE_REFRESH_MS);
    reload();
  }, [reload]);
  return { ...state, retry };
}
