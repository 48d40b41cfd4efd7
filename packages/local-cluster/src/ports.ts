import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * Host ports (on 127.0.0.1) handed to replicas, persisted in a JSON file
 * (`{"<env>/<ns>/<svc>/<deployment>/<replica>/<container>/<port>/<proto>": 20000, ...}`)
 * so a replica keeps its port across restarts of the local cluster. A new key
 * gets the lowest port of the range that is neither handed out nor in use.
 */
export class PortAllocator {
  private ports: Record<string, number>;

  constructor(
    private readonly file: string,
    private readonly range: { from: number; to: number },
  ) {
    try {
      const data = JSON.parse(fs.readFileSync(file, 'utf8'));
      this.ports =
        data && typeof data === 'object' && !Array.isArray(data) ? data : {};
    } catch {
      this.ports = {};
    }
  }

  private queue: Promise<unknown> = Promise.resolve();

  /** The port of `key`, allocating (and persisting) one when it has none. Safe to call concurrently. */
  allocate(key: string): Promise<number> {
    const next = this.queue.then(() => this.allocateNow(key));
    this.queue = next.catch(() => {});
    return next;
  }

  private async allocateNow(key: string): Promise<number> {
    const known = this.ports[key];
    if (known) return known;
    const taken = new Set(Object.values(this.ports));
    for (let p = this.range.from; p <= this.range.to; p++) {
      if (taken.has(p)) continue;
      if (!(await isFree(p))) continue;
      this.ports[key] = p;
      this.save();
      return p;
    }
    throw new Error(
      `no free host port left in ${this.range.from}-${this.range.to}`,
    );
  }

  /** Forgets `key` (its port was found taken by something else); the next allocate picks another. */
  forget(key: string): void {
    if (!(key in this.ports)) return;
    delete this.ports[key];
    this.save();
  }

  /** Keeps only the keys for which `keep` is true (ports of removed replicas are freed). */
  retain(keep: (key: string) => boolean): void {
    const before = Object.keys(this.ports).length;
    for (const k of Object.keys(this.ports)) if (!keep(k)) delete this.ports[k];
    if (Object.keys(this.ports).length !== before) this.save();
  }

  /** Key → port, a copy. */
  all(): Record<string, number> {
    return { ...this.ports };
  }

  private save() {
    writeFileAtomic(this.file, `${JSON.stringify(this.ports, null, 2)}\n`);
  }
}

/** Whether nothing listens on 127.0.0.1:`port` (TCP). */
export function isFree(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
      s.close(() => resolve(true)),
    );
  });
}

/** Writes `file` through a temporary file and a rename, so readers never see half of it. */
export function writeFileAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random()
    .toString(36)
    .slice(2)}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}
