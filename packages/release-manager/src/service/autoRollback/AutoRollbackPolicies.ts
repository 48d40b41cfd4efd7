import { NotFoundError } from '@backstage/errors';
import { ConfigRepo } from '../../git/ConfigRepo';
import { Actor, WriteContext } from '../../git/types';
import { EventFeed } from '../EventFeed';
import { policyFile } from '../layout';
import { isEmptyPolicyFile } from '../PolicyService';
import { policyMessage } from '../releases/messages';
import { AutoRollbackPolicy } from './types';

/** A validated `PATCH /policies/auto-rollback`: known service, configured environment, at least one trigger. */
export interface AutoRollbackPolicyInput {
  service: string;
  environment: string;
  onRolloutFailure: boolean;
  /** Minutes, 1–1440. */
  notReadyWithinMinutes?: number;
  /** Minutes, 1–1440. */
  healthRedWithinMinutes?: number;
  actor: Actor;
}

/** The id of the automatic rollback policy of an environment. */
export function autoRollbackPolicyId(environment: string): string {
  return `auto-rollback-${environment}`;
}

type RawPolicyFile = Record<string, unknown> & {
  autoRollbacks?: AutoRollbackPolicy[];
};

/**
 * The automatic rollback policies of a service, one per environment, kept with its
 * other policies in the config repo (`policies/<service>.json`, field
 * `autoRollbacks`; the other fields of the file are left as they are). Every change
 * is a commit (subject `[policies/<service>] ...`) and a `policy` event.
 */
export class AutoRollbackPolicies {
  constructor(
    private readonly repo: ConfigRepo,
    private readonly events: EventFeed,
  ) {}

  /** The service's automatic rollback policies at the config repo's head. */
  async list(service: string): Promise<AutoRollbackPolicy[]> {
    const text = await this.repo.readFile(policyFile(service));
    return text ? (JSON.parse(text) as RawPolicyFile).autoRollbacks ?? [] : [];
  }

  /** The policy of `environment`, if the service has one. */
  async get(
    service: string,
    environment: string,
  ): Promise<AutoRollbackPolicy | undefined> {
    return (await this.list(service)).find(p => p.environment === environment);
  }

  /** Sets (or replaces) the environment's policy; returns it. */
  async apply(input: AutoRollbackPolicyInput): Promise<AutoRollbackPolicy> {
    const { service, environment, actor } = input;
    const policy: AutoRollbackPolicy = {
      id: autoRollbackPolicyId(environment),
      environment,
      onRolloutFailure: input.onRolloutFailure,
      ...(input.notReadyWithinMinutes
        ? { notReadyWithinMinutes: input.notReadyWithinMinutes }
        : {}),
      ...(input.healthRedWithinMinutes
        ? { healthRedWithinMinutes: input.healthRedWithinMinutes }
        : {}),
    };
    const triggers = describeTriggers(policy);
    await this.change(
      service,
      actor,
      `apply auto-rollback on ${environment} (${triggers})`,
      policy.id,
      p => {
        const list = p.autoRollbacks ?? [];
        const same = list.find(a => a.id === policy.id);
        if (same && JSON.stringify(same) === JSON.stringify(policy))
          return false;
        p.autoRollbacks = [...list.filter(a => a.id !== policy.id), policy];
        return true;
      },
    );
    await this.events.record({
      type: 'policy',
      service,
      environment,
      actorName: actor.name,
      actorEmail: actor.email,
      message: `${actor.name} set automatic rollback of ${service} in ${environment}: ${triggers}`,
      data: { action: 'apply', policy: 'auto-rollback', ...policy },
    });
    return policy;
  }

  /**
   * Removes the environment's policy.
   * @throws NotFoundError when the service has none there
   */
  async delete(input: {
    service: string;
    environment: string;
    actor: Actor;
  }): Promise<number> {
    const { service, environment, actor } = input;
    const id = autoRollbackPolicyId(environment);
    await this.change(
      service,
      actor,
      `delete auto-rollback on ${environment}`,
      id,
      p => {
        const list = p.autoRollbacks ?? [];
        if (!list.some(a => a.id === id)) {
          throw new NotFoundError(
            `no automatic rollback policy exists for '${service}' in '${environment}'`,
          );
        }
        p.autoRollbacks = list.filter(a => a.id !== id);
        return true;
      },
    );
    await this.events.record({
      type: 'policy',
      service,
      environment,
      actorName: actor.name,
      actorEmail: actor.email,
      message: `${actor.name} removed automatic rollback of ${service} in ${environment}`,
      data: { action: 'delete', ids: [id] },
    });
    return 1;
  }

  private async change(
    service: string,
    actor: Actor,
    what: string,
    id: string,
    edit: (p: RawPolicyFile) => boolean,
  ): Promise<void> {
    await this.repo.write(async (ctx: WriteContext) => {
      const rel = policyFile(service);
      const text = await ctx.readFile(rel);
      const p: RawPolicyFile = text ? JSON.parse(text) : { service };
      if (!edit(p)) return { result: undefined };
      if (isEmptyPolicyFile(p)) await ctx.remove(rel);
      else await ctx.writeFile(rel, `${JSON.stringify(p, null, 2)}\n`);
      return {
        result: undefined,
        commit: {
          author: actor,
          paths: [rel],
          message: policyMessage(service, what, id, actor),
        },
      };
    });
  }
}

/** The triggers of a policy in words, e.g. `rollout failure, not ready within 10 min`. */
export function describeTriggers(p: AutoRollbackPolicy): string {
  const out: string[] = [];
  if (p.onRolloutFailure) out.push('rollout failure');
  if (p.notReadyWithinMinutes)
    out.push(`not ready within ${p.notReadyWithinMinutes} min`);
  if (p.healthRedWithinMinutes)
    out.push(`health red within ${p.healthRedWithinMinutes} min`);
  return out.join(', ');
}
