import fs from 'node:fs/promises';
import path from 'node:path';
import { ArtifactManifests, ArtifactSpec } from '../http/types';
import {
  isArtifactId,
  isDnsLabel,
  MANIFEST_FILE_NAME,
} from '@slipway/plugin-release-manager-common/rules';

/** A stored artifact: its spec, when it was stored, and its manifests per environment. */
export interface StoredArtifact {
  spec: ArtifactSpec;
  /** RFC 3339 time the artifact was stored. */
  createdAt: string;
}

/**
 * Where artifacts (spec + manifests per environment) live. The directory store
 * is the default; an S3-compatible store can implement the same interface.
 */
export interface ArtifactStore {
  /** Stores (or replaces) an artifact. Names must already be validated. */
  put(
    spec: ArtifactSpec,
    manifests: ArtifactManifests,
  ): Promise<StoredArtifact>;
  /** Stores a spec whose manifests arrive later through {@link ArtifactStore.putManifests}. */
  putSpec(spec: ArtifactSpec): Promise<void>;
  /** Stores the manifests of an artifact created with {@link ArtifactStore.putSpec}. */
  putManifests(
    service: string,
    id: string,
    manifests: ArtifactManifests,
  ): Promise<StoredArtifact>;
  /** The artifact, or undefined when unknown (or its manifests never arrived). */
  get(service: string, id: string): Promise<StoredArtifact | undefined>;
  /** Spec of an artifact created but waiting for its manifests. */
  getPending(service: string, id: string): Promise<ArtifactSpec | undefined>;
  /** Manifests of one environment: file name → content; undefined when the artifact has none for it. */
  getManifests(
    service: string,
    id: string,
    environment: string,
  ): Promise<Record<string, string> | undefined>;
  /** Artifacts of a service, newest first, optionally of one branch. */
  list(
    service: string,
    options?: { branch?: string; limit?: number },
  ): Promise<StoredArtifact[]>;
  /** Services with at least one artifact. */
  services(): Promise<string[]>;
}

/**
 * The directory artifact store: `<dir>/<service>/<artifactId>/artifact.json`,
 * `meta.json` (`{ createdAt }`) and `manifests/<environment>/<file>`.
 * Writes go to a temporary folder first and are renamed into place, so readers
 * never see half an artifact.
 */
export class DirectoryArtifactStore implements ArtifactStore {
  /** service → newest-first list, dropped on every write of the service. */
  private readonly cache = new Map<
    string,
    { mtimeMs: number; list: StoredArtifact[] }
  >();

  private lastCreated = 0;

  constructor(private readonly dir: string) {}

  /** Strictly increasing timestamps, so artifacts stored in one millisecond keep their order. */
  private nextTimestamp() {
    this.lastCreated = Math.max(Date.now(), this.lastCreated + 1);
    return new Date(this.lastCreated).toISOString();
  }

  private artifactDir(service: string, id: string) {
    if (!isDnsLabel(service) || !isArtifactId(id)) {
      throw new Error(`invalid artifact path ${service}/${id}`);
    }
    return path.join(this.dir, service, id);
  }

  async put(
    spec: ArtifactSpec,
    manifests: ArtifactManifests,
  ): Promise<StoredArtifact> {
    const target = this.artifactDir(spec.service, spec.id);
    const tmp = `${target}.tmp-${process.pid}-${Date.now()}-${Math.random()
      .toString(36)
      .slice(2)}`;
    await fs.mkdir(tmp, { recursive: true });
    const createdAt = this.nextTimestamp();
    await fs.writeFile(
      path.join(tmp, 'artifact.json'),
      `${JSON.stringify(spec, null, 2)}\n`,
    );
    await fs.writeFile(
      path.join(tmp, 'meta.json'),
      JSON.stringify({ createdAt }),
    );
    for (const [env, files] of Object.entries(manifests)) {
      if (!isDnsLabel(env)) throw new Error(`invalid environment ${env}`);
      await fs.mkdir(path.join(tmp, 'manifests', env), { recursive: true });
      for (const [name, content] of Object.entries(files)) {
        if (!MANIFEST_FILE_NAME.test(name))
          throw new Error(`invalid manifest file name ${name}`);
        await fs.writeFile(path.join(tmp, 'manifests', env, name), content);
      }
    }
    await fs.rm(target, { recursive: true, force: true });
    await fs.rename(tmp, target);
    this.cache.delete(spec.service);
    return { spec, createdAt };
  }

  async putSpec(spec: ArtifactSpec): Promise<void> {
    const dir = path.join(this.dir, '.pending', spec.service);
    if (!isDnsLabel(spec.service) || !isArtifactId(spec.id))
      throw new Error('invalid artifact');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, `${spec.id}.json`), JSON.stringify(spec));
  }

  async getPending(
    service: string,
    id: string,
  ): Promise<ArtifactSpec | undefined> {
    if (!isDnsLabel(service) || !isArtifactId(id)) return undefined;
    try {
      return JSON.parse(
        await fs.readFile(
          path.join(this.dir, '.pending', service, `${id}.json`),
          'utf8',
        ),
      );
    } catch {
      return undefined;
    }
  }

  async putManifests(
    service: string,
    id: string,
    manifests: ArtifactManifests,
  ): Promise<StoredArtifact> {
    const spec = await this.getPending(service, id);
    if (!spec) throw new Error(`no pending artifact ${service}/${id}`);
    const stored = await this.put(spec, manifests);
    await fs.rm(path.join(this.dir, '.pending', service, `${id}.json`), {
      force: true,
    });
    return stored;
  }

  async get(service: string, id: string): Promise<StoredArtifact | undefined> {
    if (!isDnsLabel(service) || !isArtifactId(id)) return undefined;
    const dir = this.artifactDir(service, id);
    try {
      const [spec, meta] = await Promise.all([
        fs.readFile(path.join(dir, 'artifact.json'), 'utf8'),
        fs.readFile(path.join(dir, 'meta.json'), 'utf8'),
      ]);
      return { spec: JSON.parse(spec), createdAt: JSON.parse(meta).createdAt };
    } catch (e: any) {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined;
      throw e;
    }
  }

  async getManifests(service: string, id: string, environment: string) {
    if (!isDnsLabel(environment)) return undefined;
    const dir = path.join(
      this.artifactDir(service, id),
      'manifests',
      environment,
    );
    let names: string[];
    try {
      names = (await fs.readdir(dir)).filter(n => MANIFEST_FILE_NAME.test(n)).sort();
    } catch {
      return undefined;
    }
    if (!names.length) return undefined;
    const out: Record<string, string> = {};
    for (const n of names)
      out[n] = await fs.readFile(path.join(dir, n), 'utf8');
    return out;
  }

  async list(service: string, options?: { branch?: string; limit?: number }) {
    if (!isDnsLabel(service)) return [];
    // The folder's mtime changes when another process adds an artifact to it.
    const mtimeMs = await fs
      .stat(path.join(this.dir, service))
      .then(st => st.mtimeMs)
      .catch(() => -1);
    const cached = this.cache.get(service);
    let all = cached && cached.mtimeMs === mtimeMs ? cached.list : undefined;
    if (!all) {
      let ids: string[] = [];
      try {
        ids = (await fs.readdir(path.join(this.dir, service))).filter(
          n => isArtifactId(n) && !n.includes('.tmp-'),
        );
      } catch {
        ids = [];
      }
      const loaded = await Promise.all(ids.map(id => this.get(service, id)));
      all = loaded
        .filter((a): a is StoredArtifact => Boolean(a))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      this.cache.set(service, { mtimeMs, list: all });
    }
    let out = all;
    if (options?.branch)
      out = out.filter(a => a.spec.application?.branch === options.branch);
    return options?.limit ? out.slice(0, options.limit) : out;
  }

  async services(): Promise<string[]> {
    try {
      return (await fs.readdir(this.dir)).filter(isDnsLabel).sort();
    } catch {
      return [];
    }
  }
}
