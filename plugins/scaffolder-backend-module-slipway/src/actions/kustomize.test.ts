import { createMockDirectory } from '@backstage/backend-test-utils';
import yaml from 'yaml';
import { renderManifests } from './kustomize';

describe('renderManifests', () => {
  const dir = createMockDirectory();

  it('applies namespace, patches and labels of each overlay to the base', async () => {
    dir.setContent({
      'base/kustomization.yaml': 'resources: [deployment.yaml, service.yaml]\n',
      'base/deployment.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, labels: { a: b } }\nspec: { replicas: 1, template: { spec: { containers: [{ name: web }] } } }\n',
      'base/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata: { name: web }\n',
      'overlays/prod/kustomization.yaml':
        'namespace: payments\nresources: [../../base]\npatches: [{ path: replicas.yaml }]\nlabels: [{ pairs: { environment: prod } }]\n',
      'overlays/prod/replicas.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec: { replicas: 3 }\n',
    });
    const out = await renderManifests(dir.path, ['prod', 'dev']);
    expect(Object.keys(out.prod)).toEqual(['10-deployment-web.yaml', '20-service-web.yaml']);
    const deployment = yaml.parse(out.prod['10-deployment-web.yaml']);
    expect(deployment.metadata).toEqual({
      name: 'web',
      namespace: 'payments',
      labels: { a: 'b', environment: 'prod' },
    });
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.spec.template.spec.containers).toEqual([{ name: 'web' }]);
    // dev has no overlay: the base as it is
    expect(yaml.parse(out.dev['10-deployment-web.yaml']).spec.replicas).toBe(1);
  });

  it('refuses resources outside the deploy folder and patches that match nothing', async () => {
    dir.setContent({
      'base/kustomization.yaml': 'resources: [../../etc/passwd]\n',
    });
    await expect(renderManifests(dir.path, ['dev'])).rejects.toThrow(/must stay inside/);
    dir.setContent({
      'base/kustomization.yaml': 'resources: []\npatches: [{ path: p.yaml }]\n',
      'base/p.yaml': 'kind: Deployment\nmetadata: { name: nope }\n',
    });
    await expect(renderManifests(dir.path, ['dev'])).rejects.toThrow(/matches no Deployment nope/);
  });
});
