import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `slipway:publish:target`. */
export const examples: TemplateExample[] = [
  {
    description: 'Choose the publishing steps by the portal configuration',
    example: yaml.stringify({
      steps: [
        { id: 'target', action: 'slipway:publish:target', input: { name: '${{ parameters.name }}' } },
        {
          id: 'publish-github',
          if: '${{ steps.target.output.isGithub }}',
          action: 'publish:github',
          input: { repoUrl: '${{ steps.target.output.repoUrl }}' },
        },
      ],
    }),
  },
];
