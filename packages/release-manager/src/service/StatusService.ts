import { countVulnerabilities } from '@slipway/plugin-release-manager-common/rules';
import { ConfigRepo } from '../git/ConfigRepo';
import {
  ArtifactSpec,
  DescribeReleaseResponse,
  DescribeReleaseResponseRelease,
  EnvironmentStatus,
  RolloutResponse,
  StatusResponse,
} from '../http/types';
import { Directory } from './Directory';
import { IndexCache } from './IndexCache';
import { artifactFile, releaseDir } from './layout';
import { overrideReasonsFromTrailers } from './gates/overrides';
import { commitToReleaseInfo, intentFromTrailers } from './releases/messages';
import { RolloutService } from './RolloutService';
import type { AutoReleasePauses } from './autoRollback/AutoReleasePauses';
import { autoRollbackFromTrailers } from './autoRollback/trailers';

/**
 * What runs where, read from the config repo (through {@link IndexCache}, so a
 * status needs no tree walk and no `git log`) with the rollout state of each
 * environment: `GET /status`, `GET /rollout/{service}` and the release history
 * `GET /describe/release/{service}/{environment}`. Services and environments reaching
 * it are known ones (checked at the HTTP edge).
 */
export class StatusService {
  constructor(
    private readonly repo: ConfigRepo,
    private readonly index: IndexCache,
    private readonly directory: Directory,
    private readonly rollouts: RolloutService,
    /** Pauses of auto-release (automatic rollback): shown as `autoReleasePaused`. */
    private readonly pauses?: AutoReleasePauses,
  ) {}

  /** `GET /status?service=`: every environment in promotion order, plus `dev`, `staging` and `prod` by name (Lunar). */
  async status(service: string): Promise<StatusResponse> {
    const [envs, pauses] = await Promise.all([
      Promise.all(
        this.directory.environments.map(env =>
          this.environmentStatus(env, service),
        ),
      ),
      this.pauses?.of(service),
    ]);
    for (const e of envs) {
      const pause = pauses?.get(e.name);
      if (pause) e.autoReleasePaused = pause;
    }
    const out: StatusResponse = {
      service,
      defaultNamespaces: envs.every(
        e => !e.namespace || e.namespace === e.name,
      ),
      environments: envs,
    };
    for (const e of envs) {
      if (e.name === 'dev' || e.name === 'staging' || e.name === 'prod') {
        out[e.name] = e;
      }
    }
    return out;
  }

  private async environmentStatus(
    env: string,
    service: string,
  ): Promise<EnvironmentStatus> {
    const none: EnvironmentStatus = {
      name: env,
      rollout: { phase: 'unknown', errors: [] },
    };
    const ns = await this.index.namespaceOf(env, service);
    if (!ns) return none;
    const dir = releaseDir(env, ns, service);
    const text = await this.repo.readFile(artifactFile(dir));
    if (!text) return none;
    const spec = JSON.parse(text) as ArtifactSpec;
    const info = await this.index.releaseInfoOf(env, service, dir);
    // Not scanned: 0 in Lunar's numbers.
    const vuln = countVulnerabilities(spec) ?? { high: 0, medium: 0, low: 0 };
    const rollout = await this.rollouts.stateOf(
      env,
      service,
      spec.id,
      info?.releasedAt,
    );
    const app = spec.application;
    return {
      name: env,
      tag: spec.id,
      committer: app?.committerName,
      author: app?.authorName,
      message: app?.message,
      date: spec.ci?.end ? Date.parse(spec.ci.end) : undefined,
      buildUrl: spec.ci?.jobUrl,
      highVulnerabilities: vuln.high,
      mediumVulnerabilities: vuln.medium,
      lowVulnerabilities: vuln.low,
      namespace: ns,
      branch: app?.branch,
      sha: app?.sha,
      commitUrl:
        app?.url && app?.sha
          ? `${app.url.replace(/\/$/, '')}/commit/${app.sha}`
          : undefined,
      releasedAt: info?.releasedAt,
      releasedByName: info?.releasedByName,
      releasedByEmail: info?.releasedByEmail,
      intent: info?.intent,
      releaseCommit: info?.commit,
      rollout,
    };
  }

  /** `GET /rollout/{service}`: rollout state per environment. */
  async rollout(service: string): Promise<RolloutResponse> {
    const s = await this.status(service);
    const out: RolloutResponse = { service, environments: {} };
    for (const e of s.environments) {
      out.environments[e.name] = e.rollout ?? { phase: 'unknown', errors: [] };
    }
    return out;
  }

  /** `GET /describe/release/{service}/{environment}?count=`: at most `count` releases, newest first, read from git. */
  async describeRelease(
    service: string,
    environment: string,
    count: number,
  ): Promise<DescribeReleaseResponse> {
    const ns = await this.index.namespaceOf(environment, service);
    if (!ns) return { service, environment, releases: [] };
    const dir = releaseDir(environment, ns, service);
    const commits = await this.repo.log(dir, count);
    const releases: DescribeReleaseResponseRelease[] = [];
    for (const [i, c] of commits.entries()) {
      const text = await this.repo.readFile(artifactFile(dir), c.sha);
      if (!text) continue;
      const info = commitToReleaseInfo(c);
      releases.push({
        releaseIndex: i,
        artifact: JSON.parse(text),
        releasedAt: info.releasedAt,
        releasedByEmail: info.releasedByEmail,
        releasedByName: info.releasedByName,
        intent: info.intent,
        intentDetail: intentFromTrailers(c.trailers),
        commit: c.sha,
        ...overrideReasonsFromTrailers(c.trailers),
        ...autoRollbackFromTrailers(c.trailers),
      });
    }
    return { service, environment, releases };
  }
}
