import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { run } from './exec';
import { PACKAGE_DIR } from './paths';

/** The Go sources of the demo workload (`packages/example-fleet/workload`). */
export const WORKLOAD_DIR = path.join(PACKAGE_DIR, 'workload');

/** Hash (12 hex) of the workload's sources and Containerfile: names the built binary and base image. */
export function workloadSourceHash(dir = WORKLOAD_DIR): string {
  const h = createHash('sha256');
  for (const f of fs.readdirSync(dir).sort()) {
    if (!/\.go$|^go\.mod$|^Containerfile$/.test(f) || f.endsWith('_test.go'))
      continue;
    h.update(f)
      .update('\0')
      .update(fs.readFileSync(path.join(dir, f)))
      .update('\0');
  }
  return h.digest('hex').slice(0, 12);
}

/**
 * Builds the workload as a static Linux binary (`CGO_ENABLED=0 go build -trimpath`) to
 * `<outDir>/workload`, offline (`GOFLAGS=-mod=mod`, `GOPROXY=off`: standard library only).
 * Skips the build when `<outDir>/workload.hash` already names the current sources.
 *
 * @returns the binary's path
 * @throws Error when `go` is missing or the build fails
 */
export async function buildWorkload(
  outDir: string,
  options: { dir?: string; go?: string } = {},
): Promise<string> {
  const dir = options.dir ?? WORKLOAD_DIR;
  const bin = path.join(outDir, 'workload');
  const stamp = path.join(outDir, 'workload.hash');
  const hash = workloadSourceHash(dir);
  if (
    fs.existsSync(bin) &&
    fs.existsSync(stamp) &&
    fs.readFileSync(stamp, 'utf8').trim() === hash
  ) {
    return bin;
  }
  fs.mkdirSync(outDir, { recursive: true });
  await run(
    options.go ?? 'go',
    ['build', '-trimpath', '-ldflags=-s -w', '-o', bin, '.'],
    {
      cwd: dir,
      env: {
        ...process.env,
        CGO_ENABLED: '0',
        GOOS: 'linux',
        GOPROXY: 'off',
        GOFLAGS: '-mod=mod',
        GO111MODULE: 'on',
      },
    },
  );
  fs.writeFileSync(stamp, `${hash}\n`);
  return bin;
}
