import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadCatalogFiles, validateEntities } from './exampleCatalog';

const repoRoot = resolve(__dirname, '../../../..');

describe('the example catalog', () => {
  const loaded = loadCatalogFiles(join(repoRoot, 'catalog-info.yaml'));

  it('is valid: every entity, relation and spec file (messages name the file)', async () => {
    const problems = await validateEntities(loaded, repoRoot);
    expect(problems).toEqual([]);
  });

  it('has the org, systems, services and one API of each kind', () => {
    const count = (kind: string, type?: string) =>
      loaded.filter(
        l =>
          l.entity.kind === kind &&
          (!type || (l.entity.spec as any)?.type === type),
      ).length;
    expect(count('Group')).toBeGreaterThanOrEqual(3);
    expect(count('User')).toBeGreaterThanOrEqual(3);
    expect(count('System')).toBeGreaterThanOrEqual(3);
    expect(count('Component', 'service')).toBeGreaterThanOrEqual(8);
    for (const type of ['openapi', 'asyncapi', 'graphql', 'grpc']) {
      expect(count('API', type)).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('validateEntities', () => {
  it('names the file of a broken entity', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    writeFileSync(
      join(dir, 'catalog-info.yaml'),
      [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Location',
        'metadata: { name: root }',
        'spec: { targets: [./broken.yaml] }',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'broken.yaml'),
      [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata: { name: "Not A Valid Name!" }',
        'spec: { type: service, owner: group:nobody, lifecycle: production }',
      ].join('\n'),
    );
    const problems = await validateEntities(
      loadCatalogFiles(join(dir, 'catalog-info.yaml')),
      dir,
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^broken\.yaml: Component Not A Valid Name!/);
  });

  it('reports a relation to an entity that does not exist, and a missing spec file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    writeFileSync(
      join(dir, 'catalog-info.yaml'),
      [
        'apiVersion: backstage.io/v1alpha1',
        'kind: API',
        'metadata: { name: orders }',
        'spec:',
        '  type: openapi',
        '  owner: group:nobody',
        '  lifecycle: production',
        '  definition: { $text: ./missing.yaml }',
      ].join('\n'),
    );
    const problems = await validateEntities(
      loadCatalogFiles(join(dir, 'catalog-info.yaml')),
      dir,
    );
    expect(problems).toEqual([
      'catalog-info.yaml: API orders: placeholder file ./missing.yaml not found',
      'catalog-info.yaml: API orders: spec.owner "group:nobody" names no entity in the catalog',
    ]);
  });

  it('names a file that is not YAML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    writeFileSync(join(dir, 'catalog-info.yaml'), 'kind: [unclosed');
    expect(() => loadCatalogFiles(join(dir, 'catalog-info.yaml'))).toThrow(
      /catalog-info\.yaml: not valid YAML/,
    );
  });
});
