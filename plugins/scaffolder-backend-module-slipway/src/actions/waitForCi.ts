import { Config } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { createTemplateAction, parseRepoUrl } from '@backstage/plugin-scaffolder-node';
import type { ArtifactSpec } from '@slipway/plugin-release-manager-common';
import { ReleaseManagerService } from '@slipway/plugin-release-manager-node';
import { assertDnsLabel, localCiBaseUrl } from '../config';
import { githubActionsSource } from './ci/githubActionsSource';
import { localCiSource } from './ci/localCiSource';
import { CiSource } from './ci/types';
import { examples } from './waitForCi.examples';
import { publishTarget } from './publishTarget';

/** What `slipway:ci:wait` needs. */
export interface WaitForCiActionOptions {
  config: Config;
  releaseManager: ReleaseManagerService;
  /** Time between polls in milliseconds; default 1000. */
  pollIntervalMs?: number;
  /** How long CI may have no run for the commit before the action gives up; default 60 000 ms. */
  noRunTimeoutMs?: number;
  /** How long after CI succeeded the artifact may take to appear; default 30 000 ms. */
  uploadGraceMs?: number;
  /** fetch for the CI's HTTP API (tests); default the global fetch. */
  fetch?: typeof fetch;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function findArtifact(
  releaseManager: ReleaseManagerService,
  service: string,
  branch: string,
  sha: string,
): Promise<ArtifactSpec | undefined> {
  try {
    const { artifacts } = await releaseManager.describeArtifacts(service, { branch, count: 20 });
    return artifacts.find(a => a.application.sha === sha);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined; // no artifact of the service yet
    throw error;
  }
}

/**
 * Creates `slipway:ci:wait`: waits until the CI of the new repository has built, tested
 * and uploaded the artifact of commit `sha` (on `branch`) to the release manager, and
 * outputs it. Meanwhile it copies the CI's progress into the scaffolder log: every new log
 * line of the local CI, or the GitHub workflow run's state. When the CI run fails it
 * throws an Error with the log's failing lines and the run's link, so the template stops
 * here and releases nothing; the repository stays for the developer to fix, and the step
 * only reads, so re-running it (or the template) is safe.
 *
 * Also throws when the CI has no run for the commit after `noRunTimeoutMs` (the local CI
 * is not running, or the repository has no hook), when CI succeeded but uploaded no
 * artifact of the commit within `uploadGraceMs`, and after `timeoutSeconds`.
 */
export function createWaitForCiAction(options: WaitForCiActionOptions) {
  const { config, releaseManager } = options;
  const pollMs = options.pollIntervalMs ?? 1000;
  const integrations = ScmIntegrations.fromConfig(config);
  return createTemplateAction({
    id: 'slipway:ci:wait',
    description:
      "Waits for the new repository's CI (the local CI, or GitHub Actions) to test, build and upload the artifact of a commit; fails with the CI log's failing lines",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        service: z => z.string().describe('Service name (DNS-1123 label): the repository and release-manager service'),
        sha: z => z.string().regex(/^[0-9a-f]{40}$/).describe('The pushed commit (40 hex)'),
        branch: z => z.string().default('main').describe('The branch it was pushed to'),
        provider: z =>
          z
            .enum(['local', 'github'])
            .optional()
            .describe('Which CI: local (the local CI) or github (GitHub Actions); default by slipway.scaffolder.publish.target'),
        repoUrl: z =>
          z.string().optional().describe('github: the repository, host?owner=&repo= as publish:github takes it'),
        workflowFile: z => z.string().default('ci.yaml').describe('github: the workflow file that builds it'),
        timeoutSeconds: z => z.number().int().positive().default(600).describe('Give up after this many seconds'),
      },
      output: {
        artifactId: z => z.string().describe('The artifact CI uploaded'),
        image: z => z.string().optional().describe('Image reference CI built, <image>:<tag>'),
        tag: z => z.string().optional().describe('Image tag (the commit sha)'),
        ciUrl: z => z.string().optional().describe('Link to the CI run (its log)'),
        testsPassed: z => z.number().optional().describe('Tests passed in CI'),
        testsFailed: z => z.number().optional().describe('Tests failed in CI'),
        waitedMs: z => z.number().describe('How long the step waited, in milliseconds'),
      },
    },
    async handler(ctx) {
      const service = assertDnsLabel('service', ctx.input.service);
      const { sha } = ctx.input;
      const branch = ctx.input.branch ?? 'main';
      const provider = ctx.input.provider ?? publishTarget(config).target;
      let source: CiSource;
      if (provider === 'github') {
        if (!ctx.input.repoUrl) throw new InputError('repoUrl is required when provider is github');
        const { host, owner, repo } = parseRepoUrl(ctx.input.repoUrl, integrations);
        if (!owner || !repo) throw new InputError(`repoUrl "${ctx.input.repoUrl}" has no owner and repo`);
        const integration = integrations.github.byHost(host);
        if (!integration) throw new InputError(`repoUrl: no integrations.github entry for host ${host}`);
        const { token } = await DefaultGithubCredentialsProvider.fromIntegrations(integrations).getCredentials({
          url: `https://${host}/${owner}/${repo}`,
        });
        source = githubActionsSource({
          apiBaseUrl: integration.config.apiBaseUrl ?? 'https://api.github.com',
          token,
          owner,
          repo,
          sha,
          workflowFile: ctx.input.workflowFile ?? 'ci.yaml',
          fetch: options.fetch,
        });
      } else {
        source = localCiSource({
          baseUrl: localCiBaseUrl(config),
          repository: service,
          sha,
          fetch: options.fetch,
        });
      }
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would wait for ${source.name} to upload the artifact of ${sha}`);
        ctx.output('artifactId', `${branch}-${sha.slice(0, 10)}-dryrun0000`);
        ctx.output('waitedMs', 0);
        return;
      }

      const started = Date.now();
      const deadline = started + (ctx.input.timeoutSeconds ?? 600) * 1000;
      let lastState = '';
      let succeededAt: number | undefined;
      let lastPollError = '';
      ctx.logger.info(`Waiting for ${source.name} to test, build and upload ${service} ${branch} ${sha}`);
      for (;;) {
        let progress;
        try {
          progress = await source.poll();
          lastPollError = '';
        } catch (error) {
          const message = (error as Error).message;
          if (message !== lastPollError) ctx.logger.warn(`${source.name}: ${message}; retrying`);
          lastPollError = message;
        }
        if (progress) {
          for (const line of progress.newLogLines) ctx.logger.info(`ci │ ${line}`);
          if (progress.state !== lastState) {
            lastState = progress.state;
            if (progress.state !== 'none') {
              ctx.logger.info(`CI run ${progress.state}${progress.url ? `: ${progress.url}` : ''}`);
            }
          }
          if (progress.state === 'failed') {
            throw new Error(
              [
                `CI failed for ${service} ${sha.slice(0, 10)}${progress.error ? ` (${progress.error})` : ''}; nothing was released.`,
                ...(progress.failingLines ?? []).map(l => `  ${l}`),
                `Full log: ${progress.url ?? source.name}.`,
                `The repository stays as it is: fix it and push (a push runs CI again), or re-run the template.`,
              ].join('\n'),
            );
          }
          if (progress.state === 'succeeded') succeededAt ??= Date.now();
        }

        const artifact = await findArtifact(releaseManager, service, branch, sha).catch(error => {
          ctx.logger.warn(`release manager: ${(error as Error).message}; retrying`);
          return undefined;
        });
        if (artifact) {
          const build = artifact.stages?.find(s => s.id === 'build')?.data as
            | { image?: string; tag?: string }
            | undefined;
          const results = (artifact.stages?.find(s => s.id === 'test')?.data as any)?.results as
            | { passed: number; failed: number; skipped: number }
            | undefined;
          const waitedMs = Date.now() - started;
          ctx.logger.info(
            `Artifact ${artifact.id} uploaded by CI after ${(waitedMs / 1000).toFixed(1)} s${
              build?.image ? `: image ${build.image}:${build.tag}` : ''
            }${results ? `, tests ${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped` : ''}`,
          );
          ctx.output('artifactId', artifact.id);
          if (build?.image) ctx.output('image', `${build.image}:${build.tag}`);
          if (build?.tag) ctx.output('tag', build.tag);
          const ciUrl = artifact.ci?.jobUrl ?? progress?.url;
          if (ciUrl) ctx.output('ciUrl', ciUrl);
          if (results) {
            ctx.output('testsPassed', results.passed);
            ctx.output('testsFailed', results.failed);
          }
          ctx.output('waitedMs', waitedMs);
          return;
        }

        const now = Date.now();
        if (succeededAt && now - succeededAt > (options.uploadGraceMs ?? 30_000)) {
          throw new Error(
            `CI succeeded for ${service} ${sha.slice(0, 10)} but uploaded no artifact of it on branch ${branch}; see ${progress?.url ?? source.name}`,
          );
        }
        if ((!progress || progress.state === 'none') && now - started > (options.noRunTimeoutMs ?? 60_000)) {
          throw new Error(
            `${source.name} has no run for ${service} ${sha.slice(0, 10)} after ${Math.round((now - started) / 1000)} s${
              lastPollError ? ` (${lastPollError})` : ''
            }: is it running? On the embedded default scripts/start runs it (scripts/start.d/38-local-ci.sh); a push to the repository starts a run`,
          );
        }
        if (now > deadline) {
          throw new Error(
            `Gave up waiting for CI of ${service} ${sha.slice(0, 10)} after ${ctx.input.timeoutSeconds ?? 600} s (last state: ${lastState || 'no run'})`,
          );
        }
        await sleep(pollMs);
      }
    },
  });
}
