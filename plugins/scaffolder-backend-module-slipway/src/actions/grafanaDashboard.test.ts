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
    });
    const ctx = mockContext({
      input: { name: 'fraud-check' },
      workspacePath: mockDir.path,
    });
    await createGrafanaDashboardAction({ config: new ConfigReader({}) }).handler(ctx);
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
    expect(ctx.output).toHaveBeenCalledWith('dashboardUrl', 'https://grafana.slipway.dev/d/fraud-check');
    expect(ctx.output).toHaveBeenCalledWith('mode', 'configmap');
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
