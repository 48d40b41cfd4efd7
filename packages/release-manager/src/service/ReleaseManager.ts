import { createHash } from 'node:crypto';
import { InputError, NotFoundError } from '@backstage/errors';
import { ReleaseManagerConfig } from '../config';
import { ArtifactStore } from '../artifacts/ArtifactStore';
import {
  Actor,
  ConfigRepo,
  LoggedCommit,
  WriteContext,
} from '../git/ConfigRepo';
import { Database } from '../db/Database';
import { Metrics } from '../metrics';
import {
  ApplyBranchRestrictionPolicyResponse,
  ApplyPolicyResponse,
  ArtifactManifests,
  ArtifactSpec,
  ArtifactSnykStageData,
  ArtifactUploadResponse,
  AutoReleasePolicy,
  BranchRestrictionPolicy,
  DeletePolicyResponse,
  DescribeArtifactResponse,
  DescribeReleaseResponse,
  DescribeReleaseResponseRelease,
  EnvironmentStatus,
  EventsResponse,
  FluxEvent,
  Intent,
  IntentType,
  JobErrorEvent,
  ListPoliciesResponse,
  PodErrorEvent,
  PromoteResponse,
  ReleaseEvent,
  RollbackResponse,
  RolloutContainerError,
  RolloutResponse,
  RolloutStatus,
  StatusResponse,
} from '../http/types';
import { assertArtifactId, assertDnsLabel, isDnsLabel } from '../names';
import { parseManifests } from '../http/schemas';

/** Events-feed type of each intent. */
const EVENT_TYPE_BY_INTENT = {
  Rollback: 'rollback',
  Promote: 'promote',
  AutoRelease: 'auto-release',
  ReleaseArtifact: 'release',
  ReleaseBranch: 'release',
} as const;

/** The status text Lunar sends when a release changes nothing. */
export const UP_TO_DATE = 'Environment is already up-to-date';

interface PolicyFile {
  service: string;
  autoReleases: AutoReleasePolicy[];
  branchRestrictions: BranchRestrictionPolicy[];
}

interface ReleaseInfo {
  commit: string;
  releasedAt: string;
  releasedByName: string;
  releasedByEmail: string;
  intent: IntentType;
}

/** A release to perform (validated names). */
export interface ReleaseInput {
  service: string;
  environment: string;
  artifactId?: string;
  actor: Actor;
  intent: Intent;
}

/** Result of a release: the artifact and the commit (absent when unchanged). */
export interface ReleaseResult {
  artifactId: string;
  previousArtifactId?: string;
  fromEnvironment?: string;
  commit?: string;
  status: string;
}

/**
 * The release manager's operations, behind the HTTP routes: releases (every
 * intent), promote and rollback, policies, artifacts, rollout state and the
 * events feed. State that says what runs where lives in the config repo; the
 * database holds rollout events and the events feed.
 *
 * Errors: `InputError` (400) for bad input, restricted branches and policy
 * conflicts; `NotFoundError` (404) for unknown services, environments and
 * artifacts; `ServiceUnavailableError` (503) when the config repo is unreachable.
 */
export class ReleaseManager {
  /** environment → service → namespace, at the head the index was built from. */
  private index = new Map<string, Map<string, string>>();
  private indexDirty = true;
  private indexBuilding?: Promise<void>;
  private readonly releaseInfo = new Map<string, ReleaseInfo>();
  private ownCommits = 0;
  private warming?: Promise<void>;

  constructor(
    readonly config: ReleaseManagerConfig,
    readonly repo: ConfigRepo,
    readonly artifacts: ArtifactStore,
    readonly db: Database,
    readonly metrics: Metrics,
  ) {
    repo.onHeadChange((_head, external) => {
      if (external) {
        this.indexDirty = true;
        this.releaseInfo.clear();
      }
    });
  }

  get environments(): string[] {
    return this.config.environments;
  }

  /* ---------------------------------------------------------------- */
  /* Names and lookups                                                 */
  /* ---------------------------------------------------------------- */

  /** Throws InputError unless a DNS-1123 label; NotFoundError unless a configured environment. */
  assertEnvironment(field: string, env: unknown): string {
    assertDnsLabel(field, env);
    if (!this.environments.includes(env as string)) {
      throw new NotFoundError(
        `unknown environment '${env}' (${field}); environments are ${this.environments.join(
          ', ',
        )}`,
      );
    }
    return env as string;
  }

  private async ensureIndex() {
    if (!this.indexDirty) return;
    if (!this.indexBuilding) {
      this.indexBuilding = (async () => {
        this.indexDirty = false;
        const files = await this.repo.listFiles();
        const index = new Map<string, Map<string, string>>();
        for (const f of files) {
          const m =
            /^([^/]+)\/releases\/([^/]+)\/([^/]+)\/artifact\.json$/.exec(f);
          if (!m) continue;
          const [, env, ns, svc] = m;
          if (!index.has(env)) index.set(env, new Map());
          index.get(env)!.set(svc, ns);
        }
        this.index = index;
        this.warming = this.warmReleaseInfo();
      })().finally(() => {
        this.indexBuilding = undefined;
      });
    }
    await this.indexBuilding;
  }

  /** Builds the index of what runs where and fills the release-info cache; called at startup. */
  async warmUp(): Promise<void> {
    await this.ensureIndex();
    await this.warming;
  }

  /**
   * Fills the release-info cache (who released what, when) of every running
   * service with one walk of the history, so `GET /status` needs no `git log`.
   */
  async warmReleaseInfo(): Promise<void> {
    const wanted = new Map<string, string>();
    for (const [env, m] of this.index) {
      for (const [svc, ns] of m) {
        if (!this.releaseInfo.has(`${env}/${svc}`)) {
          wanted.set(
            `${this.releaseDir(env, ns, svc)}/artifact.json`,
            `${env}/${svc}`,
          );
        }
      }
    }
    const head = this.repo.head;
    try {
      await this.repo.newestCommitsTouching(
        new Set(wanted.keys()),
        (p, c) => {
          const key = wanted.get(p)!;
          if (this.repo.head === head && !this.releaseInfo.has(key)) {
            this.releaseInfo.set(key, commitToReleaseInfo(c));
          }
        },
        head,
      );
    } catch {
      // a cache: misses fall back to `git log -1`
    }
  }

  private setIndex(env: string, service: string, namespace: string) {
    if (!this.index.has(env)) this.index.set(env, new Map());
    this.index.get(env)!.set(service, namespace);
  }

  /** Services with artifacts or releases, sorted. */
  async services(): Promise<string[]> {
    await this.ensureIndex();
    const set = new Set(await this.artifacts.services());
    for (const m of this.index.values()) for (const s of m.keys()) set.add(s);
    return [...set].sort();
  }

  /** Throws InputError for a bad name and NotFoundError for a service without artifacts or releases. */
  async assertService(field: string, service: unknown): Promise<string> {
    assertDnsLabel(field, service);
    const s = service as string;
    await this.ensureIndex();
    for (const m of this.index.values()) if (m.has(s)) return s;
    if ((await this.artifacts.list(s, { limit: 1 })).length) return s;
    throw new NotFoundError(
      `unknown service '${s}': it has no artifacts and no releases`,
    );
  }

  private releaseDir(env: string, namespace: string, service: string) {
    return `${env}/releases/${namespace}/${service}`;
  }

  private namespaceOf(env: string, service: string): string | undefined {
    return this.index.get(env)?.get(service);
  }

  /* ---------------------------------------------------------------- */
  /* Status                                                            */
  /* ---------------------------------------------------------------- */

  /** What runs where: `GET /status?service=`. */
  async status(serviceParam: unknown): Promise<StatusResponse> {
    const service = await this.assertService('service', serviceParam);
    const envs = await Promise.all(
      this.environments.map(env => this.environmentStatus(env, service)),
    );
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
    const ns = this.namespaceOf(env, service);
    if (!ns) {
      return { name: env, rollout: { phase: 'unknown', errors: [] } };
    }
    const dir = this.releaseDir(env, ns, service);
    const text = await this.repo.readFile(`${dir}/artifact.json`);
    if (!text) return { name: env, rollout: { phase: 'unknown', errors: [] } };
    const spec = JSON.parse(text) as ArtifactSpec;
    const info = await this.releaseInfoOf(env, service, dir);
    const vuln = vulnerabilities(spec);
    const rollout = await this.rolloutOf(
      env,
      service,
      spec.id,
      info?.releasedAt,
    );
    return {
      name: env,
      tag: spec.id,
      committer: spec.application?.committerName,
      author: spec.application?.authorName,
      message: spec.application?.message,
      date: spec.ci?.end ? Date.parse(spec.ci.end) : undefined,
      buildUrl: spec.ci?.jobUrl,
      highVulnerabilities: vuln.high,
      mediumVulnerabilities: vuln.medium,
      lowVulnerabilities: vuln.low,
      namespace: ns,
      branch: spec.application?.branch,
      sha: spec.application?.sha,
      commitUrl:
        spec.application?.url && spec.application?.sha
          ? `${spec.application.url.replace(/\/$/, '')}/commit/${
              spec.application.sha
            }`
          : undefined,
      releasedAt: info?.releasedAt,
      releasedByName: info?.releasedByName,
      releasedByEmail: info?.releasedByEmail,
      intent: info?.intent,
      releaseCommit: info?.commit,
      rollout,
    };
  }

  private async releaseInfoOf(env: string, service: string, dir: string) {
    const key = `${env}/${service}`;
    const cached = this.releaseInfo.get(key);
    if (cached) return cached;
    const [c] = await this.repo.log(dir, 1);
    if (!c) return undefined;
    const info = commitToReleaseInfo(c);
    this.releaseInfo.set(key, info);
    return info;
  }

  /* ---------------------------------------------------------------- */
  /* Releases                                                          */
  /* ---------------------------------------------------------------- */

  /**
   * Releases an artifact to an environment with an intent (`POST /release`).
   * Branch restrictions (the service's and the global ones) apply to every
   * intent. Releasing what already runs changes nothing (`status: Environment
   * is already up-to-date`).
   */
  async release(input: ReleaseInput): Promise<ReleaseResult> {
    const started = process.hrtime.bigint();
    const { service, environment, intent, actor } = input;
    try {
      let artifact: ArtifactSpec | undefined;
      // Resolve artifacts that do not depend on the config repo up front.
      if (
        intent.type === 'ReleaseArtifact' ||
        intent.type === 'AutoRelease' ||
        intent.type === 'ReleaseBranch'
      ) {
        artifact = await this.resolveStoreArtifact(
          service,
          input.artifactId,
          intent,
        );
      } else if (intent.type === 'Rollback' && input.artifactId) {
        artifact = await this.getArtifact(service, input.artifactId);
      }
      const outcome = await this.repo.write(async ctx => {
        let spec = artifact;
        let fromEnvironment: string | undefined;
        const current = await this.currentInTree(ctx, environment, service);
        if (intent.type === 'Promote') {
          fromEnvironment =
            intent.promote?.fromEnvironment ||
            this.previousEnvironment(environment);
          this.assertEnvironment(
            'intent.promote.fromEnvironment',
            fromEnvironment,
          );
          const running = await this.currentInTree(
            ctx,
            fromEnvironment,
            service,
          );
          if (!running) {
            throw new InputError(
              `cannot promote ${service} to ${environment}: nothing of it runs in ${fromEnvironment}`,
            );
          }
          if (input.artifactId && input.artifactId !== running.id) {
            throw new InputError(
              `cannot promote artifact '${input.artifactId}': ${fromEnvironment} runs '${running.id}'`,
            );
          }
          spec = await this.getArtifact(service, running.id);
        }
        if (intent.type === 'Rollback') {
          if (!current) {
            throw new InputError(
              `cannot roll back ${service} in ${environment}: nothing is released there`,
            );
          }
          const history = await this.historyInTree(
            environment,
            service,
            ctx.head,
            100,
          );
          if (spec) {
            if (!history.some(h => h.artifactId === spec!.id)) {
              throw new InputError(
                `cannot roll back ${service} in ${environment} to '${spec.id}': it was never released there`,
              );
            }
          } else {
            const previous = history.find(h => h.artifactId !== current.id);
            if (!previous) {
              throw new InputError(
                `cannot roll back ${service} in ${environment}: there is no earlier release to roll back to`,
              );
            }
            spec = await this.getArtifact(service, previous.artifactId);
          }
        }
        if (!spec) throw new InputError('artifactId is required');
        await this.assertBranchAllowed(ctx, service, environment, spec, intent);
        const manifests = await this.artifacts.getManifests(
          service,
          spec.id,
          environment,
        );
        if (!manifests) {
          throw new InputError(
            `artifact '${spec.id}' of ${service} has no manifests for environment '${environment}'`,
          );
        }
        const fullIntent = fullIntentOf(intent.type, {
          fromEnvironment,
          previousArtifactId: current?.id,
          branch: spec.application?.branch,
        });
        const result: ReleaseResult = {
          artifactId: spec.id,
          previousArtifactId: current?.id,
          fromEnvironment,
          status: '',
        };
        if (current?.id === spec.id) {
          result.status = UP_TO_DATE;
          return { result };
        }
        const namespace = spec.namespace || environment;
        // Remove the service from every namespace of the environment, then write it.
        const dir = this.releaseDir(environment, namespace, service);
        const touched = [dir];
        for (const ns of await ctx.list(`${environment}/releases`)) {
          if (
            (await ctx.list(`${environment}/releases/${ns}`)).includes(service)
          ) {
            await ctx.remove(this.releaseDir(environment, ns, service));
            if (ns !== namespace)
              touched.push(this.releaseDir(environment, ns, service));
          }
        }
        const names = Object.keys(manifests).sort();
        for (const name of names)
          await ctx.writeFile(`${dir}/${name}`, manifests[name]);
        await ctx.writeFile(
          `${dir}/artifact.json`,
          `${JSON.stringify(spec, null, 2)}\n`,
        );
        // Flux applies the folder through a kustomization: the artifact's own, or one
        // listing its manifests (so that artifact.json, metadata, is not applied).
        const ownKustomization = names.some(n =>
          /^kustomization\.ya?ml$/.test(n),
        );
        if (!ownKustomization) {
          await ctx.writeFile(
            `${dir}/kustomization.yaml`,
            [
              '# Written by the Slipway release manager: the manifests Flux applies (artifact.json is metadata).',
              'apiVersion: kustomize.config.k8s.io/v1beta1',
              'kind: Kustomization',
              'resources:',
              ...names.map(n => `  - ${n}`),
              '',
            ].join('\n'),
          );
        }
        (result as any).namespace = namespace;
        return {
          result,
          commit: {
            author: actor,
            paths: touched,
            message: releaseMessage({
              service,
              environment,
              namespace,
              artifactId: spec.id,
              intent: fullIntent,
              actor,
            }),
          },
        };
      });
      const result = outcome.result;
      result.commit = outcome.commit;
      if (outcome.commit) {
        const ns = (result as any).namespace as string;
        delete (result as any).namespace;
        this.setIndex(environment, service, ns);
        this.releaseInfo.set(`${environment}/${service}`, {
          commit: outcome.commit,
          releasedAt:
            (await this.repo.commitDate(outcome.commit)) ??
            new Date().toISOString(),
          releasedByName: actor.name,
          releasedByEmail: actor.email,
          intent: intent.type,
        });
        this.afterOwnCommit();
        const type = EVENT_TYPE_BY_INTENT[intent.type];
        await this.db.addEvent({
          type,
          service,
          environment,
          artifactId: result.artifactId,
          actorName: actor.name,
          actorEmail: actor.email,
          message: releaseEventMessage(
            intent.type,
            service,
            environment,
            result,
            actor,
          ),
          data: {
            intent: intent.type,
            commit: outcome.commit,
            previousArtifactId: result.previousArtifactId,
            fromEnvironment: result.fromEnvironment,
          },
        });
        this.metrics.releases.inc({
          environment,
          intent: intent.type,
          outcome: 'released',
        });
        this.metrics.releaseDuration.observe(
          { environment },
          Number(process.hrtime.bigint() - started) / 1e9,
        );
      } else {
        delete (result as any).namespace;
        this.metrics.releases.inc({
          environment,
          intent: intent.type,
          outcome: 'unchanged',
        });
      }
      return result;
    } catch (error) {
      const name = (error as Error)?.name;
      this.metrics.releases.inc({
        environment,
        intent: intent.type,
        outcome:
          name === 'InputError' || name === 'NotFoundError'
            ? 'rejected'
            : 'failed',
      });
      throw error;
    }
  }

  private afterOwnCommit() {
    this.ownCommits++;
    if (this.ownCommits % 1000 === 0) {
      // Keep changed-path Bloom filters covering new commits.
      void this.repo.writeCommitGraph();
    }
  }

  private previousEnvironment(environment: string): string {
    const i = this.environments.indexOf(environment);
    if (i <= 0) {
      throw new InputError(
        `cannot promote to ${environment}: it is the first environment; nothing comes before it`,
      );
    }
    return this.environments[i - 1];
  }

  private async resolveStoreArtifact(
    service: string,
    artifactId: string | undefined,
    intent: Intent,
  ) {
    if (artifactId) return this.getArtifact(service, artifactId);
    if (intent.type === 'ReleaseBranch') {
      const branch = intent.releaseBranch?.branch;
      if (!branch)
        throw new InputError(
          'intent.releaseBranch.branch is required when artifactId is not given',
        );
      const [latest] = await this.artifacts.list(service, { branch, limit: 1 });
      if (!latest) {
        throw new NotFoundError(
          `no artifacts of ${service} on branch '${branch}'`,
        );
      }
      return latest.spec;
    }
    throw new InputError('artifactId is required');
  }

  private async getArtifact(
    service: string,
    id: string,
  ): Promise<ArtifactSpec> {
    assertArtifactId('artifactId', id);
    const a = await this.artifacts.get(service, id);
    if (!a)
      throw new NotFoundError(
        `artifact '${id}' not found for service '${service}'`,
      );
    return a.spec;
  }

  /** The artifact running in an environment, read from the working tree of a write. */
  private async currentInTree(ctx: WriteContext, env: string, service: string) {
    for (const ns of await ctx.list(`${env}/releases`)) {
      const text = await ctx.readFile(
        `${this.releaseDir(env, ns, service)}/artifact.json`,
      );
      if (text) return JSON.parse(text) as ArtifactSpec;
    }
    return undefined;
  }

  private async historyInTree(
    env: string,
    service: string,
    commit: string,
    count: number,
  ) {
    const ns = await this.namespaceAt(env, service, commit);
    if (!ns) return [];
    const commits = await this.repo.log(
      this.releaseDir(env, ns, service),
      count,
      commit,
    );
    return commits
      .map(c => ({ commit: c, artifactId: c.trailers['Artifact-ID'] }))
      .filter(c => c.artifactId);
  }

  private async namespaceAt(env: string, service: string, commit: string) {
    const files = await this.repo.listFiles(`${env}/releases`, commit);
    for (const f of files) {
      const parts = f.split('/');
      if (
        parts.length >= 5 &&
        parts[3] === service &&
        parts[4] === 'artifact.json'
      )
        return parts[2];
    }
    return undefined;
  }

  /** Promote: release to `environment` what runs in the environment before it. */
  async promote(
    input: Omit<ReleaseInput, 'intent' | 'artifactId'>,
  ): Promise<PromoteResponse> {
    const r = await this.release({
      ...input,
      intent: { type: 'Promote', promote: {} },
    });
    return {
      service: input.service,
      fromEnvironment: r.fromEnvironment!,
      toEnvironment: input.environment,
      status: r.status,
      tag: r.artifactId,
      commit: r.commit,
    };
  }

  /** Rollback: to the previous release in the environment, or to `artifactId`. A new commit, never a history rewrite. */
  async rollback(
    input: Omit<ReleaseInput, 'intent'>,
  ): Promise<RollbackResponse> {
    const r = await this.release({
      ...input,
      intent: { type: 'Rollback', rollback: {} },
    });
    return {
      service: input.service,
      environment: input.environment,
      status: r.status,
      previousArtifactId: r.previousArtifactId ?? '',
      newArtifactId: r.artifactId,
      commit: r.commit,
    };
  }

  /* ---------------------------------------------------------------- */
  /* Policies                                                          */
  /* ---------------------------------------------------------------- */

  private globalRestrictions(): BranchRestrictionPolicy[] {
    return this.config.globalBranchRestrictions.map(r => ({
      id: `global-branch-restriction-${r.environment}`,
      environment: r.environment,
      branchRegex: r.branchRegex,
      global: true,
    }));
  }

  private async readPolicies(
    service: string,
    ctx?: WriteContext,
  ): Promise<PolicyFile> {
    const rel = `policies/${service}.json`;
    const text = ctx ? await ctx.readFile(rel) : await this.repo.readFile(rel);
    const p = text ? (JSON.parse(text) as Partial<PolicyFile>) : {};
    return {
      service,
      autoReleases: p.autoReleases ?? [],
      branchRestrictions: p.branchRestrictions ?? [],
    };
  }

  private async assertBranchAllowed(
    ctx: WriteContext,
    service: string,
    environment: string,
    spec: ArtifactSpec,
    intent: Intent,
  ) {
    const branch = spec.application?.branch ?? '';
    const policies = await this.readPolicies(service, ctx);
    const restrictions = [
      ...this.globalRestrictions(),
      ...policies.branchRestrictions,
    ].filter(r => r.environment === environment);
    for (const r of restrictions) {
      if (!matchesWhole(r.branchRegex, branch)) {
        throw new InputError(
          `cannot release ${describeIntent(
            intent,
            spec.id,
          )} of ${service} to environment '${environment}' due to branch restriction policy '${
            r.id
          }': branch '${branch}' does not match ${r.branchRegex}`,
        );
      }
    }
  }

  /** `GET /policies?service=`: the service's policies plus the global restrictions. */
  async listPolicies(serviceParam: unknown): Promise<ListPoliciesResponse> {
    const service = await this.assertService('service', serviceParam);
    const p = await this.readPolicies(service);
    return {
      service,
      autoReleases: p.autoReleases,
      branchRestrictions: [
        ...this.globalRestrictions(),
        ...p.branchRestrictions,
      ],
    };
  }

  /**
   * `PATCH /policies/auto-release`. Refuses (400) a branch a restriction forbids. An
   * auto-release policy already set for the environment is overwritten (Lunar's
   * `SetAutoRelease`), so an environment auto-releases one branch at most.
   */
  async applyAutoRelease(input: {
    service: string;
    branch: string;
    environment: string;
    actor: Actor;
  }): Promise<ApplyPolicyResponse> {
    const { service, branch, environment, actor } = input;
    const id = `auto-release-${branch.replace(
      /[^A-Za-z0-9._-]+/g,
      '-',
    )}-${environment}`;
    const { result: replaced } = await this.repo.write(async ctx => {
      const p = await this.readPolicies(service, ctx);
      for (const r of [...this.globalRestrictions(), ...p.branchRestrictions]) {
        if (
          r.environment === environment &&
          !matchesWhole(r.branchRegex, branch)
        ) {
          throw new InputError(
            `auto-release of branch '${branch}' to ${environment} conflicts with branch restriction policy '${r.id}' (${r.branchRegex})`,
          );
        }
      }
      if (p.autoReleases.some(a => a.id === id)) {
        return { result: undefined as string | undefined };
      }
      // As Lunar's SetAutoRelease: one auto-release per environment; a new one for
      // the same environment overwrites the old one (in its place).
      const policy = { id, branch, environment };
      const same = p.autoReleases.findIndex(a => a.environment === environment);
      const old = same >= 0 ? p.autoReleases[same].id : undefined;
      if (same >= 0) p.autoReleases[same] = policy;
      else p.autoReleases.push(policy);
      await ctx.writeFile(
        `policies/${service}.json`,
        `${JSON.stringify(p, null, 2)}\n`,
      );
      return {
        result: old,
        commit: {
          author: actor,
          paths: [`policies/${service}.json`],
          message: policyMessage(
            service,
            `apply auto-release of ${branch} to ${environment}`,
            id,
            actor,
          ),
        },
      };
    });
    await this.db.addEvent({
      type: 'policy',
      service,
      environment,
      actorName: actor.name,
      actorEmail: actor.email,
      message: `${actor.name} set auto-release of ${service} branch ${branch} to ${environment}${
        replaced ? ` (replacing ${replaced})` : ''
      }`,
      data: { action: 'apply', policy: 'auto-release', id, branch, replaced },
    });
    return { id, service, branch, environment };
  }

  /** `PATCH /policies/branch-restriction`. Refuses (400) an invalid regex or one an auto-release policy breaks. */
  async applyBranchRestriction(input: {
    service: string;
    environment: string;
    branchRegex: string;
    actor: Actor;
  }): Promise<ApplyBranchRestrictionPolicyResponse> {
    const { service, environment, branchRegex, actor } = input;
    try {
      // eslint-disable-next-line no-new
      new RegExp(branchRegex);
    } catch {
      throw new InputError(
        `branchRegex is not a valid regular expression: ${branchRegex}`,
      );
    }
    const id = `branch-restriction-${environment}`;
    await this.repo.write(async ctx => {
      const p = await this.readPolicies(service, ctx);
      for (const a of p.autoReleases) {
        if (
          a.environment === environment &&
          !matchesWhole(branchRegex, a.branch)
        ) {
          throw new InputError(
            `branch restriction ${branchRegex} on ${environment} conflicts with auto-release policy '${a.id}' (branch '${a.branch}'); delete it first`,
          );
        }
      }
      const existing = p.branchRestrictions.find(r => r.id === id);
      if (existing?.branchRegex === branchRegex) return { result: undefined };
      p.branchRestrictions = [
        ...p.branchRestrictions.filter(r => r.id !== id),
        { id, environment, branchRegex },
      ];
      await ctx.writeFile(
        `policies/${service}.json`,
        `${JSON.stringify(p, null, 2)}\n`,
      );
      return {
        result: undefined,
        commit: {
          author: actor,
          paths: [`policies/${service}.json`],
          message: policyMessage(
            service,
            `apply branch restriction ${branchRegex} on ${environment}`,
            id,
            actor,
          ),
        },
      };
    });
    await this.db.addEvent({
      type: 'policy',
      service,
      environment,
      actorName: actor.name,
      actorEmail: actor.email,
      message: `${actor.name} restricted ${service} in ${environment} to branches ${branchRegex}`,
      data: { action: 'apply', policy: 'branch-restriction', id, branchRegex },
    });
    return { id, service, environment, branchRegex };
  }

  /** `DELETE /policies`. Global restrictions cannot be removed (400); no matching policy gives 404. */
  async deletePolicies(input: {
    service: string;
    policyIds: string[];
    actor: Actor;
  }): Promise<DeletePolicyResponse> {
    const { service, policyIds, actor } = input;
    const globals = new Set(this.globalRestrictions().map(g => g.id));
    const g = policyIds.find(id => globals.has(id));
    if (g) {
      throw new InputError(
        `policy '${g}' is a global branch restriction from the server config and cannot be removed`,
      );
    }
    const { result: count } = await this.repo.write(async ctx => {
      const p = await this.readPolicies(service, ctx);
      const before = p.autoReleases.length + p.branchRestrictions.length;
      p.autoReleases = p.autoReleases.filter(a => !policyIds.includes(a.id));
      p.branchRestrictions = p.branchRestrictions.filter(
        r => !policyIds.includes(r.id),
      );
      const removed =
        before - p.autoReleases.length - p.branchRestrictions.length;
      if (!removed) {
        throw new NotFoundError(
          `no policies exist with ids ${policyIds.join(
            ', ',
          )} for service '${service}'`,
        );
      }
      const rel = `policies/${service}.json`;
      if (p.autoReleases.length + p.branchRestrictions.length === 0)
        await ctx.remove(rel);
      else await ctx.writeFile(rel, `${JSON.stringify(p, null, 2)}\n`);
      return {
        result: removed,
        commit: {
          author: actor,
          paths: [rel],
          message: policyMessage(
            service,
            `delete policies ${policyIds.join(', ')}`,
            policyIds.join(','),
            actor,
          ),
        },
      };
    });
    await this.db.addEvent({
      type: 'policy',
      service,
      actorName: actor.name,
      actorEmail: actor.email,
      message: `${actor.name} deleted policies ${policyIds.join(
        ', ',
      )} of ${service}`,
      data: { action: 'delete', ids: policyIds },
    });
    return { service, count };
  }

  /* ---------------------------------------------------------------- */
  /* Describe                                                          */
  /* ---------------------------------------------------------------- */

  /** `GET /describe/release/{service}/{environment}?count=`: releases newest first, read from git. */
  async describeRelease(
    serviceParam: unknown,
    envParam: unknown,
    count: number,
  ): Promise<DescribeReleaseResponse> {
    const service = await this.assertService('service', serviceParam);
    const environment = this.assertEnvironment('environment', envParam);
    await this.ensureIndex();
    const ns = this.namespaceOf(environment, service);
    if (!ns) return { service, environment, releases: [] };
    const dir = this.releaseDir(environment, ns, service);
    const commits = await this.repo.log(dir, count);
    const releases: DescribeReleaseResponseRelease[] = [];
    for (const [i, c] of commits.entries()) {
      const text = await this.repo.readFile(`${dir}/artifact.json`, c.sha);
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
      });
    }
    return { service, environment, releases };
  }

  /** `GET /describe/artifact/{service}?count=&branch=`: newest first. */
  async describeArtifact(
    serviceParam: unknown,
    count: number,
    branch?: string,
  ): Promise<DescribeArtifactResponse> {
    const service = await this.assertService('service', serviceParam);
    const list = await this.artifacts.list(service, { branch, limit: count });
    return { service, artifacts: list.map(a => a.spec) };
  }

  /** `GET /describe/latest-artifact/{service}?branch=`: 404 when the branch has none. */
  async latestArtifact(
    serviceParam: unknown,
    branch: string,
  ): Promise<DescribeArtifactResponse> {
    const service = await this.assertService('service', serviceParam);
    const [latest] = await this.artifacts.list(service, { branch, limit: 1 });
    if (!latest)
      throw new NotFoundError(
        `no artifacts available for service '${service}' and branch '${branch}'`,
      );
    return { service, artifacts: [latest.spec] };
  }

  /* ---------------------------------------------------------------- */
  /* Artifacts                                                         */
  /* ---------------------------------------------------------------- */

  private validateManifests(manifests: ArtifactManifests) {
    for (const env of Object.keys(manifests)) {
      assertDnsLabel(`manifests.${env}`, env);
    }
  }

  /**
   * `POST /artifacts/create`: stores the artifact (with inline manifests) and
   * fires the matching auto-release policies; or, without manifests, records
   * it and returns where to upload them.
   */
  async createArtifact(
    spec: ArtifactSpec,
    manifests: ArtifactManifests | undefined,
    md5: string | undefined,
    baseUrl: string,
  ): Promise<ArtifactUploadResponse> {
    if (!manifests) {
      await this.artifacts.putSpec(spec);
      const url = `${baseUrl}/artifacts/upload/${spec.service}/${spec.id}${
        md5 ? `?md5=${encodeURIComponent(md5)}` : ''
      }`;
      return { artifactUploadUrl: url };
    }
    this.validateManifests(manifests);
    await this.artifacts.put(spec, manifests);
    return { autoReleases: await this.afterArtifactStored(spec) };
  }

  /** `PUT /artifacts/upload/{service}/{id}`: the manifests of an artifact created without them. */
  async uploadManifests(
    service: string,
    id: string,
    body: Buffer,
    md5?: string,
  ): Promise<ArtifactUploadResponse> {
    const pending = await this.artifacts.getPending(service, id);
    if (!pending)
      throw new NotFoundError(
        `no artifact '${id}' of '${service}' is waiting for its manifests`,
      );
    if (md5) {
      const hash = createHash('md5').update(body);
      const hex = hash.copy().digest('hex');
      const b64 = hash.digest('base64');
      if (md5 !== hex && md5 !== b64)
        throw new InputError('md5 does not match the uploaded manifests');
    }
    let manifests: ArtifactManifests;
    try {
      manifests = JSON.parse(body.toString('utf8'));
    } catch {
      throw new InputError(
        'manifests must be a JSON object: environment → file name → content',
      );
    }
    manifests = parseManifests(manifests);
    this.validateManifests(manifests);
    await this.artifacts.putManifests(service, id, manifests);
    return { autoReleases: await this.afterArtifactStored(pending) };
  }

  private async afterArtifactStored(spec: ArtifactSpec) {
    await this.db.addEvent({
      type: 'artifact',
      service: spec.service,
      artifactId: spec.id,
      actorName: spec.application?.authorName,
      actorEmail: spec.application?.authorEmail,
      message: `${spec.service} artifact ${spec.id} built from ${
        spec.application?.branch ?? '?'
      }: ${(spec.application?.message ?? '').split('\n')[0]}`,
      data: { branch: spec.application?.branch, sha: spec.application?.sha },
    });
    const policies = await this.readPolicies(spec.service);
    const out: NonNullable<ArtifactUploadResponse['autoReleases']> = [];
    for (const p of policies.autoReleases) {
      if (p.branch !== spec.application?.branch) continue;
      if (!this.environments.includes(p.environment)) continue;
      try {
        const r = await this.release({
          service: spec.service,
          environment: p.environment,
          artifactId: spec.id,
          intent: { type: 'AutoRelease' },
          actor: {
            name:
              spec.application?.committerName ||
              spec.application?.authorName ||
              'CI',
            email:
              spec.application?.committerEmail ||
              spec.application?.authorEmail ||
              'ci@slipway.local',
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

  /* ---------------------------------------------------------------- */
  /* Rollout state                                                     */
  /* ---------------------------------------------------------------- */

  private async serviceOfWorkload(
    name: string,
    explicit?: string,
  ): Promise<string> {
    if (explicit) return this.assertService('service', explicit);
    const services = await this.services();
    if (services.includes(name)) return name;
    const match = services
      .filter(s => name.startsWith(`${s}-`))
      .sort((a, b) => b.length - a.length)[0];
    if (!match) {
      throw new NotFoundError(
        `cannot tell the service of '${name}': no known service matches; send 'service'`,
      );
    }
    return match;
  }

  /** `POST /webhook/daemon/k8s/deploy`. */
  async daemonDeploy(ev: ReleaseEvent) {
    const environment = this.assertEnvironment('environment', ev.environment);
    const service = await this.serviceOfWorkload(ev.name);
    await this.db.addRolloutEvent({
      environment,
      service,
      artifactId: ev.artifactId,
      kind: 'deploy',
      payload: ev,
    });
    this.metrics.rolloutEvents.inc({ kind: 'deploy' });
    const desired = ev.replicas ?? 0;
    await this.db.addEvent({
      type: 'rollout',
      service,
      environment,
      artifactId: ev.artifactId,
      message:
        ev.availablePods >= desired
          ? `${service} ${ev.artifactId} rolled out in ${environment}: ${ev.availablePods}/${desired} ready`
          : `${service} ${ev.artifactId} rolling out in ${environment}: ${ev.availablePods}/${desired} ready`,
      data: {
        phase: ev.availablePods >= desired ? 'succeeded' : 'progressing',
        available: ev.availablePods,
        desired,
      },
    });
  }

  /** `POST /webhook/daemon/k8s/error`. */
  async daemonPodError(ev: PodErrorEvent) {
    const environment = this.assertEnvironment('environment', ev.environment);
    const service = await this.serviceOfWorkload(ev.podName, ev.service);
    await this.db.addRolloutEvent({
      environment,
      service,
      artifactId: ev.artifactId,
      kind: 'pod-error',
      payload: ev,
    });
    this.metrics.rolloutEvents.inc({ kind: 'pod-error' });
    const first = ev.errors[0];
    await this.db.addEvent({
      type: 'rollout',
      service,
      environment,
      artifactId: ev.artifactId,
      message: `${service} ${ev.artifactId} failing in ${environment}: pod ${
        ev.podName
      } container ${first?.name ?? '?'} ${
        first?.type ?? first?.reason ?? ''
      }`.trim(),
      data: {
        phase: 'failed',
        podName: ev.podName,
        errors: ev.errors.map(e => ({
          name: e.name,
          reason: e.type ?? e.reason,
        })),
      },
    });
  }

  /** `POST /webhook/daemon/k8s/joberror`. */
  async daemonJobError(ev: JobErrorEvent) {
    const environment = this.assertEnvironment('environment', ev.environment);
    const service = await this.serviceOfWorkload(ev.jobName, ev.service);
    await this.db.addRolloutEvent({
      environment,
      service,
      artifactId: ev.artifactId,
      kind: 'job-error',
      payload: ev,
    });
    this.metrics.rolloutEvents.inc({ kind: 'job-error' });
    await this.db.addEvent({
      type: 'rollout',
      service,
      environment,
      artifactId: ev.artifactId,
      message: `${service} ${ev.artifactId} job ${
        ev.jobName
      } failed in ${environment}: ${
        ev.errors[0]?.reason ?? ev.errors[0]?.message ?? ''
      }`.trim(),
      data: { phase: 'failed', jobName: ev.jobName },
    });
  }

  /** `POST /webhook/flux/{environment}`: a Flux notification-controller event. */
  async fluxEvent(envParam: unknown, ev: FluxEvent) {
    const environment = this.assertEnvironment('environment', envParam);
    const services = await this.services();
    const name = ev.involvedObject.name;
    const service = services.includes(name) ? name : undefined;
    this.metrics.rolloutEvents.inc({ kind: 'flux' });
    if (service) {
      await this.db.addRolloutEvent({
        environment,
        service,
        kind: 'flux',
        payload: ev,
      });
    }
    await this.db.addEvent({
      type: 'rollout',
      service,
      environment,
      message: `Flux ${ev.involvedObject.kind}/${name} in ${environment}: ${ev.reason}: ${ev.message}`,
      data: {
        source: 'flux',
        severity: ev.severity,
        reason: ev.reason,
        revision: ev.metadata?.revision,
      },
    });
  }

  private async rolloutOf(
    env: string,
    service: string,
    artifactId: string,
    releasedAt?: string,
  ): Promise<RolloutStatus> {
    const rows = await this.db.rolloutEvents(env, service, 50);
    const errors: RolloutContainerError[] = [];
    let deploy: ReleaseEvent | undefined;
    let flux: FluxEvent | undefined;
    let updatedAt: string | undefined;
    for (const row of rows) {
      const payload = JSON.parse(row.payload);
      if (row.kind === 'flux') {
        if (releasedAt && row.created_at < releasedAt) continue;
        if (!flux && !deploy) {
          flux = payload;
          updatedAt ??= row.created_at;
        }
        continue;
      }
      if (row.artifact_id !== artifactId) continue;
      updatedAt ??= row.created_at;
      if (row.kind === 'deploy') {
        const d = payload as ReleaseEvent;
        if (!deploy) deploy = d;
        if (d.availablePods >= (d.replicas ?? 0)) break; // errors before a full rollout are over
        continue;
      }
      if (row.kind === 'pod-error') {
        const p = payload as PodErrorEvent;
        for (const e of p.errors ?? []) {
          errors.push({
            podName: p.podName,
            container: e.name,
            reason: e.type ?? e.reason,
            message: e.message,
            logs: e.logs,
          });
        }
      }
      if (row.kind === 'job-error') {
        const j = payload as JobErrorEvent;
        for (const e of j.errors ?? []) {
          errors.push({
            podName: j.jobName,
            container: j.jobName,
            reason: e.reason ?? e.type,
            message: e.message,
          });
        }
      }
    }
    const status: RolloutStatus = {
      phase: 'unknown',
      artifactId,
      errors,
      updatedAt,
    };
    if (deploy) {
      status.availableReplicas = deploy.availablePods;
      status.desiredReplicas = deploy.replicas ?? 0;
    }
    if (flux) status.fluxMessage = `${flux.reason}: ${flux.message}`;
    const fullyAvailable =
      deploy && deploy.availablePods >= (deploy.replicas ?? 0);
    // Errors are only collected back to the newest full rollout: any means failing since.
    if (errors.length) status.phase = 'failed';
    else if (deploy)
      status.phase = fullyAvailable ? 'succeeded' : 'progressing';
    else if (flux) {
      if (flux.severity === 'error') status.phase = 'failed';
      else if (/Succeeded|Ready|Healthy/.test(flux.reason))
        status.phase = 'succeeded';
      else status.phase = 'progressing';
    }
    return status;
  }

  /** `GET /rollout/{service}`: rollout state per environment. */
  async rollout(serviceParam: unknown): Promise<RolloutResponse> {
    const s = await this.status(serviceParam);
    const out: RolloutResponse = { service: s.service!, environments: {} };
    for (const e of s.environments)
      out.environments[e.name] = e.rollout ?? { phase: 'unknown', errors: [] };
    return out;
  }

  /** `GET /events`. */
  async events(q: {
    since?: string;
    service?: string;
    environment?: string;
    limit: number;
  }): Promise<EventsResponse> {
    return { events: await this.db.events(q) };
  }
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

function fullIntentOf(
  type: IntentType,
  d: { fromEnvironment?: string; previousArtifactId?: string; branch?: string },
): Intent {
  switch (type) {
    case 'Promote':
      return { type, promote: { fromEnvironment: d.fromEnvironment } };
    case 'Rollback':
      return { type, rollback: { previousArtifactId: d.previousArtifactId } };
    case 'ReleaseBranch':
      return { type, releaseBranch: { branch: d.branch } };
    default:
      return { type };
  }
}

function releaseEventMessage(
  type: IntentType,
  service: string,
  environment: string,
  r: ReleaseResult,
  actor: Actor,
): string {
  switch (type) {
    case 'Rollback':
      return `${service} rolled back in ${environment} from ${r.previousArtifactId} to ${r.artifactId} by ${actor.name}`;
    case 'Promote':
      return `${service} ${r.artifactId} promoted from ${r.fromEnvironment} to ${environment} by ${actor.name}`;
    case 'AutoRelease':
      return `${service} ${r.artifactId} released to ${environment} by ${actor.name} (auto-release)`;
    default:
      return `${service} ${r.artifactId} released to ${environment} by ${actor.name}`;
  }
}

function matchesWhole(regex: string, value: string): boolean {
  try {
    const m = new RegExp(regex).exec(value);
    return Boolean(m && m[0] === value);
  } catch {
    return false;
  }
}

function describeIntent(intent: Intent, artifactId: string): string {
  switch (intent.type) {
    case 'ReleaseBranch':
      return `branch '${intent.releaseBranch?.branch}' with artifact '${artifactId}'`;
    case 'Promote':
      return `promotion from '${
        intent.promote?.fromEnvironment ?? 'previous environment'
      }' with artifact '${artifactId}'`;
    case 'Rollback':
      return `rollback to artifact '${artifactId}'`;
    case 'AutoRelease':
      return `autorelease artifact '${artifactId}'`;
    default:
      return `artifact '${artifactId}'`;
  }
}

function vulnerabilities(spec: ArtifactSpec) {
  const out = { high: 0, medium: 0, low: 0 };
  for (const s of spec.stages ?? []) {
    if (!String(s.id).startsWith('snyk')) continue;
    const v = (s.data as ArtifactSnykStageData | undefined)?.vulnerabilities;
    if (v) {
      out.high += v.high ?? 0;
      out.medium += v.medium ?? 0;
      out.low += v.low ?? 0;
    }
  }
  return out;
}

/** The commit message of a release: a subject, a description and trailers. */
export function releaseMessage(r: {
  service: string;
  environment: string;
  namespace: string;
  artifactId: string;
  intent: Intent;
  actor: Actor;
}): string {
  const what = {
    Promote: `promote ${r.artifactId} from ${r.intent.promote?.fromEnvironment}`,
    Rollback: `rollback to ${r.artifactId}`,
    AutoRelease: `auto-release ${r.artifactId}`,
    ReleaseArtifact: `release ${r.artifactId}`,
    ReleaseBranch: `release ${r.artifactId}`,
  }[r.intent.type];
  const trailers = [
    `Service: ${r.service}`,
    `Environment: ${r.environment}`,
    `Namespace: ${r.namespace}`,
    `Artifact-ID: ${r.artifactId}`,
    `Intent: ${r.intent.type}`,
  ];
  if (r.intent.promote?.fromEnvironment)
    trailers.push(
      `Intent-From-Environment: ${r.intent.promote.fromEnvironment}`,
    );
  if (r.intent.rollback?.previousArtifactId)
    trailers.push(
      `Intent-Previous-Artifact-ID: ${r.intent.rollback.previousArtifactId}`,
    );
  if (r.intent.releaseBranch?.branch)
    trailers.push(`Intent-Branch: ${r.intent.releaseBranch.branch}`);
  trailers.push(`Released-By: ${r.actor.name} <${r.actor.email}>`);
  return `[${r.environment}/${r.service}] ${what}\n\n${describeIntent(
    r.intent,
    r.artifactId,
  )} released by ${r.actor.name}\n\n${trailers.join('\n')}\n`;
}

function policyMessage(
  service: string,
  what: string,
  id: string,
  actor: Actor,
) {
  return `[policies/${service}] ${what}\n\nService: ${service}\nPolicy: ${id}\nChanged-By: ${actor.name} <${actor.email}>\n`;
}

function intentFromTrailers(t: Record<string, string>): Intent {
  const type = (t.Intent as IntentType) || 'ReleaseArtifact';
  const intent: Intent = { type };
  if (t['Intent-From-Environment'])
    intent.promote = { fromEnvironment: t['Intent-From-Environment'] };
  if (t['Intent-Previous-Artifact-ID'])
    intent.rollback = { previousArtifactId: t['Intent-Previous-Artifact-ID'] };
  if (t['Intent-Branch']) intent.releaseBranch = { branch: t['Intent-Branch'] };
  return intent;
}

function commitToReleaseInfo(c: LoggedCommit): ReleaseInfo {
  const by = /^(.*) <([^>]*)>$/.exec(c.trailers['Released-By'] ?? '');
  return {
    commit: c.sha,
    releasedAt: new Date(c.date).toISOString(),
    releasedByName: by?.[1] ?? c.authorName,
    releasedByEmail: by?.[2] ?? c.authorEmail,
    intent: (c.trailers.Intent as IntentType) || 'ReleaseArtifact',
  };
}

/** Whether `value` is a configured-looking environment name (for query parsing). */
export function looksLikeEnvironment(value: unknown): boolean {
  return isDnsLabel(value);
}
