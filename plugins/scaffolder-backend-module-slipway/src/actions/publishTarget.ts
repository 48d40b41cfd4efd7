import { Config } from '@backstage/config';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { examples } from './publishTarget.examples';

/** Where the golden path publishes, from `slipway.scaffolder.publish`. */
export interface PublishTarget {
  /** `local` (bare repositories + local CI) or `github` (publish:github + GitHub Actions). */
  target: 'local' | 'github';
  /** `github`: the owner (organisation or user) of new repositories. */
  githubOwner?: string;
  /** `github`: the host, default `github.com`. */
  githubHost: string;
}

/**
 * Reads `slipway.scaffolder.publish` (`target` default `local`).
 * @throws Error when `target` is neither `local` nor `github`, or `github` has no `githubOwner`
 */
export function publishTarget(config: Config): PublishTarget {
  const target = config.getOptionalString('slipway.scaffolder.publish.target') ?? 'local';
  if (target !== 'local' && target !== 'github') {
    throw new Error(`slipway.scaffolder.publish.target must be local or github, not "${target}"`);
  }
  const githubOwner = config.getOptionalString('slipway.scaffolder.publish.githubOwner');
  if (target === 'github' && !githubOwner) {
    throw new Error('slipway.scaffolder.publish.githubOwner is required when the target is github');
  }
  return {
    target,
    githubOwner,
    githubHost: config.getOptionalString('slipway.scaffolder.publish.githubHost') ?? 'github.com',
  };
}

/**
 * Creates `slipway:publish:target`: tells the template which publishing path this
 * portal uses (`slipway.scaffolder.publish`), so its steps can choose with `if:` between
 * `publish:local-git` + `catalog:register:file` and `publish:github` + `catalog:register`.
 * Outputs `target`, `isGithub`, and for GitHub the `repoUrl` (`<host>?owner=&repo=<name>`).
 */
export function createPublishTargetAction(options: { config: Config }) {
  return createTemplateAction({
    id: 'slipway:publish:target',
    description: 'Says where this portal publishes new services: local git repositories with the local CI, or GitHub with GitHub Actions',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z => z.string().describe('Repository name'),
      },
      output: {
        target: z => z.enum(['local', 'github']).describe('The publishing path'),
        isGithub: z => z.boolean().describe('target is github'),
        repoUrl: z => z.string().optional().describe('github: <host>?owner=<owner>&repo=<name>'),
      },
    },
    async handler(ctx) {
      const t = publishTarget(options.config);
      ctx.output('target', t.target);
      ctx.output('isGithub', t.target === 'github');
      if (t.target === 'github') {
        ctx.output(
          'repoUrl',
          `${t.githubHost}?owner=${encodeURIComponent(t.githubOwner!)}&repo=${encodeURIComponent(ctx.input.name)}`,
        );
      }
      ctx.logger.info(
        t.target === 'github'
          ? `Publishing to GitHub (${t.githubHost}/${t.githubOwner}); GitHub Actions builds it`
          : 'Publishing to a local git repository; the local CI builds it',
      );
    },
  });
}
