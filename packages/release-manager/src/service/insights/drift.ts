import {
  ArtifactSpec,
  DriftCell,
  DriftChange,
  DriftService,
} from '../../http/types';
import { ReleaseRecord } from './ReleaseHistory';

/** At most this many pending artifacts are listed per service. */
export const MAX_PENDING = 20;

/** Inputs of {@link computeDrift}. */
export interface DriftInput {
  services: string[];
  environments: string[];
  /** Source environment (e.g. staging). */
  from: string;
  /** Target environment (e.g. prod). */
  to: string;
  releases: (service: string, environment: string) => readonly ReleaseRecord[];
  /** What runs now, for environments without a release in the loaded history. */
  running?: (
    service: string,
    environment: string,
  ) => Promise<ReleaseRecord | undefined>;
  /** The artifact spec as released by a release commit (artifact.json at that commit). */
  specOf: (r: ReleaseRecord) => Promise<ArtifactSpec | undefined>;
  /** Epoch ms. */
  now: number;
}

/**
 * Environment drift of each service: what runs in each environment (the newest
 * release commit of each), and the artifacts released to `from` since the artifact
 * that runs in `to` (newest first; nothing when the artifact running in `from` was
 * ever released to `to`). Sorted by wait (the age of the oldest pending artifact in
 * `from`), longest first; services with nothing waiting last, by name.
 */
export async function computeDrift(input: DriftInput): Promise<DriftService[]> {
  const out = await Promise.all(
    input.services.map(async service => {
      const environments: Record<string, DriftCell | null> = {};
      await Promise.all(
        input.environments.map(async env => {
          const list = input.releases(service, env);
          const last =
            list[list.length - 1] ?? (await input.running?.(service, env));
          if (!last) {
            environments[env] = null;
            return;
          }
          const spec = await input.specOf(last);
          environments[env] = {
            artifactId: last.artifactId,
            sha: spec?.application?.sha,
            branch: spec?.application?.branch,
            releasedAt: new Date(last.at).toISOString(),
            releasedByName: last.releasedByName,
            commit: last.commit,
          };
        }),
      );
      const d: DriftService = {
        service,
        environments,
        pending: await pendingChanges(service, input),
      };
      if (d.pending.length) {
        const oldest = Math.min(
          ...d.pending.map(p => Date.parse(p.releasedAt)),
        );
        d.waitingSince = new Date(oldest).toISOString();
        d.waitingHours =
          Math.round(((input.now - oldest) / 3_600_000) * 100) / 100;
      }
      return d;
    }),
  );
  return out.sort(
    (a, b) =>
      (b.waitingHours ?? -1) - (a.waitingHours ?? -1) ||
      a.service.localeCompare(b.service),
  );
}

async function pendingChanges(
  service: string,
  input: DriftInput,
): Promise<DriftChange[]> {
  const source = input.releases(service, input.from);
  const target = input.releases(service, input.to);
  const current = source[source.length - 1];
  if (!current) return [];
  const inTarget = new Set(target.map(r => r.artifactId));
  if (inTarget.has(current.artifactId)) return [];
  const running = target[target.length - 1]?.artifactId;
  // Newest first, one entry per artifact, with the earliest time it reached `from` in this run.
  const seen = new Map<string, ReleaseRecord>();
  for (let i = source.length - 1; i >= 0; i--) {
    const r = source[i];
    if (r.artifactId === running || inTarget.has(r.artifactId)) break;
    if (!seen.has(r.artifactId) && seen.size >= MAX_PENDING) break;
    seen.set(r.artifactId, r);
  }
  return Promise.all(
    [...seen.values()].map(async r => {
      const spec = await input.specOf(r);
      const app = spec?.application;
      const change: DriftChange = {
        artifactId: r.artifactId,
        releasedAt: new Date(r.at).toISOString(),
      };
      if (app?.sha) change.sha = app.sha;
      if (app?.message) change.message = app.message.split('\n')[0];
      if (app?.authorName) change.authorName = app.authorName;
      return change;
    }),
  ).then(list => list.sort((a, b) => (a.releasedAt < b.releasedAt ? 1 : -1)));
}
