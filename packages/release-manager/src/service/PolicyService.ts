import { InputError, NotFoundError } from '@backstage/errors';
import {
  branchMatches,
  findRefusingBranchRestriction,
} from '@slipway/plugin-release-manager-common/rules';
import { ReleaseManagerConfig } from '../config';
import { ConfigRepo, WriteContext } from '../git/ConfigRepo';
import { Actor } from '../git/types';
import {
  ApplyBranchRestrictionPolicyResponse,
  ApplyPolicyResponse,
  AutoReleasePolicy,
  AutoRollbackPolicy,
  BranchRestrictionPolicy,
  DeletePolicyResponse,
  ListPoliciesResponse,
} from '../http/types';
import { EventFeed } from './EventFeed';
import { policyFile } from './layout';
import { policyMessage } from './releases/messages';

/** A service's policy file in the config repo (`policies/<service>.json`). */
export interface PolicyFile {
  service: string;
  autoReleases: AutoReleasePolicy[];
  branchRestrictions: BranchRestrictionPolicy[];
  /** Slipway: automatic rollback policies (`src/service/autoRollback`). */
  autoRollbacks?: AutoRollbackPolicy[];
}

/** True when no field of a policy file holds a policy (every array is empty); other fields are kept as they are. */
export function isEmptyPolicyFile(p: object): boolean {
  return Object.values(p).every(v => !Array.isArray(v) || v.length === 0);
}

/** A validated `PATCH /policies/auto-release`: a known service, a configured environment, a valid branch name. */
export interface AutoReleaseInput {
  service: string;
  branch: string;
  environment: string;
  actor: Actor;
}

/** A validated `PATCH /policies/branch-restriction`: `branchRegex` compiles. */
export interface BranchRestrictionInput {
  service: string;
  environment: string;
  branchRegex: string;
  actor: Actor;
}

/** A validated `DELETE /policies`. */
export interface DeletePoliciesInput {
  service: string;
  policyIds: string[];
  actor: Actor;
}

/**
 * Policies (Lunar's): auto-release of a branch into an environment, and branch
 * restrictions (an environment takes releases only from branches whose whole name
 * matches a regex), per service in the config repo plus the global restrictions of
 * the server config. Every change is a commit and an event.
 *
 * Errors: `InputError` (400) for conflicts between the two kinds and for removing a
 * global restriction; `NotFoundError` (404) for deleting policies that do not exist.
 */
export class PolicyService {
  constructor(
    private readonly config: ReleaseManagerConfig,
    private readonly repo: ConfigRepo,
    private readonly events: EventFeed,
  ) {}

  /** The branch restrictions of the server config, as policies (`global: true`). */
  globalRestrictions(): BranchRestrictionPolicy[] {
    return this.config.globalBranchRestrictions.map(r => ({
      id: `global-branch-restriction-${r.environment}`,
      environment: r.environment,
      branchRegex: r.branchRegex,
      global: true,
    }));
  }

  /** A service's policies, at `head` or in the working tree of a write. */
  async read(service: string, ctx?: WriteContext): Promise<PolicyFile> {
    const rel = policyFile(service);
    const text = ctx ? await ctx.readFile(rel) : await this.repo.readFile(rel);
    const p = text ? (JSON.parse(text) as Partial<PolicyFile>) : {};
    return {
      // Fields of other policy kinds (e.g. autoRollbacks) are kept when a change is written back.
      ...p,
      service,
      autoReleases: p.autoReleases ?? [],
      branchRestrictions: p.branchRestrictions ?? [],
    };
  }

  /**
   * The branch restriction (global or the service's) that refuses `branch` in
   * `environment`, read in the working tree of a write; undefined when allowed.
   */
  async refusingRestriction(
    ctx: WriteContext,
    service: string,
    environment: string,
    branch: string,
  ): Promise<BranchRestrictionPolicy | undefined> {
    const p = await this.read(service, ctx);
    return findRefusingBranchRestriction(
      [...this.globalRestrictions(), ...p.branchRestrictions],
      environment,
      branch,
    );
  }

  /** `GET /policies?service=`: the service's policies plus the global restrictions. */
  async list(service: string): Promise<ListPoliciesResponse> {
    const p = await this.read(service);
    return {
      service,
      autoReleases: p.autoReleases,
      branchRestrictions: [
        ...this.globalRestrictions(),
        ...p.branchRestrictions,
      ],
      // Slipway extension, sent only when used, so Lunar's answer is unchanged otherwise.
      ...(p.autoRollbacks?.length ? { autoRollbacks: p.autoRollbacks } : {}),
    };
  }

  /**
   * Runs `edit` on the service's policies in a config repo write and commits them
   * (one commit, subject `[policies/<service>] <what>`) when it says they changed;
   * then records the change in the events feed.
   */
  private async change<T>(
    input: { service: string; actor: Actor; environment?: string },
    commit: { what: string; id: string },
    edit: (
      p: PolicyFile,
      ctx: WriteContext,
    ) => Promise<{ result: T; changed: boolean }>,
    event: (result: T) => { message: string; data: Record<string, unknown> },
  ): Promise<T> {
    const { service, actor, environment } = input;
    const { result } = await this.repo.write(async ctx => {
      const p = await this.read(service, ctx);
      const edited = await edit(p, ctx);
      if (!edited.changed) return { result: edited.result };
      const rel = policyFile(service);
      if (isEmptyPolicyFile(p)) {
        await ctx.remove(rel);
      } else {
        await ctx.writeFile(rel, `${JSON.stringify(p, null, 2)}\n`);
      }
      return {
        result: edited.result,
        commit: {
          author: actor,
          paths: [rel],
          message: policyMessage(service, commit.what, commit.id, actor),
        },
      };
    });
    await this.events.record({
      type: 'policy',
      service,
      environment,
      actorName: actor.name,
      actorEmail: actor.email,
      ...event(result),
    });
    return result;
  }

  /**
   * `PATCH /policies/auto-release`. Refuses (400) a branch a restriction forbids. An
   * auto-release policy already set for the environment is overwritten in its place
   * (Lunar's `SetAutoRelease`), so an environment auto-releases one branch at most.
   */
  async applyAutoRelease(
    input: AutoReleaseInput,
  ): Promise<ApplyPolicyResponse> {
    const { service, branch, environment, actor } = input;
    const id = `auto-release-${branch.replace(
      /[^A-Za-z0-9._-]+/g,
      '-',
    )}-${environment}`;
    await this.change(
      input,
      { what: `apply auto-release of ${branch} to ${environment}`, id },
      async (p, ctx) => {
        const r = await this.refusingRestriction(
          ctx,
          service,
          environment,
          branch,
        );
        if (r) {
          throw new InputError(
            `auto-release of branch '${branch}' to ${environment} conflicts with branch restriction policy '${r.id}' (${r.branchRegex})`,
          );
        }
        if (p.autoReleases.some(a => a.id === id)) {
          return { result: undefined, changed: false };
        }
        const policy = { id, branch, environment };
        const same = p.autoReleases.findIndex(
          a => a.environment === environment,
        );
        const replaced = same >= 0 ? p.autoReleases[same].id : undefined;
        if (same >= 0) p.autoReleases[same] = policy;
        else p.autoReleases.push(policy);
        return { result: replaced, changed: true };
      },
      replaced => ({
        message: `${
          actor.name
        } set auto-release of ${service} branch ${branch} to ${environment}${
          replaced ? ` (replacing ${replaced})` : ''
        }`,
        data: { action: 'apply', policy: 'auto-release', id, branch, replaced },
      }),
    );
    return { id, service, branch, environment };
  }

  /** `PATCH /policies/branch-restriction`. Refuses (400) a restriction an auto-release policy of the environment breaks. */
  async applyBranchRestriction(
    input: BranchRestrictionInput,
  ): Promise<ApplyBranchRestrictionPolicyResponse> {
    const { service, environment, branchRegex, actor } = input;
    const id = `branch-restriction-${environment}`;
    await this.change(
      input,
      { what: `apply branch restriction ${branchRegex} on ${environment}`, id },
      async p => {
        const broken = p.autoReleases.find(
          a =>
            a.environment === environment &&
            !branchMatches(branchRegex, a.branch),
        );
        if (broken) {
          throw new InputError(
            `branch restriction ${branchRegex} on ${environment} conflicts with auto-release policy '${broken.id}' (branch '${broken.branch}'); delete it first`,
          );
        }
        const existing = p.branchRestrictions.find(r => r.id === id);
        if (existing?.branchRegex === branchRegex) {
          return { result: undefined, changed: false };
        }
        p.branchRestrictions = [
          ...p.branchRestrictions.filter(r => r.id !== id),
          { id, environment, branchRegex },
        ];
        return { result: undefined, changed: true };
      },
      () => ({
        message: `${actor.name} restricted ${service} in ${environment} to branches ${branchRegex}`,
        data: {
          action: 'apply',
          policy: 'branch-restriction',
          id,
          branchRegex,
        },
      }),
    );
    return { id, service, environment, branchRegex };
  }

  /** `DELETE /policies`. Global restrictions cannot be removed (400); no matching policy gives 404. */
  async delete(input: DeletePoliciesInput): Promise<DeletePolicyResponse> {
    const { service, policyIds, actor } = input;
    const globals = new Set(this.globalRestrictions().map(g => g.id));
    const g = policyIds.find(id => globals.has(id));
    if (g) {
      throw new InputError(
        `policy '${g}' is a global branch restriction from the server config and cannot be removed`,
      );
    }
    const ids = policyIds.join(', ');
    const count = await this.change(
      input,
      { what: `delete policies ${ids}`, id: policyIds.join(',') },
      async p => {
        const rollbacks = p.autoRollbacks ?? [];
        const before =
          p.autoReleases.length +
          p.branchRestrictions.length +
          rollbacks.length;
        p.autoReleases = p.autoReleases.filter(a => !policyIds.includes(a.id));
        p.branchRestrictions = p.branchRestrictions.filter(
          r => !policyIds.includes(r.id),
        );
        if (p.autoRollbacks)
          p.autoRollbacks = rollbacks.filter(r => !policyIds.includes(r.id));
        const removed =
          before -
          p.autoReleases.length -
          p.branchRestrictions.length -
          (p.autoRollbacks?.length ?? 0);
        if (!removed) {
          throw new NotFoundError(
            `no policies exist with ids ${ids} for service '${service}'`,
          );
        }
        return { result: removed, changed: true };
      },
      () => ({
        message: `${actor.name} deleted policies ${ids} of ${service}`,
        data: { action: 'delete', ids: policyIds },
      }),
    );
    return { service, count };
  }
}
