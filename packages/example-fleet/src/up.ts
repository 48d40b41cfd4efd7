import type { ReleaseRequest } from '@slipway/plugin-release-manager-common';
import { ExampleService } from './catalog';
import { artifactSpec, Build, buildsOf, ServiceBuilds } from './builds';
import { manifestsFor } from './manifests';
import { profileOf } from './profiles';
import { FleetReleaseManager } from './releaseManager';

/** The environments of the embedded default, in promotion order. */
export const FLEET_ENVIRONMENTS = ['dev', 'staging', 'prod'];

/** Options of {@link up}. */
export interface UpOptions {
  services: ExampleService[];
  releaseManager: FleetReleaseManager;
  /** Environments in promotion order; default {@link FLEET_ENVIRONMENTS}. */
  environments?: string[];
  log?: (message: string) => void;
  /** Clock of the artifacts' CI times; default now. */
  now?: Date;
}

/** What {@link up} did for one service. */
export interface ServiceUpResult {
  service: string;
  /** True when the release history was seeded now (the service had no release yet). */
  seededHistory: boolean;
  uploaded: string[];
  releases: number;
  /** What runs afterwards: environment → artifact id. */
  running: Record<string, string | undefined>;
  /** The artifacts that are bad on purpose (uploaded, never released). */
  bad?: { id: string; kind: string };
}

/** The artifact each environment runs once the history is in (what `up` converges to). */
export function currentBuilds(
  b: ServiceBuilds,
  service: string,
): Record<string, Build> {
  const p = profileOf(service);
  const dev = b.autoReleased ?? (p.featureInDev ? b.feature : b.main[3]);
  const prod = service === 'ledger' ? b.main[1] : b.main[2];
  return { dev, staging: b.main[2], prod };
}

/**
 * Brings the example fleet up in a release manager, as CI and the teams would: uploads
 * every build of every service that is missing (`POST /artifacts/create` with real
 * manifests), then, for a service that has no release yet, back-fills its history —
 * `main` #1–#3 released to dev and promoted to staging and prod, a rollback of ledger's
 * prod, `main` #4 (or the feature branch) in dev, the auto-release policy main → dev with
 * `main` #5 arriving after it, and the payments teams' staging branch restriction.
 * A service that already has releases keeps them (no history twice); only an environment
 * that runs nothing, or an artifact the fleet does not know (one whose image does not
 * exist, e.g. from an older seed), is released to the fleet's current build.
 * Bad-on-purpose builds are uploaded last and never released.
 */
export async function up(options: UpOptions): Promise<ServiceUpResult[]> {
  const envs = options.environments ?? FLEET_ENVIRONMENTS;
  const log = options.log ?? (() => {});
  const rm = options.releaseManager;
  // Services run concurrently; each one's steps run in order.
  return Promise.all(
    options.services.map(async s => {
      const builds = buildsOf(s);
      const p = profileOf(s.name);
      const people = s.people;
      const actor = (i: number) => ({
        committerName: people[i % people.length].name,
        committerEmail: people[i % people.length].email,
      });
      const known = await rm.artifactIds(s.name);
      const status = await rm.statusOrUndefined(s.name);
      const fresh = !status?.environments.some(e => e.tag);
      const result: ServiceUpResult = {
        service: s.name,
        seededHistory: fresh,
        uploaded: [],
        releases: 0,
        running: {},
      };
      const upload = async (b: Build) => {
        if (known.has(b.id)) return;
        const res = await rm.uploadArtifact({
          artifact: artifactSpec(s, b, options.now),
          manifests: manifestsFor(s, b, envs),
        });
        known.add(b.id);
        result.uploaded.push(b.id);
        result.releases += (res.autoReleases ?? []).filter(
          r => r.commit,
        ).length;
      };
      const release = async (
        environment: string,
        body: Partial<ReleaseRequest>,
        i: number,
      ) => {
        const res = await rm.client.release({
          service: s.name,
          environment,
          intent: { type: 'ReleaseArtifact' },
          ...actor(i),
          ...body,
        });
        if (res.commit) result.releases++;
      };
      const promote = (environment: string, from: string, i: number) =>
        release(
          environment,
          { intent: { type: 'Promote', promote: { fromEnvironment: from } } },
          i,
        );

      for (const b of [...builds.main, builds.feature]) await upload(b);
      if (fresh && envs.length >= 3) {
        const [dev, staging, prod] = envs;
        for (let i = 0; i < 3; i++) {
          await release(dev, { artifactId: builds.main[i].id }, i);
          await promote(staging, dev, i + 1);
          await promote(prod, staging, i);
        }
        if (s.name === 'ledger') {
          await release(
            prod,
            { intent: { type: 'Rollback', rollback: {} } },
            1,
          );
        }
        await release(dev, { artifactId: builds.main[3].id }, 1);
        if (p.featureInDev) {
          await release(
            dev,
            {
              intent: {
                type: 'ReleaseBranch',
                releaseBranch: { branch: builds.feature.branch },
              },
            },
            0,
          );
        }
        if (p.autoReleaseMainToDev) {
          await rm.client.applyAutoReleasePolicy({
            service: s.name,
            branch: 'main',
            environment: dev,
            ...actor(0),
          });
        }
        if (s.team === 'payments') {
          await rm.client.applyBranchRestrictionPolicy({
            service: s.name,
            environment: staging,
            branchRegex: '^(main|release/.*)$',
            ...actor(0),
          });
        }
      }
      if (builds.autoReleased) await upload(builds.autoReleased);
      if (builds.bad) await upload(builds.bad);

      // Converge: every environment runs a build of the fleet.
      const current = currentBuilds(builds, s.name);
      const ours = new Set(builds.all.map(b => b.id));
      const now = await rm.client.status(s.name);
      for (const env of envs) {
        const tag = now.environments.find(e => e.name === env)?.tag;
        const want = current[env] ?? builds.main[3];
        if (!tag || !ours.has(tag)) {
          await release(env, { artifactId: want.id }, 0);
          result.running[env] = want.id;
        } else {
          result.running[env] = tag;
        }
      }
      if (builds.bad) result.bad = { id: builds.bad.id, kind: builds.bad.bad! };
      log(
        `${s.name}: ${fresh ? 'history seeded' : 'resumed'}, ${
          result.uploaded.length
        } artifacts uploaded, ${result.releases} releases; ${envs
          .map(e => `${e}=${result.running[e]}`)
          .join(' ')}`,
      );
      return result;
    }),
  );
}
