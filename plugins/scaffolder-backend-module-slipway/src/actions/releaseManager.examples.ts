import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

const step = (id: string, action: string, input: Record<string, unknown>) =>
  yaml.stringify({ steps: [{ id, action, name: id, input }] });

/** Examples of `release-manager:policy:apply`. */
export const policyExamples: TemplateExample[] = [
  {
    description: 'Auto-release main to dev',
    example: step('policy', 'release-manager:policy:apply', {
      service: '${{ parameters.name }}',
      branch: 'main',
      environment: 'dev',
    }),
  },
];

/** Examples of `release-manager:release`. */
export const releaseExamples: TemplateExample[] = [
  {
    description: 'Release the first artifact to production',
    example: step('release', 'release-manager:release', {
      service: '${{ parameters.name }}',
      environment: 'prod',
      artifactId: '${{ steps.artifact.output.artifactId }}',
    }),
  },
];
