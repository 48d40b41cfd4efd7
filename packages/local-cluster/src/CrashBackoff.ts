/** Seconds before the n-th restart (n = 0, 1, …): 1, 10, 20, 40, … at most 300, like the kubelet's CrashLoopBackOff. */
export function backoffSeconds(step: number): number {
  if (step <= 0) return 1;
  return Math.min(300, 10 * 2 ** (step - 1));
}

/** After this long running, a container's back-off starts over (the kubelet's 10 minutes). */
const RESET_AFTER_MS = 10 * 60_000;

interface Entry {
  step: number;
  restarts: number;
  downSince?: number;
  runningSince?: number;
}

/**
 * Restart policy `Always` with back-off for containers podman runs with
 * `restartPolicy: Never`: fed each poll's container states, it says which
 * stopped containers are due for `podman start`.
 */
export class CrashBackoff {
  private readonly entries = new Map<string, Entry>();

  /**
   * @param containers every managed container now, `status` as podman prints it
   * @param now epoch milliseconds
   * @returns ids of containers to start now
   */
  due(containers: { id: string; status: string }[], now: number): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const c of containers) {
      seen.add(c.id);
      let e = this.entries.get(c.id);
      if (!e) {
        e = { step: 0, restarts: 0 };
        this.entries.set(c.id, e);
      }
      if (c.status === 'running') {
        e.downSince = undefined;
        e.runningSince ??= now;
        if (now - e.runningSince >= RESET_AFTER_MS) e.step = 0;
        continue;
      }
      if (c.status === 'paused' || c.status === 'stopping') continue;
      e.runningSince = undefined;
      e.downSince ??= now;
      if (now - e.downSince >= backoffSeconds(e.step) * 1000) out.push(c.id);
    }
    for (const id of [...this.entries.keys()]) {
      if (!seen.has(id)) this.entries.delete(id);
    }
    return out;
  }

  /** Whether some container is down and waiting for its restart. */
  pending(): boolean {
    for (const e of this.entries.values())
      if (e.downSince !== undefined) return true;
    return false;
  }

  /** Records a restart (attempt) of container `id`. */
  restarted(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    e.step++;
    e.restarts++;
    e.downSince = undefined;
  }

  /** How often the local cluster restarted container `id`. */
  restarts(id: string): number {
    return this.entries.get(id)?.restarts ?? 0;
  }
}
