import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import request from 'supertest';
import { serve } from '../server';
import { resolveConfig, ReleaseManagerConfigInput } from '../config';
import { ArtifactManifests, ArtifactSpec } from '../http/types';

export const TOKEN = 'test-token';
export const auth = { authorization: `Bearer ${TOKEN}` };
export const jane = {
  committerName: 'Jane Doe',
  committerEmail: 'jane@example.com',
};

/** A temp folder, removed by `cleanup()`. */
export function tmpDir(prefix = 'rm-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Starts a release manager on a fresh temp data folder (or `dataDir`). */
export async function start(
  input: ReleaseManagerConfigInput & { dataDir?: string } = {},
) {
  const dataDir = input.dataDir ?? tmpDir();
  const config = resolveConfig({
    port: 0,
    host: '127.0.0.1',
    auth: { token: TOKEN },
    ...input,
    dataDir,
    configRepo: { pollIntervalSeconds: 0, ...input.configRepo },
  });
  const running = await serve(config);
  return {
    ...running,
    dataDir,
    config,
    http: () => request(running.url),
    /** Runs git in the bare config repo. */
    git: (...args: string[]) =>
      execFileSync('git', args, {
        cwd: config.configRepo.url,
        encoding: 'utf8',
      }),
  };
}

export type Running = Awaited<ReturnType<typeof start>>;

let counter = 0;
/** An artifact spec with realistic fields. */
export function spec(
  service: string,
  branch = 'main',
  extra: Partial<ArtifactSpec> = {},
): ArtifactSpec {
  counter++;
  const hex = counter.toString(16).padStart(4, '0');
  const sha = `${hex}a1b2c3d4e5f60718293a4b5c6d7e8f9012345678`.slice(0, 40);
  const plan = `f${hex}0123456789abcdef0123456789abcdef0123`.slice(0, 40);
  const b = branch.replace(/[^A-Za-z0-9._]+/g, '-');
  return {
    id: `${b}-${sha.slice(0, 10)}-${plan.slice(0, 10)}`,
    service,
    namespace: 'payments',
    squad: 'payments',
    application: {
      branch,
      sha,
      authorName: 'Jane Doe',
      authorEmail: 'jane@example.com',
      committerName: 'Jane Doe',
      committerEmail: 'jane@example.com',
      message: `Change number ${counter}`,
      name: service,
      url: `https://github.com/acme/${service}`,
      provider: 'github',
    },
    ci: {
      jobUrl: `https://ci.example.com/${service}/${counter}`,
      start: '2026-11-20T10:00:00Z',
      end: '2026-11-20T10:05:00Z',
    },
    stages: [
      {
        id: 'test',
        name: 'Test',
        data: { results: { passed: 120, failed: 0, skipped: 2 } },
      },
      {
        id: 'snyk-code',
        name: 'Snyk code',
        data: { vulnerabilities: { high: 1, medium: 2, low: 3 } },
      },
    ],
    ...extra,
  };
}

/** Manifests for every environment. */
export function manifests(
  service: string,
  envs = ['dev', 'staging', 'prod'],
): ArtifactManifests {
  const out: ArtifactManifests = {};
  for (const env of envs) {
    out[env] = {
      '40-deployment.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${service}\n  labels:\n    env: ${env}\n`,
    };
  }
  return out;
}

/** Uploads an artifact; returns its spec. */
export async function push(
  rm: Running,
  service: string,
  branch = 'main',
  extra: Partial<ArtifactSpec> = {},
) {
  const s = spec(service, branch, extra);
  const res = await rm
    .http()
    .post('/artifacts/create')
    .set(auth)
    .send({ artifact: s, manifests: manifests(service) });
  if (res.status !== 201)
    throw new Error(`push failed: ${res.status} ${JSON.stringify(res.body)}`);
  return s;
}

/** Releases through the API. */
export function release(rm: Running, body: Record<string, unknown>) {
  return rm
    .http()
    .post('/release')
    .set(auth)
    .send({ ...jane, intent: { type: 'ReleaseArtifact' }, ...body });
}

/** Commit subjects on the config repo's main branch, newest first. */
export function subjects(rm: Running): string[] {
  return rm.git('log', '--format=%s', 'main').trim().split('\n');
}
