import { CrashBackoff } from '../CrashBackoff';
import { LABELS } from '../names';
import { PodInfo } from '../podman/Podman';

/** A pod as `/status` shows it. */
export interface PodStatus {
  name: string;
  deployment: string;
  replica: number;
  generation: string;
  hostPort?: number;
  /** podman's pod status: `Running`, `Degraded`, `Exited`, ... */
  status: string;
  containers: { name: string; status: string; restarts: number }[];
}

/** The pods of one release folder (environment, namespace, service), sorted by name, as `/status` shows them. */
export function podStatuses(
  pods: PodInfo[],
  folder: { environment: string; namespace: string; service: string },
  backoff: CrashBackoff,
): PodStatus[] {
  return pods
    .filter(
      p =>
        p.labels[LABELS.environment] === folder.environment &&
        p.labels[LABELS.namespace] === folder.namespace &&
        p.labels[LABELS.service] === folder.service,
    )
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(
      (p): PodStatus => ({
        name: p.name,
        deployment: p.labels[LABELS.deployment],
        replica: Number(p.labels[LABELS.replica]),
        generation: p.labels[LABELS.generation],
        hostPort: p.labels[LABELS.hostPort]
          ? Number(p.labels[LABELS.hostPort])
          : undefined,
        status: p.status,
        containers: p.containers.map(c => ({
          // podman names a pod's containers `<pod>-<container>`
          name: c.name.startsWith(`${p.name}-`)
            ? c.name.slice(p.name.length + 1)
            : c.name,
          status: c.status,
          restarts: backoff.restarts(c.id),
        })),
      }),
    );
}
