import { ConfigReader } from '@backstage/config';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { mockContext } from '../__testUtils__/mockContext';
import fs from 'node:fs';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { createPublishLocalGitAction } from './localGit';

// git init, push and clone per test: seconds on a busy machine
jest.setTimeout(30_000);

describe('publish:local-git', () => {
  const data = createMockDirectory();
  const workspace = createMockDirectory();
  // no local CI in these tests: the hook would post to one
  const config = new ConfigReader({
    slipway: { scaffolder: { localGit: { baseDir: data.resolve('repos') }, localCi: { installHook: false } } },
  });
  const user = {
    ref: 'user:default/guest',
    entity: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name: 'guest' },
      spec: { profile: { displayName: 'Guest User', email: 'guest@slipway.example' } },
    } as any,
  };
  const ctxFor = (name: string) =>
    mockContext({ input: { name }, workspacePath: workspace.path, user });

  beforeEach(() => {
    data.clear();
    workspace.setContent({
      'catalog-info.yaml': 'kind: Component\nmetadata:\n  name: fraud-check\n',
      'src/app.ts': 'export {};\n',
    });
  });

  it('creates a bare repo with the workspace on main and a working copy', async () => {
    const action = createPublishLocalGitAction({ config, catalog: catalogServiceMock() });
    const ctx = ctxFor('fraud-check');
    await action.handler(ctx);

    const bare = data.resolve('repos/fraud-check.git');
    const log = await simpleGit(bare).log(['main']);
    expect(log.total).toBe(1);
    expect(log.latest!.author_name).toBe('Guest User');
    expect(log.latest!.author_email).toBe('guest@slipway.example');
    const files = await simpleGit(bare).raw(['ls-tree', '-r', '--name-only', 'main']);
    expect(files.split('\n').filter(Boolean).sort()).toEqual(['catalog-info.yaml', 'src/app.ts']);

    const checkout = data.resolve('repos/fraud-check/catalog-info.yaml');
    expect(fs.readFileSync(checkout, 'utf8')).toContain('fraud-check');
    expect(ctx.output).toHaveBeenCalledWith('catalogInfoPath', checkout);
    expect(ctx.output).toHaveBeenCalledWith('catalogInfoUrl', `file:${checkout}`);
    expect(ctx.output).toHaveBeenCalledWith('remoteUrl', `file://${bare}`);
    expect(ctx.output).toHaveBeenCalledWith('commitHash', log.latest!.hash);
  });

  it('installs the local CI post-receive hook before the push, with the configured URL', async () => {
    const withCi = new ConfigReader({
      slipway: {
        scaffolder: {
          localGit: { baseDir: data.resolve('repos') },
          localCi: { baseUrl: 'http://127.0.0.1:9/' },
        },
      },
    });
    await createPublishLocalGitAction({ config: withCi, catalog: catalogServiceMock() }).handler(
      ctxFor('hooked-svc'),
    );
    const hook = data.resolve('repos/hooked-svc.git/hooks/post-receive');
    expect(fs.statSync(hook).mode & 0o111).toBeTruthy();
    expect(fs.readFileSync(hook, 'utf8')).toContain('LOCAL_CI_URL="${SLIPWAY_LOCAL_CI_URL:-http://127.0.0.1:9}"');

    const without = new ConfigReader({
      slipway: { scaffolder: { localGit: { baseDir: data.resolve('repos') }, localCi: { installHook: false } } },
    });
    await createPublishLocalGitAction({ config: without, catalog: catalogServiceMock() }).handler(
      ctxFor('unhooked-svc'),
    );
    expect(fs.existsSync(data.resolve('repos/unhooked-svc.git/hooks/post-receive'))).toBe(false);
  });

  it('refuses an existing repository whose component is in the catalog', async () => {
    const catalog = catalogServiceMock({
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'fraud-check', namespace: 'default' },
          spec: {},
        },
      ],
    });
    fs.mkdirSync(data.resolve('repos/fraud-check.git'), { recursive: true });
    await expect(
      createPublishLocalGitAction({ config, catalog }).handler(ctxFor('fraud-check')),
    ).rejects.toThrow(/already exists and component:default\/fraud-check is in the catalog/);
  });

  it('re-runs over what a failed run left behind when no entity exists', async () => {
    const action = createPublishLocalGitAction({ config, catalog: catalogServiceMock() });
    await action.handler(ctxFor('fraud-check'));
    workspace.setContent({ 'catalog-info.yaml': 'kind: Component\nmetadata:\n  name: second\n' });
    await action.handler(ctxFor('fraud-check'));
    const log = await simpleGit(data.resolve('repos/fraud-check.git')).log(['main']);
    expect(log.total).toBe(1);
    expect(fs.readFileSync(data.resolve('repos/fraud-check/catalog-info.yaml'), 'utf8')).toContain(
      'second',
    );
  });

  it('refuses a non-DNS-1123 name', async () => {
    const action = createPublishLocalGitAction({ config, catalog: catalogServiceMock() });
    await expect(action.handler(ctxFor('../evil'))).rejects.toThrow(/not a DNS-1123 label/);
    expect(fs.existsSync(data.resolve('repos'))).toBe(false);
  });

  it('refuses a sourcePath in a sibling folder such as <workspace>-evil', async () => {
    const evil = `${workspace.path}-evil`;
    fs.mkdirSync(evil, { recursive: true });
    fs.writeFileSync(path.join(evil, 'secret.txt'), 'not yours\n');
    try {
      const action = createPublishLocalGitAction({ config, catalog: catalogServiceMock() });
      const ctx = mockContext({
        input: { name: 'fraud-check', sourcePath: `../${path.basename(evil)}` },
        workspacePath: workspace.path,
        user,
      });
      await expect(action.handler(ctx)).rejects.toThrow(/^sourcePath ".*-evil" must stay inside /);
      await expect(
        action.handler({ ...ctx, input: { ...ctx.input, sourcePath: evil } }),
      ).rejects.toThrow(expect.objectContaining({ name: 'InputError' }));
      expect(fs.existsSync(data.resolve('repos'))).toBe(false);
    } finally {
      fs.rmSync(evil, { recursive: true, force: true });
    }
  });

  it('writes nothing in a dry run', async () => {
    const action = createPublishLocalGitAction({ config, catalog: catalogServiceMock() });
    const ctx = { ...ctxFor('fraud-check'), isDryRun: true };
    await action.handler(ctx);
    expect(fs.existsSync(data.resolve('repos'))).toBe(false);
    expect(ctx.output).toHaveBeenCalledWith('commitHash', '0'.repeat(40));
  });
});
