import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ServiceUnavailableError } from '@backstage/errors';
import { remoteGitEnv, RemoteCredentials } from './credentials';
import { firstLine, redact, runGit } from './exec';
import { credentialFailureMessage } from './remoteErrors';

/** Where the config repo lives and how to reach it. */
export interface RemoteOptions extends RemoteCredentials {
  /** Remote URL (https, ssh, `user@host:path`) or a local path. */
  url: string;
  /** Branch the release manager writes. */
  branch: string;
}

/** Push outcome: `stale` when the remote branch is no longer at the commit the push built on. */
export type PushOutcome = 'pushed' | 'stale';

/** git's wording for a push that lost a race (non-fast-forward, or a failed lease). */
const NON_FAST_FORWARD =
  /non-fast-forward|\[rejected\].*(fetch first|stale info)|failed to update ref|cannot lock ref|Updates were rejected because/i;

/** True for a `url` that is a path on this machine rather than a network URL. */
export function isLocalPath(url: string): boolean {
  return !/^[a-z+]+:\/\//i.test(url) && !/^[^/]+@[^/]+:/.test(url);
}

/**
 * The remote side of the config repo: clone, fetch and push with credentials
 * (a deploy key and a pinned known_hosts through `GIT_SSH_COMMAND`, or HTTPS basic
 * auth as a header through `GIT_CONFIG_*` variables: never on disk, never on a
 * command line; see {@link remoteGitEnv}), and the classification of push failures.
 *
 * Errors: every method throws `ServiceUnavailableError` (HTTP 503) when the remote
 * cannot be reached or refuses, naming the remote URL with credentials removed and
 * never the secret; a refused credential or an untrusted host key says so.
 */
export class RemoteSync {
  constructor(
    private readonly options: RemoteOptions,
    private readonly gitDir: string,
  ) {}

  /** The redacted remote URL, for messages. */
  get displayUrl(): string {
    return redact(this.options.url);
  }

  /** The environment for git processes that talk to the remote (credentials, no prompts). */
  private env(): NodeJS.ProcessEnv {
    return remoteGitEnv(this.options);
  }

  /** A 503 for a failed remote command: about the credentials when git says so, else `fallback`. */
  private failure(error: unknown, fallback: string): ServiceUnavailableError {
    return new ServiceUnavailableError(
      credentialFailureMessage(this.displayUrl, error) ??
        `config repo ${this.displayUrl} ${fallback}: ${firstLine(error)}`,
    );
  }

  private git(args: string[]) {
    return runGit(args, { cwd: this.gitDir, env: this.env() });
  }

  /**
   * Creates the bare repository when the URL is a local path that does not exist yet,
   * configured so pushes stay packs and nothing runs `gc --auto` in a push.
   */
  async createLocalRemoteIfMissing(): Promise<void> {
    const { url, branch } = this.options;
    if (!isLocalPath(url) || existsSync(url)) return;
    await fs.mkdir(url, { recursive: true });
    await runGit(['init', '--bare', '-q', '-b', branch], { cwd: url });
    for (const [key, value] of [
      ['receive.autogc', 'false'],
      ['transfer.unpackLimit', '1'],
      ['gc.auto', '0'],
    ]) {
      await runGit(['config', key, value], { cwd: url });
    }
  }

  /**
   * The branch's commit in a remote on this machine, read from its ref files (no
   * process): lets a writer skip the fetch when nobody else moved the branch.
   * @returns the sha; `undefined` for a network remote or when it cannot be read
   */
  async localHead(): Promise<string | undefined> {
    const { url, branch } = this.options;
    if (!isLocalPath(url)) return undefined;
    const ref = `refs/heads/${branch}`;
    try {
      const text = (await fs.readFile(path.join(url, ref), 'utf8')).trim();
      if (/^[0-9a-f]{40}$/.test(text)) return text;
    } catch {
      // packed: read packed-refs
    }
    try {
      const packed = await fs.readFile(path.join(url, 'packed-refs'), 'utf8');
      for (const line of packed.split('\n')) {
        const [sha, name] = line.trim().split(' ');
        if (name === ref && /^[0-9a-f]{40}$/.test(sha)) return sha;
      }
    } catch {
      // unreadable: the caller fetches
    }
    return undefined;
  }

  /** Bare-clones the remote into `gitDir`. */
  async clone(): Promise<void> {
    await fs.mkdir(path.dirname(this.gitDir), { recursive: true });
    try {
      await runGit(['clone', '-q', '--bare', this.options.url, this.gitDir], {
        env: this.env(),
      });
    } catch (error) {
      throw this.failure(error, 'cannot be cloned');
    }
  }

  /**
   * Points `origin` at the URL with a fetch refspec for the branch, so that
   * `git push` keeps `refs/remotes/origin/<branch>` up to date by itself.
   */
  async configureOrigin(): Promise<void> {
    const { url, branch } = this.options;
    await runGit(['remote', 'set-url', 'origin', url], { cwd: this.gitDir });
    await runGit(
      [
        'config',
        'remote.origin.fetch',
        `+refs/heads/${branch}:refs/remotes/origin/${branch}`,
      ],
      { cwd: this.gitDir },
    );
  }

  /**
   * Fetches the branch into `refs/remotes/origin/<branch>`.
   * @throws ServiceUnavailableError when the remote is unreachable or has no such branch
   */
  async fetch(): Promise<void> {
    const { branch } = this.options;
    try {
      await this.git([
        'fetch',
        '-q',
        'origin',
        `+refs/heads/${branch}:refs/remotes/origin/${branch}`,
      ]);
    } catch (error) {
      if (/couldn't find remote ref/i.test(String((error as Error)?.message))) {
        throw new ServiceUnavailableError(
          `config repo ${this.displayUrl} has no branch ${branch}`,
        );
      }
      throw this.failure(error, 'is unreachable');
    }
  }

  /**
   * Pushes `tip` to the branch, as a compare-and-swap: with `expected`, only while the
   * remote branch is exactly at `expected` (`--force-with-lease`), so a push never
   * overwrites commits it has not seen.
   *
   * @returns `pushed`, or `stale` when the remote moved (another writer won the race)
   * @throws ServiceUnavailableError when the remote is unreachable or refuses the push
   *   (a hook, branch protection, missing rights)
   */
  async push(tip: string, expected?: string): Promise<PushOutcome> {
    const { branch } = this.options;
    const ref = `refs/heads/${branch}`;
    try {
      await this.git([
        'push',
        '-q',
        '--porcelain',
        ...(expected ? [`--force-with-lease=${ref}:${expected}`] : []),
        'origin',
        `${tip}:${ref}`,
      ]);
      return 'pushed';
    } catch (error) {
      const msg = String((error as Error)?.message ?? error);
      if (NON_FAST_FORWARD.test(msg)) return 'stale';
      const refused =
        /\[remote rejected\]|\[rejected\]|declined|denied|protected/i.test(msg);
      throw this.failure(
        error,
        refused ? 'refused the push' : 'is unreachable or refused the push',
      );
    }
  }
}
