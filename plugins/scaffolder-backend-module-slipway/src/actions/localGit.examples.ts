import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `publish:local-git`. */
export const examples: TemplateExample[] = [
  {
    description: 'Publish the workspace to a bare repository under the data folder',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'publish:local-git',
          name: 'Publish',
          input: { name: '${{ parameters.name }}' },
        },
      ],
    }),
  },
];
