import { Config } from '@backstage/config';
import { ConflictError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { postReceiveHook } from '@slipway/local-ci';
import { assertDnsLabel, committerOf, localCiBaseUrl, localGitBaseDir } from '../config';
import { examples } from './localGit.examples';
import { resolveInside } from './workspacePath';

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}

/**
 * Creates the `publish:local-git` action (the embedded default's `publish:github`):
 * a bare repository `<baseDir>/<name>.git` holding the workspace on `main` (one commit
 * authored by the user running the template), plus a working copy `<baseDir>/<name>/`
 * (a clone of it) that the catalog reads as a `file` location.
 * Before the push it installs the local CI's `post-receive` hook in the bare repository
 * (`postReceiveHook` of `@slipway/local-ci`, URL `slipway.scaffolder.localCi.baseUrl`),
 * so this push and every later push to any branch runs the repository's `ci/run.sh`; off
 * with `slipway.scaffolder.localCi.installHook: false`.
 *
 * A repository that already exists is refused (ConflictError) when the catalog has an
 * entity `component:default/<name>`; otherwise it is what a failed run left behind and
 * is removed and made again, so a re-run with the same name works.
 */
export function createPublishLocalGitAction(options: {
  config: Config;
  catalog: CatalogService;
}) {
  const { config, catalog } = options;
  return createTemplateAction({
    id: 'publish:local-git',
    description:
      'Creates a bare git repository on this machine (under the data folder), pushes the workspace to main and checks out a working copy for the catalog',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z => z.string().describe('Repository name (DNS-1123 label): <baseDir>/<name>.git'),
        sourcePath: z =>
          z.string().optional().describe('Folder of the workspace to publish; default the whole workspace'),
        defaultBranch: z => z.string().default('main').describe('Branch to push, default main'),
        gitCommitMessage: z =>
          z.string().default('Initial commit from the Slipway golden path').describe('Commit message'),
      },
      output: {
        remoteUrl: z => z.string().describe('file:// URL of the bare repository'),
        repoContentsUrl: z => z.string().describe('file:// URL of the checked-out working copy'),
        catalogInfoPath: z => z.string().describe('Absolute path of the working copy\'s catalog-info.yaml'),
        catalogInfoUrl: z => z.string().describe('file: URL of catalog-info.yaml'),
        commitHash: z => z.string().describe('The pushed commit (40 hex characters)'),
      },
    },
    async handler(ctx) {
      const name = assertDnsLabel('name', ctx.input.name);
      const branch = ctx.input.defaultBranch ?? 'main';
      const baseDir = localGitBaseDir(config);
      const bare = path.join(baseDir, `${name}.git`);
      const checkout = path.join(baseDir, name);
      const source = ctx.input.sourcePath
        ? resolveInside(ctx.workspacePath, 'sourcePath', ctx.input.sourcePath)
        : ctx.workspacePath;
      const outputs = (commitHash: string) => {
        ctx.output('remoteUrl', `file://${bare}`);
        ctx.output('repoContentsUrl', `file://${checkout}`);
        ctx.output('catalogInfoPath', path.join(checkout, 'catalog-info.yaml'));
        ctx.output('catalogInfoUrl', `file:${path.join(checkout, 'catalog-info.yaml')}`);
        ctx.output('commitHash', commitHash);
      };

      if (await exists(bare)) {
        const credentials = await ctx.getInitiatorCredentials();
        const entity = await catalog.getEntityByRef(`component:default/${name}`, {
          credentials,
        });
        if (entity) {
          throw new ConflictError(
            `name: repository ${bare} already exists and component:default/${name} is in the catalog; choose another name`,
          );
        }
        if (ctx.isDryRun) {
          ctx.logger.info(`Dry run: would replace ${bare}, left behind by a failed run`);
        } else {
          ctx.logger.warn(
            `Repository ${bare} exists but no catalog entity does: a failed run left it behind; making it again`,
          );
          await fs.rm(bare, { recursive: true, force: true });
          await fs.rm(checkout, { recursive: true, force: true });
        }
      }
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would create ${bare} and push ${source} to ${branch}`);
        outputs('0'.repeat(40));
        return;
      }

      const { committerName, committerEmail } = committerOf(ctx.user);
      const env = {
        ...process.env,
        GIT_AUTHOR_NAME: committerName,
        GIT_AUTHOR_EMAIL: committerEmail,
        GIT_COMMITTER_NAME: 'Slipway Scaffolder',
        GIT_COMMITTER_EMAIL: 'scaffolder@slipway.local',
      };
      await fs.mkdir(baseDir, { recursive: true });
      await simpleGit().raw(['init', '--bare', '--initial-branch', branch, bare]);
      if (config.getOptionalBoolean('slipway.scaffolder.localCi.installHook') ?? true) {
        await fs.writeFile(path.join(bare, 'hooks', 'post-receive'), postReceiveHook(localCiBaseUrl(config)), {
          mode: 0o755,
        });
        ctx.logger.info(`Installed the local CI hook: every push runs ci/run.sh (${localCiBaseUrl(config)})`);
      }

      const src = simpleGit(source).env(env);
      await src.raw(['init', '--initial-branch', branch]);
      await src.add(['--all', '.']);
      await src.raw(['commit', '--quiet', '--no-verify', '-m', ctx.input.gitCommitMessage ?? 'Initial commit']);
      await src.raw(['push', '--quiet', bare, `HEAD:refs/heads/${branch}`]);
      const commitHash = (await src.revparse(['HEAD'])).trim();
      // The scaffolder workspace is deleted after the task; drop its .git so later
      // steps (and fetch:plain of later templates) see a plain folder again.
      await fs.rm(path.join(source, '.git'), { recursive: true, force: true });

      await simpleGit().env(env).clone(bare, checkout, ['--branch', branch, '--quiet']);
      ctx.logger.info(`Pushed ${commitHash} to ${bare} (${branch}); working copy ${checkout}`);
      outputs(commitHash);
    },
  });
}
