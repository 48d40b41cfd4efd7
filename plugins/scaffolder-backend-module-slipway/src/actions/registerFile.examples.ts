import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `catalog:register:file`. */
export const examples: TemplateExample[] = [
  {
    description: 'Register the working copy that publish:local-git checked out',
    example: yaml.stringify({
      steps: [
        {
          id: 'register',
          action: 'catalog:register:file',
          name: 'Register',
          input: { catalogInfoPath: '${{ steps.publish.output.catalogInfoPath }}' },
        },
      ],
    }),
  },
];
