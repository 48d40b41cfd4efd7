import { InputError, NotFoundError } from '@backstage/errors';
import { previousEnvironment } from '@slipway/plugin-release-manager-common/rules';
import { ArtifactStore } from '../../artifacts/ArtifactStore';
import { ConfigRepo } from '../../git/ConfigRepo';
import { WriteContext } from '../../git/types';
import { ArtifactSpec } from '../../http/types';
import { latestArtifactOfBranch, requireArtifact } from '../artifactLookup';
import { artifactFile, releaseDir, releasesRoot } from '../layout';
import { ReleaseRequest, ResolvedRelease } from './types';

/**
 * The resolve stage of a release: which artifact goes out, and what runs now.
 * Artifacts named by the request are fetched from the store before the write
 * ({@link prefetch}); Promote and Rollback are resolved inside the write, from the
 * tree the commit builds on ({@link resolve}), so that concurrent releases cannot
 * promote or roll back to a stale state.
 */
export class ReleaseResolver {
  constructor(
    private readonly repo: ConfigRepo,
    private readonly store: ArtifactStore,
    private readonly environments: () => string[],
  ) {}

  /**
   * The artifact the request names, when that does not depend on the config repo:
   * its `artifactId`, or the newest of the branch of a ReleaseBranch.
   * @throws NotFoundError for an unknown artifact or a branch without artifacts
   */
  async prefetch(req: ReleaseRequest): Promise<ArtifactSpec | undefined> {
    const { service, artifactId, intent } = req;
    if (intent.type === 'Promote') return undefined;
    if (artifactId) return requireArtifact(this.store, service, artifactId);
    if (intent.type === 'ReleaseBranch') {
      const branch = intent.releaseBranch?.branch;
      if (!branch) {
        throw new InputError(
          'intent.releaseBranch.branch is required when artifactId is not given',
        );
      }
      return latestArtifactOfBranch(this.store, service, branch);
    }
    if (intent.type === 'Rollback') return undefined;
    throw new InputError('artifactId is required');
  }

  /** Resolves the release in the working tree `ctx` (Promote and Rollback read it). */
  async resolve(
    req: ReleaseRequest,
    prefetched: ArtifactSpec | undefined,
    ctx: WriteContext,
  ): Promise<ResolvedRelease> {
    const { service, environment, intent } = req;
    const current = await currentInTree(ctx, environment, service);
    if (intent.type === 'Promote') {
      const from =
        intent.promote?.fromEnvironment || this.promoteSource(environment);
      if (!this.environments().includes(from)) {
        throw new NotFoundError(
          `unknown environment '${from}' (intent.promote.fromEnvironment); environments are ${this.environments().join(
            ', ',
          )}`,
        );
      }
      const running = await currentInTree(ctx, from, service);
      if (!running) {
        throw new InputError(
          `cannot promote ${service} to ${environment}: nothing of it runs in ${from}`,
        );
      }
      if (req.artifactId && req.artifactId !== running.id) {
        throw new InputError(
          `cannot promote artifact '${req.artifactId}': ${from} runs '${running.id}'`,
        );
      }
      const spec = await requireArtifact(this.store, service, running.id);
      return { request: req, spec, current, fromEnvironment: from };
    }
    if (intent.type === 'Rollback') {
      return {
        request: req,
        spec: await this.rollbackTarget(req, prefetched, current, ctx.head),
        current,
      };
    }
    if (!prefetched) throw new InputError('artifactId is required');
    return { request: req, spec: prefetched, current };
  }

  /** The environment before `environment`, where a promotion takes its artifact from. */
  private promoteSource(environment: string): string {
    const previous = previousEnvironment(this.environments(), environment);
    if (!previous) {
      throw new InputError(
        `cannot promote to ${environment}: it is the first environment; nothing comes before it`,
      );
    }
    return previous;
  }

  /** Rollback: the named artifact (released there before), else the newest earlier release. */
  private async rollbackTarget(
    req: ReleaseRequest,
    named: ArtifactSpec | undefined,
    current: ArtifactSpec | undefined,
    head: string,
  ): Promise<ArtifactSpec> {
    const { service, environment } = req;
    if (!current) {
      throw new InputError(
        `cannot roll back ${service} in ${environment}: nothing is released there`,
      );
    }
    const history = await this.history(environment, service, head, 100);
    if (named) {
      if (!history.includes(named.id)) {
        throw new InputError(
          `cannot roll back ${service} in ${environment} to '${named.id}': it was never released there`,
        );
      }
      return named;
    }
    const previous = history.find(id => id !== current.id);
    if (!previous) {
      throw new InputError(
        `cannot roll back ${service} in ${environment}: there is no earlier release to roll back to`,
      );
    }
    return requireArtifact(this.store, service, previous);
  }

  /** The artifact ids of the newest `count` releases of a service in an environment at `commit`, newest first. */
  private async history(
    environment: string,
    service: string,
    commit: string,
    count: number,
  ): Promise<string[]> {
    let ns: string | undefined;
    for (const f of await this.repo.listFiles(
      releasesRoot(environment),
      commit,
    )) {
      const parts = f.split('/');
      if (parts[3] === service && parts[4] === 'artifact.json') {
        ns = parts[2];
        break;
      }
    }
    if (!ns) return [];
    const commits = await this.repo.log(
      releaseDir(environment, ns, service),
      count,
      commit,
    );
    return commits.map(c => c.trailers['Artifact-ID']).filter(Boolean);
  }
}

/** The artifact running in an environment, read from the working tree of a write. */
export async function currentInTree(
  ctx: WriteContext,
  environment: string,
  service: string,
): Promise<ArtifactSpec | undefined> {
  for (const ns of await ctx.list(releasesRoot(environment))) {
    const text = await ctx.readFile(
      artifactFile(releaseDir(environment, ns, service)),
    );
    if (text) return JSON.parse(text) as ArtifactSpec;
  }
  return undefined;
}
