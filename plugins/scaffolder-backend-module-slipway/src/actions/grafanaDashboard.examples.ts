import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `grafana:dashboard:create`. */
export const examples: TemplateExample[] = [
  {
    description:
      'Create the service dashboard (Grafana API when configured, else a ConfigMap in deploy/base)',
    example: yaml.stringify({
      steps: [
        {
          id: 'dashboard',
          action: 'grafana:dashboard:create',
          name: 'Dashboard',
          input: { name: '${{ parameters.name }}' },
        },
      ],
    }),
  },
];
