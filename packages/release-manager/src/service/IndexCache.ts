import { ConfigRepo } from '../git/ConfigRepo';
import { IntentType } from '../http/types';
import { artifactFile, parseArtifactPath, releaseDir } from './layout';
import { commitToReleaseInfo } from './releases/messages';

/** Who released what runs in an environment, and when (from the release commit). */
export interface ReleaseInfo {
  commit: string;
  /** RFC 3339. */
  releasedAt: string;
  releasedByName: string;
  releasedByEmail: string;
  intent: IntentType;
}

/**
 * In-memory caches over the config repo, so reads need no tree walk and no `git log`:
 *
 * - the index of what runs where (environment → service → namespace), built from
 *   one `ls-tree` of the head and kept up to date by the release manager's own writes;
 * - who released what runs, per environment and service, filled at start-up with one
 *   walk of the history (misses fall back to `git log -1`).
 *
 * Both are dropped when other writers move the config repo (a fetch brings their
 * commits) and rebuilt on the next read.
 */
export class IndexCache {
  private index = new Map<string, Map<string, string>>();
  private dirty = true;
  private building?: Promise<void>;
  private warming?: Promise<void>;
  private readonly releaseInfo = new Map<string, ReleaseInfo>();

  constructor(private readonly repo: ConfigRepo) {
    repo.onHeadChange((_head, external) => {
      if (external) {
        this.dirty = true;
        this.releaseInfo.clear();
      }
    });
  }

  /** Rebuilds the index when other writers moved the repo (or on first use). */
  async ensure(): Promise<void> {
    if (!this.dirty) return;
    if (!this.building) {
      this.building = (async () => {
        this.dirty = false;
        const index = new Map<string, Map<string, string>>();
        for (const file of await this.repo.listFiles()) {
          const p = parseArtifactPath(file);
          if (!p) continue;
          if (!index.has(p.environment)) index.set(p.environment, new Map());
          index.get(p.environment)!.set(p.service, p.namespace);
        }
        this.index = index;
        this.warming = this.warmReleaseInfo();
      })().finally(() => {
        this.building = undefined;
      });
    }
    await this.building;
  }

  /** Builds the index and fills the release-info cache; called at start-up. */
  async warmUp(): Promise<void> {
    await this.ensure();
    await this.warming;
  }

  /** Fills the release-info cache of every running service with one walk of the history. */
  private async warmReleaseInfo(): Promise<void> {
    const wanted = new Map<string, string>();
    for (const [env, services] of this.index) {
      for (const [svc, ns] of services) {
        if (!this.releaseInfo.has(`${env}/${svc}`)) {
          wanted.set(artifactFile(releaseDir(env, ns, svc)), `${env}/${svc}`);
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

  /** The namespace `service` runs in, in `environment`; undefined when it does not run there. */
  async namespaceOf(
    environment: string,
    service: string,
  ): Promise<string | undefined> {
    await this.ensure();
    return this.index.get(environment)?.get(service);
  }

  /** Services that run in some environment. */
  async runningServices(): Promise<Set<string>> {
    await this.ensure();
    const out = new Set<string>();
    for (const m of this.index.values()) for (const s of m.keys()) out.add(s);
    return out;
  }

  /** Who released what runs of `service` in `environment` (cached; else the folder's last commit). */
  async releaseInfoOf(
    environment: string,
    service: string,
    dir: string,
  ): Promise<ReleaseInfo | undefined> {
    const key = `${environment}/${service}`;
    const cached = this.releaseInfo.get(key);
    if (cached) return cached;
    const [c] = await this.repo.log(dir, 1);
    if (!c) return undefined;
    const info = commitToReleaseInfo(c);
    this.releaseInfo.set(key, info);
    return info;
  }

  /** Records a release this process committed. */
  released(
    environment: string,
    service: string,
    namespace: string,
    info: ReleaseInfo,
  ): void {
    if (!this.index.has(environment)) this.index.set(environment, new Map());
    this.index.get(environment)!.set(service, namespace);
    this.releaseInfo.set(`${environment}/${service}`, info);
  }
}
