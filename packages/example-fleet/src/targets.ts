import fs from 'node:fs';
import { z } from 'zod';

/** One pod to send traffic to. */
export interface PodTarget {
  /** `127.0.0.1:<port>`: the pod's published host port (never a podman bridge address). */
  address: string;
  service: string;
  environment: string;
  namespace?: string;
  pod?: string;
}

/**
 * Prometheus file-based service discovery (`file_sd_configs`, JSON form): a list of
 * target groups, each `{targets: ["host:port", …], labels: {name: value}}`. The local
 * cluster writes one at `$SLIPWAY_DATA/local-cluster/file_sd/pods.json` with the labels
 * `service`, `environment`, `namespace` and `pod`.
 * https://prometheus.io/docs/prometheus/latest/configuration/configuration/#file_sd_config
 */
const fileSdSchema = z.array(
  z.object({
    targets: z.array(z.string()),
    labels: z.record(z.string(), z.string()).optional(),
  }),
);

/** Only loopback targets: the fleet reaches pods through ports published on 127.0.0.1. */
const LOOPBACK_TARGET = /^127\.0\.0\.1:(\d{1,5})$/;

/**
 * Reads the pods of a file_sd JSON file. Targets that are not `127.0.0.1:<port>`, or
 * whose group has no `service` or `environment` label, are left out.
 *
 * @returns the pods; empty when the file does not exist yet
 * @throws Error when the file is not valid file_sd JSON
 */
export function readPodTargets(file: string): PodTarget[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const parsed = fileSdSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(
      `${file} is not a Prometheus file_sd list: ${parsed.error.message}`,
    );
  }
  const out: PodTarget[] = [];
  for (const group of parsed.data) {
    const labels = group.labels ?? {};
    if (!labels.service || !labels.environment) continue;
    for (const address of group.targets) {
      const m = LOOPBACK_TARGET.exec(address);
      if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535) continue;
      out.push({
        address,
        service: labels.service,
        environment: labels.environment,
        namespace: labels.namespace,
        pod: labels.pod,
      });
    }
  }
  return out;
}
