import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

interface Pending {
  blobOnly: boolean;
  resolve(value: Buffer | undefined): void;
  reject(error: Error): void;
}

/** One `git cat-file --batch` process and the requests it still owes answers to. */
class BatchProcess {
  private buffer = Buffer.alloc(0);
  readonly pending: Pending[] = [];
  readonly proc: ChildProcessWithoutNullStreams;
  dead = false;

  constructor(cwd: string, onDeath: (p: BatchProcess) => void) {
    this.proc = spawn('git', ['cat-file', '--batch'], { cwd });
    this.proc.stdout.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length
        ? Buffer.concat([this.buffer, chunk])
        : chunk;
      this.drain();
    });
    const fail = (error: Error) => {
      if (this.dead) return;
      this.dead = true;
      onDeath(this);
      for (const p of this.pending.splice(0)) p.reject(error);
    };
    this.proc.on('error', fail);
    this.proc.on('exit', code =>
      fail(new Error(`git cat-file exited with ${code}`)),
    );
    this.proc.stdin.on('error', fail);
  }

  request(spec: string, blobOnly: boolean): Promise<Buffer | undefined> {
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject, blobOnly });
      this.proc.stdin.write(`${spec}\n`);
    });
  }

  private drain() {
    while (this.pending.length) {
      const nl = this.buffer.indexOf(10);
      if (nl < 0) return;
      const header = this.buffer.subarray(0, nl).toString('utf8');
      if (/ (missing|ambiguous)$/.test(header)) {
        this.buffer = this.buffer.subarray(nl + 1);
        this.pending.shift()!.resolve(undefined);
        continue;
      }
      const parts = header.split(' ');
      const size = Number(parts[2]);
      if (!Number.isFinite(size)) {
        this.pending
          .shift()!
          .reject(new Error(`unexpected cat-file header: ${header}`));
        this.buffer = this.buffer.subarray(nl + 1);
        continue;
      }
      if (this.buffer.length < nl + 1 + size + 1) return;
      const content = Buffer.from(this.buffer.subarray(nl + 1, nl + 1 + size));
      this.buffer = this.buffer.subarray(nl + 1 + size + 1);
      const p = this.pending.shift()!;
      p.resolve(parts[1] === 'blob' || !p.blobOnly ? content : undefined);
    }
  }

  /** Lets the process answer what it was asked, then exit. */
  retire() {
    this.proc.stdin.end();
  }
}

/**
 * A long-running `git cat-file --batch` process: reads objects by
 * `<commit>:<path>` (or by id) without spawning a process per read (well under
 * a millisecond a read). Requests are answered in order. {@link recycle} swaps
 * in a fresh process (after a repack) without failing reads in flight.
 */
export class CatFileBatch {
  private current?: BatchProcess;

  constructor(private readonly cwd: string) {}

  /**
   * Reads the object `spec` (e.g. `<sha>:dev/releases/x/y/artifact.json`).
   * @param blobOnly - when true (default), anything but a blob reads as undefined
   * @returns its content, or undefined when it does not exist
   */
  read(spec: string, blobOnly = true): Promise<Buffer | undefined> {
    if (/[\n\r]/.test(spec)) {
      return Promise.reject(new Error('object spec must be one line'));
    }
    if (!this.current || this.current.dead) {
      this.current = new BatchProcess(this.cwd, p => {
        if (this.current === p) this.current = undefined;
      });
    }
    return this.current.request(spec, blobOnly);
  }

  /** Reads a blob as UTF-8 text; undefined when missing. */
  async readText(spec: string): Promise<string | undefined> {
    const b = await this.read(spec);
    return b?.toString('utf8');
  }

  /** Starts a new process for the next reads; the old one finishes its answers first. */
  recycle() {
    const old = this.current;
    this.current = undefined;
    old?.retire();
  }

  /** Stops the process (reads in flight are answered first). */
  close() {
    this.recycle();
  }
}
