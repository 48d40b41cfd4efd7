import fs from 'node:fs';
import path from 'node:path';
import { run, runAllowFailure } from '../exec';

/** A release folder at one revision of the config repo. */
export interface ReleaseFolder {
  environment: string;
  namespace: string;
  service: string;
  /** `<env>/releases/<ns>/<svc>` */
  path: string;
  /** Git tree id of the folder: unchanged id, unchanged content. */
  tree: string;
}

const FOLDER = /^([^/]+)\/releases\/([^/]+)\/([^/]+)$/;

/**
 * The config repo as the local cluster sees it: a clone in `checkoutDir`
 * (working tree at the applied revision) of `url`'s `branch`, and a watch on
 * the repo's refs when `url` is a local folder (so commits are seen at once).
 */
export class ConfigSource {
  private watchers: fs.FSWatcher[] = [];

  constructor(
    readonly url: string,
    readonly branch: string,
    readonly checkoutDir: string,
  ) {}

  private git(args: string[], timeoutMs = 120_000) {
    return run('git', ['-C', this.checkoutDir, ...args], {
      timeoutMs,
      env: { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
    });
  }

  /**
   * The commit id `branch` points at in the remote; undefined when the branch
   * does not exist yet.
   * @throws Error when the repo cannot be read (e.g. it does not exist yet)
   */
  async remoteHead(): Promise<string | undefined> {
    const r = await runAllowFailure(
      'git',
      ['ls-remote', '--', this.url, `refs/heads/${this.branch}`],
      { timeoutMs: 60_000, env: { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } },
    );
    if (r.code !== 0) {
      throw new Error(
        `cannot read the config repo ${this.url}: ${
          r.stderr.trim().split('\n').slice(-1)[0] || `exit ${r.code}`
        }`,
      );
    }
    return r.stdout.split(/\s/)[0] || undefined;
  }

  /** Makes the working tree exactly commit `sha` of the remote branch (fetching it when needed). */
  async checkout(sha: string): Promise<void> {
    if (!fs.existsSync(path.join(this.checkoutDir, '.git'))) {
      fs.mkdirSync(this.checkoutDir, { recursive: true });
      await this.git(['init', '-q']);
      await this.git(['config', 'core.symlinks', 'true']);
    }
    const have = await runAllowFailure(
      'git',
      ['-C', this.checkoutDir, 'cat-file', '-e', `${sha}^{commit}`],
      { timeoutMs: 30_000 },
    );
    if (have.code !== 0) {
      await this.git([
        'fetch',
        '-q',
        '--no-tags',
        this.url,
        `+refs/heads/${this.branch}:refs/remotes/origin/${this.branch}`,
      ]);
    }
    await this.git(['checkout', '-q', '--force', '--detach', sha]);
    await this.git(['clean', '-q', '-f', '-f', '-d', '-x']);
  }

  /** Every `<env>/releases/<ns>/<svc>` folder of commit `sha`, with its tree id. */
  async folders(sha: string): Promise<ReleaseFolder[]> {
    const out: ReleaseFolder[] = [];
    const { stdout } = await this.git(['ls-tree', '-r', '-d', '-z', sha]);
    for (const line of stdout.split('\0')) {
      const m = /^\d+ tree ([0-9a-f]+)\t(.*)$/s.exec(line);
      if (!m) continue;
      const f = FOLDER.exec(m[2]);
      if (!f) continue;
      out.push({
        environment: f[1],
        namespace: f[2],
        service: f[3],
        path: m[2],
        tree: m[1],
      });
    }
    return out.sort((a, b) => a.path.localeCompare(b.path));
  }

  /**
   * Calls `onChange` when the refs of a local bare repo change (a push). Does
   * nothing for remote URLs; the caller polls as well.
   */
  watch(onChange: () => void): void {
    this.unwatch();
    const dir = this.url.replace(/^file:\/\//, '');
    if (!fs.existsSync(dir)) return;
    for (const target of [dir, path.join(dir, 'refs', 'heads')]) {
      if (!fs.existsSync(target)) continue;
      try {
        const w = fs.watch(target, { persistent: false }, () => onChange());
        w.on('error', () => {});
        this.watchers.push(w);
      } catch {
        // the poll still sees changes
      }
    }
  }

  /** Whether the repo's refs are being watched. */
  get watching(): boolean {
    return this.watchers.length > 0;
  }

  /** Stops watching. */
  unwatch(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }
}
