import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

interface Pending {
  blobOnly: boolean;
  resolve(value: Buffer | undefined): void;
  reject(error: Error): void;
}

/**
 * A long-running `git cat-file --batch` process: reads blobs by `<commit>:<path>`
 * without spawning a process per read (well under a millisecond a read).
 * Requests are answered in order.
 */
export class CatFileBatch {
  private proc?: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];

  constructor(private readonly cwd: string) {}

  private start() {
    const proc = spawn('git', ['cat-file', '--batch'], { cwd: this.cwd });
    proc.stdout.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length
        ? Buffer.concat([this.buffer, chunk])
        : chunk;
      this.drain();
    });
    const fail = (error: Error) => {
      if (this.proc === proc) this.proc = undefined;
      this.buffer = Buffer.alloc(0);
      for (const p of this.pending.splice(0)) p.reject(error);
    };
    proc.on('error', fail);
    proc.on('exit', code =>
      fail(new Error(`git cat-file exited with ${code}`)),
    );
    proc.stdin.on('error', fail);
    this.proc = proc;
    return proc;
  }

  /**
   * Reads the object `spec` (e.g. `<sha>:dev/releases/x/y/artifact.json`).
   * @returns its content, or undefined when it does not exist
   */
  read(spec: string, blobOnly = true): Promise<Buffer | undefined> {
    if (/[\n\r]/.test(spec)) {
      return Promise.reject(new Error('object spec must be one line'));
    }
    const proc = this.proc ?? this.start();
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject, blobOnly });
      proc.stdin.write(`${spec}\n`);
    });
  }

  /** Reads a blob as UTF-8 text; undefined when missing. */
  async readText(spec: string): Promise<string | undefined> {
    const b = await this.read(spec);
    return b?.toString('utf8');
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

  /** Stops the process. */
  close() {
    const proc = this.proc;
    this.proc = undefined;
    if (proc) {
      proc.stdin.end();
      proc.kill();
    }
  }
}
