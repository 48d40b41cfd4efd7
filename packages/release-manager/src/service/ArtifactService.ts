import { NotFoundError } from '@backstage/errors';
import { ArtifactStore } from '../artifacts/ArtifactStore';
import {
  ArtifactManifests,
  ArtifactSpec,
  ArtifactUploadResponse,
  DescribeArtifactResponse,
} from '../http/types';
import { latestArtifactOfBranch } from './artifactLookup';
import { EventFeed } from './EventFeed';
import { PolicyService } from './PolicyService';
import { ReleaseService } from './releases/ReleaseService';
import type { AutoReleasePauses } from './autoRollback/AutoReleasePauses';

/**
 * Artifacts: what CI builds (Lunar's artifact spec plus manifests per environment),
 * kept in the artifact store. A stored artifact is announced in the events feed and
 * released by the service's auto-release policies of its branch. Specs and manifests
 * reaching it are validated (names, ids and manifest file names follow the rule set).
 */
export class ArtifactService {
  constructor(
    private readonly store: ArtifactStore,
    private readonly policies: PolicyService,
    private readonly releases: ReleaseService,
    private readonly events: EventFeed,
    private readonly environments: () => string[],
    /** Pauses of auto-release after automatic rollbacks: a paused environment is skipped (and the feed says why). */
    private readonly pauses?: AutoReleasePauses,
  ) {}

  /**
   * `POST /artifacts/create`: stores the artifact with its manifests and fires the
   * matching auto-release policies; or, without manifests, records it and returns
   * where to upload them (`<baseUrl>/artifacts/upload/<service>/<id>[?md5=]`).
   */
  async create(
    spec: ArtifactSpec,
    manifests: ArtifactManifests | undefined,
    md5: string | undefined,
    baseUrl: string,
  ): Promise<ArtifactUploadResponse> {
    if (!manifests) {
      await this.store.putSpec(spec);
      const url = `${baseUrl}/artifacts/upload/${spec.service}/${spec.id}${
        md5 ? `?md5=${encodeURIComponent(md5)}` : ''
      }`;
      return { artifactUploadUrl: url };
    }
    await this.store.put(spec, manifests);
    return { autoReleases: await this.stored(spec) };
  }

  /**
   * `PUT /artifacts/upload/{service}/{id}`: the manifests of an artifact created
   * without them (already parsed and checked against the MD5 at the edge).
   * @throws NotFoundError when no such artifact waits for its manifests
   */
  async upload(
    service: string,
    id: string,
    manifests: ArtifactManifests,
  ): Promise<ArtifactUploadResponse> {
    const pending = await this.store.getPending(service, id);
    if (!pending) {
      throw new NotFoundError(
        `no artifact '${id}' of '${service}' is waiting for its manifests`,
      );
    }
    await this.store.putManifests(service, id, manifests);
    return { autoReleases: await this.stored(pending) };
  }

  /** `GET /describe/artifact/{service}?count=&branch=`: at most `count`, newest first. */
  async describe(
    service: string,
    count: number,
    branch?: string,
  ): Promise<DescribeArtifactResponse> {
    const list = await this.store.list(service, { branch, limit: count });
    return { service, artifacts: list.map(a => a.spec) };
  }

  /** `GET /describe/latest-artifact/{service}?branch=`: 404 when the branch has none. */
  async latest(
    service: string,
    branch: string,
  ): Promise<DescribeArtifactResponse> {
    return {
      service,
      artifacts: [await latestArtifactOfBranch(this.store, service, branch)],
    };
  }

  /** After an artifact is stored: the event, then its branch's auto-releases (each reported, none thrown). */
  private async stored(spec: ArtifactSpec) {
    const app = spec.application;
    await this.events.record({
      type: 'artifact',
      service: spec.service,
      artifactId: spec.id,
      actorName: app?.authorName,
      actorEmail: app?.authorEmail,
      message: `${spec.service} artifact ${spec.id} built from ${
        app?.branch ?? '?'
      }: ${(app?.message ?? '').split('\n')[0]}`,
      data: { branch: app?.branch, sha: app?.sha },
    });
    const policies = await this.policies.read(spec.service);
    const out: NonNullable<ArtifactUploadResponse['autoReleases']> = [];
    for (const p of policies.autoReleases) {
      if (p.branch !== app?.branch) continue;
      if (!this.environments().includes(p.environment)) continue;
      const pause = await this.pauses?.get(spec.service, p.environment);
      if (pause) {
        out.push({
          environment: p.environment,
          status: await this.pauses!.skipped(
            spec.service,
            p.environment,
            spec.id,
            pause,
          ),
        });
        continue;
      }
      try {
        const r = await this.releases.release({
          service: spec.service,
          environment: p.environment,
          artifactId: spec.id,
          intent: { type: 'AutoRelease' },
          actor: {
            name: app?.committerName || app?.authorName || 'CI',
            email:
              app?.committerEmail || app?.authorEmail || 'ci@slipway.local',
          },
        });
        out.push({
          environment: p.environment,
          status: r.status || 'released',
          commit: r.commit,
        });
      } catch (error) {
        out.push({
          environment: p.environment,
          status: `failed: ${(error as Error).message}`,
        });
      }
    }
    return out;
  }
}
