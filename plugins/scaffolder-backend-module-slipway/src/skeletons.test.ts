import { createMockDirectory } from '@backstage/backend-test-utils';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import yaml from 'yaml';

const run = promisify(execFile);
const skeletons = path.resolve(__dirname, '../../../templates/service/skeleton');
const repoNodeModules = path.resolve(__dirname, '../../../node_modules');

jest.setTimeout(180_000);

const values: Record<string, string> = {
  name: 'fraud-check',
  description: 'Scores card payments for fraud, "quickly"',
  owner: 'group:default/payments',
  ownerName: 'payments',
  system: 'system:default/payments',
  systemName: 'payments',
  runtime: '',
};

/**
 * Renders a skeleton folder the way fetch:template does for the expressions the skeletons
 * use (`${{ values.x }}` and `${{ values.x | dump }}`); `.github/workflows` is copied
 * as it is (copyWithoutTemplating in template.yaml). Fails on any other expression.
 */
function render(src: string, dest: string, vals: Record<string, string>) {
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    const from = path.join(src, entry.name);
    const to = path.join(dest, entry.name);
    if (entry.isDirectory()) {
      fs.mkdirSync(to, { recursive: true });
      render(from, to, vals);
      continue;
    }
    let text = fs.readFileSync(from, 'utf8');
    if (!from.includes(`${path.sep}.github${path.sep}workflows${path.sep}`)) {
      text = text.replace(/\$\{\{\s*values\.(\w+)\s*(\|\s*dump\s*)?\}\}/g, (_, key, dump) => {
        if (!(key in vals)) throw new Error(`${from}: unknown value ${key}`);
        return dump ? JSON.stringify(vals[key]) : vals[key];
      });
      if (/\$\{\{|\{%|\{#/.test(text)) throw new Error(`${from}: unrendered template syntax`);
    }
    fs.writeFileSync(to, text, { mode: fs.statSync(from).mode });
  }
}

/** Runs the rendered service's own unit test; resolves to its output. */
async function ownTest(runtime: string, cwd: string): Promise<string> {
  if (runtime === 'node') {
    // prom-client comes from the monorepo's node_modules instead of an npm install
    fs.symlinkSync(repoNodeModules, path.join(cwd, 'node_modules'));
    return (await run(process.execPath, ['--test', 'test/*.test.ts'], { cwd })).stdout;
  }
  const env = {
    ...process.env,
    GOFLAGS: '-mod=mod',
    GOPROXY: 'off',
    GOCACHE: path.join(cwd, '.gocache'),
    GOPATH: path.join(cwd, '.gopath'),
  };
  return (await run('go', ['test', '-v', './...'], { cwd, env })).stdout;
}

describe.each(['node', 'go'])('the %s skeleton', runtime => {
  const dir = createMockDirectory();
  beforeAll(() => {
    dir.clear();
    render(path.join(skeletons, runtime), dir.path, { ...values, runtime });
  });

  it('has a catalog-info.yaml with the Slipway annotations and its API', () => {
    const docs = yaml
      .parseAllDocuments(fs.readFileSync(dir.resolve('catalog-info.yaml'), 'utf8'))
      .map(d => d.toJSON());
    const [component, api] = docs;
    expect(component.metadata.annotations).toMatchObject({
      'slipway.dev/release-manager-service': 'fraud-check',
      'slipway.dev/release-manager-namespace': 'payments',
      'slipway.dev/on-call-schedule': 'payments',
      'slipway.dev/health-selector': 'service="fraud-check"',
      'slipway.dev/dashboard-url': '/d/fraud-check',
      'backstage.io/techdocs-ref': 'dir:.',
    });
    expect(component.metadata.description).toBe(values.description);
    expect(component.spec).toMatchObject({
      owner: 'group:default/payments',
      system: 'system:default/payments',
      providesApis: ['fraud-check-api'],
    });
    expect(api.kind).toBe('API');
    expect(api.spec.definition).toEqual({ $text: './openapi.yaml' });
    expect(yaml.parse(fs.readFileSync(dir.resolve('openapi.yaml'), 'utf8')).paths).toHaveProperty(
      '/metrics',
    );
  });

  it('renders every overlay with the real kustomize (kubectl kustomize), as its CI does', async () => {
    const renderOverlay = async (env: string) =>
      yaml
        .parseAllDocuments((await run('kubectl', ['kustomize', dir.resolve(`deploy/overlays/${env}`)])).stdout)
        .map(d => d.toJSON());
    const prod = (await renderOverlay('prod')).find(d => d.kind === 'Deployment');
    expect(prod.metadata.namespace).toBe('payments');
    expect(prod.spec.replicas).toBe(3);
    expect(prod.metadata.labels).toMatchObject({ environment: 'prod', 'app.kubernetes.io/name': 'fraud-check' });
    expect(prod.spec.template.spec.containers[0].image).toBe('ghcr.io/slipway-dev/fraud-check:latest');
    expect((await renderOverlay('dev')).find(d => d.kind === 'Deployment').spec.replicas).toBe(1);
  });

  it('has one CI entry point, ci/run.sh, that its GitHub Actions workflow calls', () => {
    const workflow = yaml.parse(fs.readFileSync(dir.resolve('.github/workflows/ci.yaml'), 'utf8'));
    const steps = workflow.jobs.ci.steps.map((st: any) => st.run).filter(Boolean);
    expect(steps).toEqual(['sh ci/run.sh']);
    const script = fs.readFileSync(dir.resolve('ci/run.sh'), 'utf8');
    expect(script).toContain('SERVICE="${SERVICE:-fraud-check}"');
    for (const step of ['sh ci/test.sh', 'build --quiet', '$KUSTOMIZE', 'artifact push']) {
      expect(script).toContain(step);
    }
  });

  it("passes the generated service's own unit test", async () => {
    const stdout = await ownTest(runtime, dir.path);
    const expected =
      runtime === 'node'
        ? [/# pass 4/, /# fail 0/]
        : [/--- PASS: TestHealthz/, /--- PASS: TestMetrics/, /^ok /m];
    for (const pattern of expected) expect(stdout).toMatch(pattern);
  });
});
