import { Config } from '@backstage/config';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { ReleaseManagerService } from '@slipway/plugin-release-manager-node';
import { assertDnsLabel, committerOf } from '../config';
import { policyExamples, releaseExamples } from './releaseManager.examples';

/** What the release-manager actions need. */
export type ReleaseManagerActionOptions = {
  /** The root config (`app.baseUrl` for links). */
  config: Config;
  /** The release manager, from `releaseManagerServiceRef`. */
  releaseManager: ReleaseManagerService;
};

/**
 * Creates `release-manager:policy:apply`: an auto-release policy (`branch` → `environment`,
 * default main → dev) applied as the user running the template (the release manager only
 * knows services that have an artifact, so this runs after CI uploaded one: `slipway:ci:wait`).
 * With `releaseLatest` (default) it also releases the branch's latest artifact to that
 * environment when it has none yet, as the policy would have done had it existed.
 */
export function createPolicyApplyAction(options: ReleaseManagerActionOptions) {
  const { releaseManager: client } = options;
  return createTemplateAction({
    id: 'release-manager:policy:apply',
    description: 'Applies an auto-release policy (e.g. main to dev) in the release manager',
    examples: policyExamples,
    supportsDryRun: true,
    schema: {
      input: {
        service: z => z.string().describe('Service name (DNS-1123 label)'),
        branch: z => z.string().default('main').describe('Branch to auto-release'),
        environment: z => z.string().default('dev').describe('Environment to release it to'),
        releaseLatest: z =>
          z
            .boolean()
            .default(true)
            .describe(
              "Also release the branch's latest artifact there now, when the environment has none (the artifact uploaded before the policy existed)",
            ),
      },
      output: {
        policyId: z => z.string().describe('The policy id'),
        releasedArtifactId: z =>
          z.string().optional().describe('Artifact released by releaseLatest'),
      },
    },
    async handler(ctx) {
      const service = assertDnsLabel('service', ctx.input.service);
      const environment = assertDnsLabel('environment', ctx.input.environment ?? 'dev');
      const branch = ctx.input.branch ?? 'main';
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would auto-release ${branch} of ${service} to ${environment}`);
        ctx.output('policyId', `auto-release-${branch}-${environment}`);
        return;
      }
      const response = await client.applyAutoReleasePolicy({
        service,
        branch,
        environment,
        ...committerOf(ctx.user),
      });
      ctx.logger.info(`Auto-release ${branch} → ${environment} of ${service}: policy ${response.id}`);
      ctx.output('policyId', response.id);
      if (ctx.input.releaseLatest === false) return;
      const status = await client.status(service);
      if (status.environments.find(e => e.name === environment)?.tag) return;
      const release = await client.release({
        service,
        environment,
        ...committerOf(ctx.user),
        intent: { type: 'ReleaseBranch', releaseBranch: { branch } },
      });
      ctx.logger.info(`Released ${release.tag} (latest of ${branch}) to ${environment}`);
      ctx.output('releasedArtifactId', release.tag);
    },
  });
}

/**
 * Creates `release-manager:release`: releases an artifact to an environment (default prod)
 * through `POST /release` with intent ReleaseArtifact, so the release manager applies the
 * same branch restrictions as to a person's release; the committer is the user running the
 * template. Outputs the release id, the config-repo commit and a link to the entity's
 * Releases tab.
 */
export function createReleaseAction(options: ReleaseManagerActionOptions) {
  const { config, releaseManager: client } = options;
  return createTemplateAction({
    id: 'release-manager:release',
    description:
      'Releases an artifact to an environment through the release manager (same policy checks as a person)',
    examples: releaseExamples,
    supportsDryRun: true,
    schema: {
      input: {
        service: z => z.string().describe('Service name (DNS-1123 label)'),
        environment: z => z.string().default('prod').describe('Target environment'),
        artifactId: z => z.string().describe('Artifact to release'),
      },
      output: {
        releaseId: z => z.string().describe('Release id'),
        commit: z => z.string().optional().describe('Config-repo commit of the release'),
        releaseUrl: z => z.string().describe("Link to the entity's Releases tab in the portal"),
      },
    },
    async handler(ctx) {
      const service = assertDnsLabel('service', ctx.input.service);
      const environment = assertDnsLabel('environment', ctx.input.environment ?? 'prod');
      const appBaseUrl = (config.getOptionalString('app.baseUrl') ?? '').replace(/\/+$/, '');
      ctx.output('releaseUrl', `${appBaseUrl}/catalog/default/component/${service}/releases`);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would release ${ctx.input.artifactId} of ${service} to ${environment}`);
        ctx.output('releaseId', 'dry-run');
        return;
      }
      const response = await client.release({
        service,
        environment,
        artifactId: ctx.input.artifactId,
        ...committerOf(ctx.user),
        intent: { type: 'ReleaseArtifact' },
      });
      ctx.logger.info(
        `Released ${response.tag} of ${service} to ${response.toEnvironment}${response.commit ? ` (config repo ${response.commit})` : ''}`,
      );
      ctx.output('releaseId', response.releaseId);
      if (response.commit) ctx.output('commit', response.commit);
    },
  });
}
