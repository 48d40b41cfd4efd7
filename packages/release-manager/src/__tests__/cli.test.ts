import path from 'node:path';
import { spawn } from 'node:child_process';
import { serveConfig } from '../cli';
import { DEV_TOKEN } from '../config';
import { tmpDir } from '../__testUtils__/helpers';

const BIN = path.resolve(__dirname, '../../bin/slipway-release-manager');

/** Runs the real CLI binary until it exits or prints `until`; returns its output. */
function runBin(
  args: string[],
  env: NodeJS.ProcessEnv,
  until?: RegExp,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [BIN, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (d: Buffer) => {
      output += d.toString();
      if (until?.test(output)) proc.kill('SIGTERM');
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('error', reject);
    proc.on('exit', code => resolve({ code, output }));
  });
}

/** The environment of a child process without any RELEASE_MANAGER_* variable. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('RELEASE_MANAGER_')) env[k] = v;
  }
  return { ...env, ...extra };
}

describe('slipway-release-manager serve: token', () => {
  it('requires a token unless --dev, and warns in development mode', () => {
    expect(() => serveConfig([], {})).toThrow(/--dev/);
    expect(() => serveConfig([], { RELEASE_MANAGER_TOKEN: DEV_TOKEN })).toThrow(
      /public development token/,
    );
    const prod = serveConfig([], { RELEASE_MANAGER_TOKEN: 's3cret' });
    expect(prod.config.auth.token).toBe('s3cret');
    expect(prod.warnings).toEqual([]);
    const dev = serveConfig(['--dev'], {});
    expect(dev.config.auth.token).toBe(DEV_TOKEN);
    expect(dev.warnings).toEqual([
      expect.stringContaining(`public token '${DEV_TOKEN}'`),
    ]);
  });

  it('the binary exits with an error without a token, and serves with --dev', async () => {
    const dataDir = tmpDir();
    const env = cleanEnv({
      RELEASE_MANAGER_DATA_DIR: dataDir,
      RELEASE_MANAGER_PORT: '0',
      RELEASE_MANAGER_HOST: '127.0.0.1',
    });
    const refused = await runBin(['serve'], env);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('No release manager token configured');
    expect(refused.output).not.toContain('listening');

    const dev = await runBin(['serve', '--dev'], env, /listening on/);
    expect(dev.output).toMatch(/warn development mode \(--dev\)/);
    expect(dev.output).toMatch(/release manager listening on http:\/\//);
  }, 60_000);
});
