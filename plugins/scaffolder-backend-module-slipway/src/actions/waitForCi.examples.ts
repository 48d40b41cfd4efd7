import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `slipway:ci:wait`. */
export const examples: TemplateExample[] = [
  {
    description: 'Wait for the local CI to build the commit publish:local-git pushed',
    example: yaml.stringify({
      steps: [
        {
          id: 'ci',
          name: 'Wait for CI',
          action: 'slipway:ci:wait',
          input: { service: 'fraud-check', sha: '${{ steps.publish.output.commitHash }}' },
        },
      ],
    }),
  },
  {
    description: 'Wait for the GitHub Actions workflow ci.yaml of a GitHub repository',
    example: yaml.stringify({
      steps: [
        {
          id: 'ci',
          name: 'Wait for CI',
          action: 'slipway:ci:wait',
          input: {
            service: 'fraud-check',
            provider: 'github',
            repoUrl: 'github.com?owner=slipway-dev&repo=fraud-check',
            sha: '${{ steps.publish.output.commitHash }}',
            timeoutSeconds: 900,
          },
        },
      ],
    }),
  },
];
