import fs from 'node:fs';
import path from 'node:path';
import { run } from './exec';
import { WORKLOAD_DIR, buildWorkload, workloadSourceHash } from './workload';
import { IMAGE_REPOSITORY } from './builds';

/** Options of {@link ensureImages}. */
export interface EnsureImagesOptions {
  /** Image references to provide, e.g. `localhost/slipway/ledger:1a2b3c4d5e`. */
  images: string[];
  /** Working folder for the binary and the build context, e.g. `$SLIPWAY_DATA/example-fleet/build`. */
  buildDir: string;
  /** `CONTAINERS_CONF` for podman (runc, no default ulimits on these machines). */
  containersConf?: string;
  podman?: string;
  go?: string;
  log?: (message: string) => void;
}

/** What {@link ensureImages} did. */
export interface EnsureImagesResult {
  /** The shared base image `localhost/slipway/example-workload:<sourceHash>`. */
  base: string;
  /** True when the base image was built now (else it existed). */
  builtBase: boolean;
  /** References tagged now; the others already pointed at the base image. */
  tagged: string[];
}

interface PodmanImage {
  Id: string;
  Names?: string[];
}

/**
 * Provides every image of the fleet without a registry: builds the workload binary once,
 * builds ONE image from it (`podman build`, `FROM scratch`, see workload/Containerfile)
 * tagged `localhost/slipway/example-workload:<sourceHash>`, and tags it with each
 * requested reference (`podman tag`), so all artifacts share that image's layer and an
 * artifact's behaviour comes from the environment in its manifests. References that
 * already point at the current base are skipped; references that point at an older
 * build of the workload are re-tagged.
 *
 * @throws Error when go or podman fail
 */
export async function ensureImages(
  options: EnsureImagesOptions,
): Promise<EnsureImagesResult> {
  const podman = options.podman ?? 'podman';
  const log = options.log ?? (() => {});
  const env = {
    ...process.env,
    ...(options.containersConf
      ? { CONTAINERS_CONF: options.containersConf }
      : {}),
  };
  const hash = workloadSourceHash();
  const base = `${IMAGE_REPOSITORY}/example-workload:${hash}`;
  const list = async () => {
    const { stdout } = await run(
      podman,
      [
        'images',
        '--format',
        'json',
        '--filter',
        `reference=${IMAGE_REPOSITORY}/*`,
      ],
      { env },
    );
    const ids = new Map<string, string>();
    for (const img of JSON.parse(stdout || '[]') as PodmanImage[]) {
      for (const n of img.Names ?? []) ids.set(n, img.Id);
    }
    return ids;
  };
  let ids = await list();
  let builtBase = false;
  if (!ids.has(base)) {
    const bin = await buildWorkload(options.buildDir, { go: options.go });
    const context = path.join(options.buildDir, 'context');
    fs.mkdirSync(context, { recursive: true });
    fs.copyFileSync(bin, path.join(context, 'workload'));
    fs.chmodSync(path.join(context, 'workload'), 0o755);
    fs.copyFileSync(
      path.join(WORKLOAD_DIR, 'Containerfile'),
      path.join(context, 'Containerfile'),
    );
    log(`building ${base}`);
    await run(
      podman,
      [
        'build',
        '--quiet',
        '--label',
        `org.opencontainers.image.source=https://github.com/slipway-dev/slipway/tree/main/packages/example-fleet/workload`,
        '--label',
        `dev.slipway.workload.hash=${hash}`,
        '-t',
        base,
        '-f',
        path.join(context, 'Containerfile'),
        context,
      ],
      { env },
    );
    builtBase = true;
    ids = await list();
  }
  const baseId = ids.get(base);
  if (!baseId) throw new Error(`podman build did not produce ${base}`);
  const missing = [...new Set(options.images)].filter(
    r => ids.get(r) !== baseId,
  );
  for (let i = 0; i < missing.length; i += 50) {
    await run(podman, ['tag', base, ...missing.slice(i, i + 50)], { env });
  }
  if (missing.length) log(`tagged ${missing.length} images from ${base}`);
  return { base, builtBase, tagged: missing };
}
