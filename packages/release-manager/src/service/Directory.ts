import { NotFoundError } from '@backstage/errors';
import { ArtifactStore } from '../artifacts/ArtifactStore';
import { ReleaseManagerConfig } from '../config';
import { IndexCache } from './IndexCache';

/**
 * The names the release manager knows: the configured environments (in promotion
 * order) and the services (those with artifacts or releases). Names reaching it are
 * already valid DNS-1123 labels (checked at the HTTP edge); these lookups say whether
 * they exist (404 otherwise).
 */
export class Directory {
  constructor(
    private readonly config: ReleaseManagerConfig,
    private readonly store: ArtifactStore,
    private readonly index: IndexCache,
  ) {}

  /** The environments in promotion order. */
  get environments(): string[] {
    return this.config.environments;
  }

  /**
   * @returns `environment`
   * @throws NotFoundError unless it is a configured environment (`field` names it in the message)
   */
  requireEnvironment(environment: string, field = 'environment'): string {
    if (!this.environments.includes(environment)) {
      throw new NotFoundError(
        `unknown environment '${environment}' (${field}); environments are ${this.environments.join(
          ', ',
        )}`,
      );
    }
    return environment;
  }

  /** Services with artifacts or releases, sorted. */
  async services(): Promise<string[]> {
    const set = await this.index.runningServices();
    for (const s of await this.store.services()) set.add(s);
    return [...set].sort();
  }

  /**
   * @returns `service`
   * @throws NotFoundError for a service without artifacts or releases
   */
  async requireService(service: string): Promise<string> {
    if ((await this.index.runningServices()).has(service)) return service;
    if ((await this.store.list(service, { limit: 1 })).length) return service;
    throw new NotFoundError(
      `unknown service '${service}': it has no artifacts and no releases`,
    );
  }

  /**
   * The service a workload (pod, job, Deployment) belongs to: `explicit` when given,
   * else the service named like the workload, else the longest service name that
   * prefixes it followed by `-` (`card-service-7d9f` → `card-service`).
   * @throws NotFoundError when no known service matches
   */
  async serviceOfWorkload(name: string, explicit?: string): Promise<string> {
    if (explicit) return this.requireService(explicit);
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
}
