import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import yaml from 'yaml';
import { assertDnsLabel } from '../config';
import { serviceDashboard } from './dashboard';
import { examples } from './grafanaDashboard.examples';
import { prometheusGraphUrl, prometheusPublicUrl } from './prometheusGraph';
import { resolveInside } from './workspacePath';

/** The PromQL of the dashboard's panels whose metrics the service itself exports. */
function serviceQueries(dashboard: Record<string, unknown>): string[] {
  return ((dashboard.panels as any[]) ?? [])
    .map(p => p.targets?.[0]?.expr as string)
    .filter(expr => expr && /http_request/.test(expr));
}

/**
 * Points the workspace's `catalog-info.yaml` link titled `Dashboard` (if any) at `url`,
 * keeping the rest of the file as it is.
 */
async function linkCatalogInfo(workspacePath: string, url: string): Promise<boolean> {
  const file = path.join(workspacePath, 'catalog-info.yaml');
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (!text) return false;
  const docs = yaml.parseAllDocuments(text);
  let changed = false;
  for (const doc of docs) {
    const links = doc.getIn(['metadata', 'links']) as any;
    for (const item of links?.items ?? []) {
      if (item.get?.('title') === 'Dashboard') {
        item.set('url', url);
        changed = true;
      }
    }
  }
  if (changed) await fs.writeFile(file, docs.map(d => d.toString()).join(''));
  return changed;
}

/**
 * Creates the `grafana:dashboard:create` action. With `slipway.scaffolder.grafana.baseUrl`
 * and `.token` configured it creates (or overwrites) the service dashboard through the
 * Grafana HTTP API (`POST /api/dashboards/db`, https://grafana.com/docs/grafana/latest/developers/http_api/dashboard/).
 * Without, it writes the dashboard as code: a ConfigMap labelled `grafana_dashboard: "1"`
 * (the kube-prometheus-stack Grafana sidecar convention) at `targetPath` in the workspace,
 * added to the kustomization next to it, so the release manager carries it into the config
 * repo with the service's manifests on every release. Its link is then the Grafana of
 * `slipway.scaffolder.grafana.publicUrl` when one is configured, else a Prometheus graph of
 * the service's request rate, error ratio and p99 latency (see {@link prometheusGraphUrl}):
 * a page that exists on the embedded default. The link titled `Dashboard` of the
 * workspace's `catalog-info.yaml` is set to the same URL.
 * Throws an Error with Grafana's message when Grafana answers non-2xx.
 */
export function createGrafanaDashboardAction(options: { config: Config }) {
  const { config } = options;
  return createTemplateAction({
    id: 'grafana:dashboard:create',
    description:
      'Creates a service dashboard (request rate, error ratio, p99 latency, CPU saturation) in Grafana, or commits it as a ConfigMap for the Grafana sidecar',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z => z.string().describe('Service name (DNS-1123 label); the dashboard uid'),
        title: z => z.string().optional().describe('Dashboard title'),
        folderUid: z => z.string().optional().describe('Grafana folder uid (API mode)'),
        targetPath: z =>
          z
            .string()
            .default('deploy/base/dashboard-configmap.yaml')
            .describe('Workspace path of the ConfigMap (no-Grafana mode)'),
      },
      output: {
        dashboardUrl: z => z.string().describe('URL of the dashboard'),
        mode: z => z.enum(['api', 'configmap']).describe('How the dashboard was created'),
      },
    },
    async handler(ctx) {
      const name = assertDnsLabel('name', ctx.input.name);
      const dashboard = serviceDashboard({ name, title: ctx.input.title });
      const baseUrl = config
        .getOptionalString('slipway.scaffolder.grafana.baseUrl')
        ?.replace(/\/+$/, '');
      const token = config.getOptionalString('slipway.scaffolder.grafana.token');
      const grafanaPublicUrl = (
        config.getOptionalString('slipway.scaffolder.grafana.publicUrl') ?? baseUrl
      )?.replace(/\/+$/, '');
      const publicUrl = grafanaPublicUrl ?? '';

      if (baseUrl && token) {
        if (ctx.isDryRun) {
          ctx.logger.info(`Dry run: would POST the dashboard to ${baseUrl}/api/dashboards/db`);
          ctx.output('dashboardUrl', `${publicUrl}/d/${name}`);
          ctx.output('mode', 'api');
          return;
        }
        const response = await fetch(`${baseUrl}/api/dashboards/db`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            dashboard,
            folderUid: ctx.input.folderUid,
            overwrite: true,
            message: 'Created by the Slipway golden path',
          }),
        });
        const body: any = await response.json().catch(() => ({}));
        if (!response.ok) {
          throw new Error(
            `Grafana refused the dashboard: HTTP ${response.status} ${body.message ?? response.statusText}`,
          );
        }
        const url = `${publicUrl}${body.url ?? `/d/${body.uid ?? name}`}`;
        ctx.logger.info(`Grafana dashboard ${body.uid ?? name} created: ${url}`);
        await linkCatalogInfo(ctx.workspacePath, url);
        ctx.output('dashboardUrl', url);
        ctx.output('mode', 'api');
        return;
      }

      const targetPath = ctx.input.targetPath ?? 'deploy/base/dashboard-configmap.yaml';
      const target = resolveInside(ctx.workspacePath, 'targetPath', targetPath);
      if (target === ctx.workspacePath) {
        throw new InputError('targetPath must name a file inside the workspace');
      }
      const configMap = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: `${name}-dashboard`,
          labels: { grafana_dashboard: '1', 'app.kubernetes.io/name': name },
          annotations: { 'grafana_folder': 'Services' },
        },
        data: { [`${name}.json`]: JSON.stringify(dashboard, null, 2) },
      };
      const url = grafanaPublicUrl
        ? `${grafanaPublicUrl}/d/${name}`
        : prometheusGraphUrl(prometheusPublicUrl(config), serviceQueries(dashboard));
      ctx.output('dashboardUrl', url);
      ctx.output('mode', 'configmap');
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would write ${targetPath}`);
        return;
      }
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(target, yaml.stringify(configMap));
      const kustomization = path.join(path.dirname(target), 'kustomization.yaml');
      const file = path.basename(target);
      const doc = await fs
        .readFile(kustomization, 'utf8')
        .then(t => yaml.parse(t) ?? {})
        .catch(() => undefined);
      if (doc) {
        doc.resources = Array.isArray(doc.resources) ? doc.resources : [];
        if (!doc.resources.includes(file)) doc.resources.push(file);
        await fs.writeFile(kustomization, yaml.stringify(doc));
      }
      await linkCatalogInfo(ctx.workspacePath, url);
      ctx.logger.info(
        `No Grafana API configured: wrote the dashboard as ConfigMap ${targetPath} (grafana_dashboard: "1"); it reaches the config repo with the service's manifests. ${
          grafanaPublicUrl
            ? `Grafana: ${url}`
            : `No Grafana to open it in: the dashboard link is a Prometheus graph of the service's signals, ${url}`
        }`,
      );
    },
  });
}
