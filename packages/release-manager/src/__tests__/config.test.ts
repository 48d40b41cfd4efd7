import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, DEV_TOKEN } from '../config';
import { tmpDir } from '../__testUtils__/helpers';

describe('loadConfig', () => {
  it('defaults to the embedded setup in development mode', () => {
    const c = loadConfig({ env: {}, dev: true });
    expect(c.port).toBe(7100);
    expect(c.auth).toEqual({
      token: DEV_TOKEN,
      daemonToken: DEV_TOKEN,
      artifactToken: DEV_TOKEN,
    });
    expect(c.environments).toEqual(['dev', 'staging', 'prod']);
    expect(c.globalBranchRestrictions).toEqual([
      { environment: 'prod', branchRegex: '^(main|master)$' },
    ]);
    expect(c.configRepo.url).toBe(path.join(c.dataDir, 'config-repo.git'));
    expect(c.database).toEqual({
      client: 'better-sqlite3',
      connection: { filename: path.join(c.dataDir, 'release-manager.sqlite') },
    });
  });

  it('reads the YAML file and lets environment variables win', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'rm.yaml');
    fs.writeFileSync(
      file,
      [
        'port: 8000',
        `dataDir: ${dir}`,
        'auth: { token: from-file, daemonToken: daemon }',
        'environments: [dev, prod]',
        'configRepo: { url: "https://git.example.com/k8s.git", branch: master, username: bot, password: secret }',
        'globalBranchRestrictions: [{ environment: prod, branchRegex: "^main$" }]',
      ].join('\n'),
    );
    const c = loadConfig({
      env: {
        RELEASE_MANAGER_CONFIG: file,
        RELEASE_MANAGER_PORT: '9000',
        RELEASE_MANAGER_TOKEN: 'from-env',
        RELEASE_MANAGER_DATABASE_URL: 'postgres://rm:pw@db:5432/rm',
        RELEASE_MANAGER_GLOBAL_BRANCH_RESTRICTIONS:
          'prod=^(main|master)$;dev=^feature/.*$',
      },
    });
    expect(c.port).toBe(9000);
    expect(c.auth).toEqual({
      token: 'from-env',
      daemonToken: 'daemon',
      artifactToken: 'from-env',
    });
    expect(c.environments).toEqual(['dev', 'prod']);
    expect(c.configRepo).toMatchObject({
      url: 'https://git.example.com/k8s.git',
      branch: 'master',
      username: 'bot',
    });
    expect(c.database).toEqual({
      client: 'pg',
      connection: 'postgres://rm:pw@db:5432/rm',
    });
    expect(c.globalBranchRestrictions).toEqual([
      { environment: 'prod', branchRegex: '^(main|master)$' },
      { environment: 'dev', branchRegex: '^feature/.*$' },
    ]);
  });

  it('names the key of an invalid value', () => {
    expect(() =>
      loadConfig({ env: { RELEASE_MANAGER_ENVIRONMENTS: 'dev,Prod' } }),
    ).toThrow(/environments\.1/);
    expect(() => loadConfig({ env: { RELEASE_MANAGER_PORT: 'abc' } })).toThrow(
      /'port'/,
    );
    expect(() =>
      loadConfig({
        env: { RELEASE_MANAGER_GLOBAL_BRANCH_RESTRICTIONS: 'prod=(' },
      }),
    ).toThrow(/globalBranchRestrictions/);
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'x.yaml'), 'prot: 1\n');
    expect(() =>
      loadConfig({ file: path.join(dir, 'x.yaml'), env: {} }),
    ).toThrow(/prot/);
  });

  it('refuses to run without a token, or with the public one, unless in development mode', () => {
    expect(() => loadConfig({ env: {} })).toThrow(/No release manager token/);
    expect(() =>
      loadConfig({ env: { RELEASE_MANAGER_TOKEN: DEV_TOKEN } }),
    ).toThrow(/public development token/);
    expect(() =>
      loadConfig({
        env: {
          RELEASE_MANAGER_TOKEN: 'secret',
          RELEASE_MANAGER_DAEMON_TOKEN: DEV_TOKEN,
        },
      }),
    ).toThrow(/auth\.daemonToken/);
    expect(
      loadConfig({ env: { RELEASE_MANAGER_TOKEN: 'secret' } }).auth,
    ).toEqual({
      token: 'secret',
      daemonToken: 'secret',
      artifactToken: 'secret',
    });
    // Development mode keeps a configured token.
    expect(
      loadConfig({ env: { RELEASE_MANAGER_TOKEN: 'secret' }, dev: true }).auth
        .token,
    ).toBe('secret');
  });
});
