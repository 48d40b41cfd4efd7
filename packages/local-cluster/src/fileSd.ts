import fs from 'node:fs';
import { LABELS } from './names';
import { writeFileAtomic } from './ports';

/** Labels the local cluster puts on a pod for Prometheus: where its metrics are. */
export const METRICS_LABELS = {
  port: 'slipway.dev/metrics-port',
  path: 'slipway.dev/metrics-path',
} as const;

/**
 * One entry of a Prometheus `file_sd_configs` file
 * (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#file_sd_config).
 */
export interface FileSdTarget {
  targets: string[];
  labels: Record<string, string>;
}

/**
 * The file_sd entries of `pods` (their labels as the local cluster wrote them):
 * `127.0.0.1:<metrics port>` labelled `service`, `environment`, `namespace`,
 * `pod` (and `__metrics_path__` when it is not /metrics), sorted by pod name.
 */
export function fileSdTargets(
  pods: { name: string; labels: Record<string, string> }[],
): FileSdTarget[] {
  return pods
    .filter(p => p.labels[METRICS_LABELS.port])
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(p => {
      const path = p.labels[METRICS_LABELS.path] || '/metrics';
      return {
        targets: [`127.0.0.1:${p.labels[METRICS_LABELS.port]}`],
        labels: {
          service: p.labels[LABELS.service],
          environment: p.labels[LABELS.environment],
          namespace: p.labels[LABELS.namespace],
          pod: p.name,
          ...(path !== '/metrics' ? { __metrics_path__: path } : {}),
        },
      };
    });
}

/** Writes `targets` to `file` atomically, only when the content changes. @returns whether it wrote */
export function writeFileSd(file: string, targets: FileSdTarget[]): boolean {
  const content = `${JSON.stringify(targets, null, 2)}\n`;
  try {
    if (fs.readFileSync(file, 'utf8') === content) return false;
  } catch {
    // not there yet
  }
  writeFileAtomic(file, content);
  return true;
}
