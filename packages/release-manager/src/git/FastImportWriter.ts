import fs from 'node:fs/promises';
import path from 'node:path';
import { runGit } from './exec';
import { Actor, NewCommit } from './types';

/** Removes what would break a `Name <email>` ident line. */
function sanitize(s: string) {
  return s.replace(/[<>\n\r]/g, '').trim();
}

/**
 * Writes commits into a repository with one `git fast-import` process: no checkout,
 * no index, only the changed paths (the stream format is git's
 * `git-fast-import(1)`: `commit`, `mark`, `author`, `committer`, `data`, `from`, `M`, `D`).
 */
export class FastImportWriter {
  constructor(
    private readonly gitDir: string,
    private readonly branch: string,
    private readonly committer: Actor,
  ) {}

  /**
   * Writes `commits` on the branch, each on top of the previous one, the first on
   * `parent` (a root commit when undefined), and moves `refs/heads/<branch>` to the last.
   *
   * @returns the new commit shas (40 hex), in order
   * @throws Error when a path holds a newline or quote, or fast-import fails
   */
  async write(
    parent: string | undefined,
    commits: NewCommit[],
  ): Promise<string[]> {
    const marksFile = path.join(
      this.gitDir,
      `slipway-marks-${process.pid}-${Date.now()}`,
    );
    const ref = `refs/heads/${this.branch}`;
    const parts: Buffer[] = [];
    const text = (t: string) => parts.push(Buffer.from(t, 'utf8'));
    const data = (t: string) => {
      const b = Buffer.from(t, 'utf8');
      parts.push(Buffer.from(`data ${b.length}\n`), b, Buffer.from('\n'));
    };
    const now = Math.floor(Date.now() / 1000);
    const who = (a: Actor) =>
      `${sanitize(a.name)} <${sanitize(a.email)}> ${now} +0000`;
    if (!parent) text(`reset ${ref}\n\n`);
    commits.forEach((c, i) => {
      text(`commit ${ref}\nmark :${i + 1}\n`);
      text(`author ${who(c.author)}\n`);
      text(`committer ${who(this.committer)}\n`);
      data(c.message);
      if (i === 0 && parent) text(`from ${parent}\n`);
      for (const ch of c.changes) {
        if (/[\n\r"]/.test(ch.path)) throw new Error(`invalid path ${ch.path}`);
        if (ch.content === null) text(`D ${ch.path}\n`);
        else {
          text(`M 100644 inline ${ch.path}\n`);
          data(ch.content);
        }
      }
      text('\n');
    });
    text('done\n');
    try {
      await runGit(
        [
          'fast-import',
          '--quiet',
          '--done',
          '--force',
          `--export-marks=${marksFile}`,
        ],
        { cwd: this.gitDir, input: Buffer.concat(parts) },
      );
      const marks = await fs.readFile(marksFile, 'utf8');
      const byMark = new Map<string, string>();
      for (const line of marks.split('\n')) {
        const [m, sha] = line.split(' ');
        if (m && sha) byMark.set(m, sha);
      }
      return commits.map((_, i) => byMark.get(`:${i + 1}`)!);
    } finally {
      await fs.rm(marksFile, { force: true });
    }
  }
}
