import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `slipway:name:available`. */
export const examples: TemplateExample[] = [
  {
    description: 'Refuse a name that a component already has, or an owner that does not exist',
    example: yaml.stringify({
      steps: [
        {
          id: 'check-name',
          action: 'slipway:name:available',
          name: 'Check the name',
          input: { name: '${{ parameters.name }}', owner: '${{ parameters.owner }}' },
        },
      ],
    }),
  },
];
