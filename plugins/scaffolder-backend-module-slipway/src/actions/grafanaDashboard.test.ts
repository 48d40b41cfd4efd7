import { ConfigReader } from '@backstage/config';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { mockContext } from '../__testUtils__/mockContext';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { createGrafanaDashboardAction } from './grafanaDashboard';

const server = setupServer();
registerMswTestHooks(server);

const apiConfig = new ConfigReader({
  slipway: {
    scaffolder: { grafana: { baseUrl: 'https://grafana.test/', token: 'glsa_secret' } },
  },
});

describe('grafana:dashboard:create', () => {
  const mockDir = createMockDirectory();

  it('creates the dashboard through POST /api/dashboards/db', async () => {
    let received: any;
    let auth: string | null = null;
    server.use(
      http.post('https://grafana.test/api/dashboards/db', async ({ request }) => {
        received = await request.json();
        auth = request.headers.get('authorization');
        return HttpResponse.json({
          id: 7,
          uid: 'fraud-check',
          url: '/d/fraud-check/fraud-check-service',
          status: 'success',
          version: 1,
        });
      }),
    );
    const ctx = mockContext({ input: { name: 'fraud-check' } });
    await createGrafanaDashboardAction({ config: apiConfig }).handler(ctx);
    expect(auth).toBe('Bearer glsa_secret');
    expect(received.overwrite).toBe(true);
    expect(received.dashboard.uid).toBe('fraud-check');
    const titles = received.dashboard.panels.map((p: any) => p.title);
    expect(titles).toEqual(['Request rate', 'Error ratio', 'p99 latency', 'CPU saturation']);
    for (const p of received.dashboard.panels.slice(0, 3)) {
      expect(p.targets[0].expr).toContain('service="fraud-check"');
    }
    expect(ctx.output).toHaveBeenCalledWith(
      'dashboardUrl',
      'https://grafana.test/d/fraud-check/fraud-check-service',
    );
    expect(ctx.output).toHaveBeenCalledWith('mode', 'api');
  });

  it("fails with Grafana's message when Grafana refuses", async () => {
    server.use(
      http.post('https://grafana.test/api/dashboards/db', () =>
        HttpResponse.json({ message: 'Access denied' }, { status: 403 }),
      ),
    );
    await expect(
      createGrafanaDashboardAction({ config: apiConfig }).handler(
        mockContext({ input: { name: 'fraud-check' } }),
      ),
    ).rejects.toThrow('Grafana refused the dashboard: HTTP 403 Access denied');
  });

  it('calls nothing in a dry run', async () => {
    const ctx = {
      ...mockContext({ input: { name: 'fraud-check' } }),
      isDryRun: true,
    };
    // msw fails unhandled requests (onUnhandledRequest: error)
    await createGrafanaDashboardAction({ config: apiConfig }).handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('dashboardUrl', 'https://grafana.test/d/fraud-check');
  });

  it('without Grafana, writes a sidecar ConfigMap into deploy/base and its kustomization', async () => {
    mockDir.setContent({
      'deploy/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
      'catalog-info.yaml':
        'kind: Component\nmetadata:\n  name: fraud-check # the service\n  links:\n    - url: https://grafana.invalid/d/x\n      title: Dashboard\n    - url: https://example.com/runbook\n      title: Runbook\n---\nkind: API\nmetadata:\n  name: fraud-check-api\n',
    });
    const ctx = mockContext({
      input: { name: 'fraud-check' },
      workspacePath: mockDir.path,
    });
    await createGrafanaDashboardAction({
      config: new ConfigReader({ serviceHealth: { prometheus: { baseUrl: 'http://prometheus.test:9090/' } } }),
    }).handler(ctx);
    const cm = yaml.parse(
      fs.readFileSync(`${mockDir.path}/deploy/base/dashboard-configmap.yaml`, 'utf8'),
    );
    expect(cm.kind).toBe('ConfigMap');
    expect(cm.metadata.labels.grafana_dashboard).toBe('1');
    const dashboard = JSON.parse(cm.data['fraud-check.json']);
    expect(dashboard.panels).toHaveLength(4);
    expect(
      yaml.parse(fs.readFileSync(`${mockDir.path}/deploy/base/kustomization.yaml`, 'utf8'))
        .resources,
    ).toEqual(['deployment.yaml', 'dashboard-configmap.yaml']);
    // no Grafana to open it in: a Prometheus graph of the service's own signals
    const url = new URL(ctx.output.mock.calls.find((c: any[]) => c[0] === 'dashboardUrl')[1]);
    expect(url.origin + url.pathname).toBe('http://prometheus.test:9090/graph');
    expect(url.searchParams.get('g0.expr')).toBe('sum(rate(http_requests_total{service="fraud-check"}[5m]))');
    expect(url.searchParams.get('g1.expr')).toMatch(/code=~"5\.\."/);
    expect(url.searchParams.get('g2.expr')).toMatch(/^histogram_quantile\(0.99/);
    expect(url.searchParams.get('g3.expr')).toBeNull();
    expect(ctx.output).toHaveBeenCalledWith('mode', 'configmap');
    const catalogInfo = fs.readFileSync(`${mockDir.path}/catalog-info.yaml`, 'utf8');
    const [component, api] = yaml.parseAllDocuments(catalogInfo).map(d => d.toJSON());
    expect(component.metadata.links).toEqual([
      { url: url.toString(), title: 'Dashboard' },
      { url: 'https://example.com/runbook', title: 'Runbook' },
    ]);
    expect(api.metadata.name).toBe('fraud-check-api');
    expect(catalogInfo).toContain('# the service');
  });

  it('without the Grafana API but with a public Grafana, links the dashboard there', async () => {
    mockDir.setContent({ 'deploy/base/kustomization.yaml': 'resources: []\n' });
    const ctx = mockContext({ input: { name: 'fraud-check' }, workspacePath: mockDir.path });
    await createGrafanaDashboardAction({
      config: new ConfigReader({ slipway: { scaffolder: { grafana: { publicUrl: 'https://grafana.example.com/' } } } }),
    }).handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('dashboardUrl', 'https://grafana.example.com/d/fraud-check');
  });

  it('refuses a targetPath in a sibling folder such as <workspace>-evil', async () => {
    mockDir.setContent({ 'deploy/base/kustomization.yaml': 'resources: []\n' });
    const evil = `${mockDir.path}-evil`;
    try {
      await expect(
        createGrafanaDashboardAction({ config: new ConfigReader({}) }).handler(
          mockContext({
            input: {
              name: 'fraud-check',
              targetPath: `../${path.basename(evil)}/dashboard.yaml`,
            },
            workspacePath: mockDir.path,
          }),
        ),
      ).rejects.toThrow(/^targetPath ".*-evil\/dashboard.yaml" must stay inside /);
      expect(fs.existsSync(evil)).toBe(false);
    } finally {
      fs.rmSync(evil, { recursive: true, force: true });
    }
  });

  it('refuses a non-DNS-1123 name and writes nothing in a dry run', async () => {
    mockDir.setContent({});
    await expect(
      createGrafanaDashboardAction({ config: new ConfigReader({}) }).handler(
        mockContext({ input: { name: 'Fraud Check' }, workspacePath: mockDir.path }),
      ),
    ).rejects.toThrow(/name "Fraud Check" is not a DNS-1123 label/);
    await createGrafanaDashboardAction({ config: new ConfigReader({}) }).handler({
      ...mockContext({ input: { name: 'fraud-check' }, workspacePath: mockDir.path }),
      isDryRun: true,
    });
    expect(fs.existsSync(`${mockDir.path}/deploy`)).toBe(false);
  });
});
