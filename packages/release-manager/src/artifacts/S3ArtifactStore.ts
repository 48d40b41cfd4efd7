import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  DeleteObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ArtifactManifests, ArtifactSpec } from '../http/types';
import {
  isArtifactId,
  isDnsLabel,
  MANIFEST_FILE_NAME,
} from '@slipway/plugin-release-manager-common/rules';
import { ArtifactStore, StoredArtifact } from './ArtifactStore';

/** Settings of the S3-compatible artifact store. @public */
export interface S3ArtifactStoreConfig {
  bucket: string;
  /** Key prefix, e.g. `artifacts/`. Default none. */
  prefix?: string;
  /** Region; default `us-east-1`. */
  region?: string;
  /** Endpoint of an S3-compatible service (MinIO, Ceph, R2), e.g. `https://minio.example.com`. */
  endpoint?: string;
  /** Path-style URLs (`<endpoint>/<bucket>/<key>`), which most S3-compatible services need. */
  forcePathStyle?: boolean;
  /** Static credentials; default the AWS SDK's credential chain (env, profile, IRSA, ...). */
  accessKeyId?: string;
  secretAccessKey?: string;
}

/**
 * The artifact store on an S3-compatible bucket, with the directory store's
 * layout as keys: `<prefix><service>/<artifactId>/artifact.json`, `meta.json`
 * (`{ createdAt }`, written last: an artifact without it is incomplete) and
 * `manifests/<environment>/<file>`; artifacts waiting for their manifests under
 * `<prefix>.pending/<service>/<artifactId>.json`.
 *
 * Listing a service reads every artifact's `meta.json` and `artifact.json`
 * (S3 ListObjectsV2 + GetObject); results are cached for `cacheTtlMs`
 * (default 10 s) and dropped on this process's writes.
 */
export class S3ArtifactStore implements ArtifactStore {
  private readonly s3: S3Client;
  private readonly prefix: string;
  private readonly cache = new Map<
    string,
    { at: number; list: StoredArtifact[] }
  >();
  private lastCreated = 0;

  constructor(
    private readonly config: S3ArtifactStoreConfig,
    options: { client?: S3Client; cacheTtlMs?: number } = {},
  ) {
    this.prefix = config.prefix ?? '';
    this.cacheTtlMs = options.cacheTtlMs ?? 10_000;
    this.s3 =
      options.client ??
      new S3Client({
        region: config.region ?? 'us-east-1',
        endpoint: config.endpoint,
        forcePathStyle: config.forcePathStyle,
        // Checksums only where S3 requires them: many S3-compatible services reject the SDK's default trailers.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        credentials:
          config.accessKeyId && config.secretAccessKey
            ? {
                accessKeyId: config.accessKeyId,
                secretAccessKey: config.secretAccessKey,
              }
            : undefined,
      });
  }

  private readonly cacheTtlMs: number;

  private key(...parts: string[]) {
    return `${this.prefix}${parts.join('/')}`;
  }

  private check(service: string, id: string) {
    if (!isDnsLabel(service) || !isArtifactId(id)) {
      throw new Error(`invalid artifact ${service}/${id}`);
    }
  }

  private async putText(key: string, body: string, contentType: string) {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.config.bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
      }),
    );
  }

  private async getText(key: string): Promise<string | undefined> {
    try {
      const res = await this.s3.send(
        new GetObjectCommand({ Bucket: this.config.bucket, Key: key }),
      );
      return await res.Body!.transformToString('utf8');
    } catch (error: any) {
      if (
        error?.name === 'NoSuchKey' ||
        error?.$metadata?.httpStatusCode === 404
      )
        return undefined;
      throw error;
    }
  }

  /** Keys (or, with a delimiter, sub-prefixes) under `prefix`, all pages. */
  private async listKeys(
    prefix: string,
    delimiter?: string,
  ): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const res = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.config.bucket,
          Prefix: prefix,
          Delimiter: delimiter,
          ContinuationToken: token,
        }),
      );
      if (delimiter) {
        for (const p of res.CommonPrefixes ?? [])
          if (p.Prefix) out.push(p.Prefix);
      } else {
        for (const o of res.Contents ?? []) if (o.Key) out.push(o.Key);
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  private nextTimestamp() {
    this.lastCreated = Math.max(Date.now(), this.lastCreated + 1);
    return new Date(this.lastCreated).toISOString();
  }

  async put(
    spec: ArtifactSpec,
    manifests: ArtifactManifests,
  ): Promise<StoredArtifact> {
    this.check(spec.service, spec.id);
    for (const [env, files] of Object.entries(manifests)) {
      if (!isDnsLabel(env)) throw new Error(`invalid environment ${env}`);
      for (const [name, content] of Object.entries(files)) {
        if (!MANIFEST_FILE_NAME.test(name))
          throw new Error(`invalid manifest file name ${name}`);
        await this.putText(
          this.key(spec.service, spec.id, 'manifests', env, name),
          content,
          'application/yaml',
        );
      }
    }
    const createdAt = this.nextTimestamp();
    await this.putText(
      this.key(spec.service, spec.id, 'artifact.json'),
      `${JSON.stringify(spec, null, 2)}\n`,
      'application/json',
    );
    await this.putText(
      this.key(spec.service, spec.id, 'meta.json'),
      JSON.stringify({ createdAt }),
      'application/json',
    );
    this.cache.delete(spec.service);
    return { spec, createdAt };
  }

  async putSpec(spec: ArtifactSpec): Promise<void> {
    this.check(spec.service, spec.id);
    await this.putText(
      this.key('.pending', spec.service, `${spec.id}.json`),
      JSON.stringify(spec),
      'application/json',
    );
  }

  async getPending(
    service: string,
    id: string,
  ): Promise<ArtifactSpec | undefined> {
    if (!isDnsLabel(service) || !isArtifactId(id)) return undefined;
    const text = await this.getText(
      this.key('.pending', service, `${id}.json`),
    );
    return text ? JSON.parse(text) : undefined;
  }

  async putManifests(
    service: string,
    id: string,
    manifests: ArtifactManifests,
  ): Promise<StoredArtifact> {
    const spec = await this.getPending(service, id);
    if (!spec) throw new Error(`no pending artifact ${service}/${id}`);
    const stored = await this.put(spec, manifests);
    await this.s3.send(
      new DeleteObjectCommand({
        Bucket: this.config.bucket,
        Key: this.key('.pending', service, `${id}.json`),
      }),
    );
    return stored;
  }

  async get(service: string, id: string): Promise<StoredArtifact | undefined> {
    if (!isDnsLabel(service) || !isArtifactId(id)) return undefined;
    const meta = await this.getText(this.key(service, id, 'meta.json'));
    if (!meta) return undefined;
    const spec = await this.getText(this.key(service, id, 'artifact.json'));
    if (!spec) return undefined;
    return { spec: JSON.parse(spec), createdAt: JSON.parse(meta).createdAt };
  }

  async getManifests(service: string, id: string, environment: string) {
    if (!isDnsLabel(service) || !isArtifactId(id) || !isDnsLabel(environment))
      return undefined;
    const prefix = this.key(service, id, 'manifests', environment, '');
    const keys = (await this.listKeys(prefix))
      .filter(k => MANIFEST_FILE_NAME.test(k.slice(prefix.length)))
      .sort();
    if (!keys.length) return undefined;
    const out: Record<string, string> = {};
    for (const k of keys)
      out[k.slice(prefix.length)] = (await this.getText(k)) ?? '';
    return out;
  }

  async list(service: string, options?: { branch?: string; limit?: number }) {
    if (!isDnsLabel(service)) return [];
    const cached = this.cache.get(service);
    let all =
      cached && Date.now() - cached.at < this.cacheTtlMs
        ? cached.list
        : undefined;
    if (!all) {
      const base = this.key(service, '');
      const ids = (await this.listKeys(base, '/'))
        .map(p => p.slice(base.length).replace(/\/$/, ''))
        .filter(isArtifactId);
      const loaded = await Promise.all(ids.map(id => this.get(service, id)));
      all = loaded
        .filter((a): a is StoredArtifact => Boolean(a))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      this.cache.set(service, { at: Date.now(), list: all });
    }
    let out = all;
    if (options?.branch)
      out = out.filter(a => a.spec.application?.branch === options.branch);
    return options?.limit ? out.slice(0, options.limit) : out;
  }

  async services(): Promise<string[]> {
    const base = this.key('');
    return (await this.listKeys(base, '/'))
      .map(p => p.slice(base.length).replace(/\/$/, ''))
      .filter(isDnsLabel)
      .sort();
  }
}
