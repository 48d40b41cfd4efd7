import path from 'node:path';
import { RepoReader } from './RepoReader';
import { Change, WriteContext } from './types';

/** Throws unless `rel` is a normalized repository-relative path that stays inside the repo (and out of `.git`). */
function checkPath(rel: string): string {
  const norm = path.posix.normalize(rel);
  if (
    norm !== rel ||
    rel.startsWith('/') ||
    rel
      .split('/')
      .some(seg => seg === '..' || seg === '.' || seg === '' || seg === '.git')
  ) {
    throw new Error(`path escapes the config repo: ${rel}`);
  }
  return rel;
}

/**
 * The working tree of a write batch without a checkout: the tree of `base` (read
 * through {@link RepoReader}) with layers of changes on top, the batch's earlier
 * operations first, then the running operation's own.
 */
export class WorkingTree {
  /** The changes of the batch's committed operations so far, in order. */
  readonly batchChanges: Change[] = [];

  constructor(readonly base: string, private readonly reader: RepoReader) {}

  /** Resolves a path through the change layers (newest first), then the base tree. */
  private async resolve(
    layers: Change[][],
    rel: string,
  ): Promise<string | undefined> {
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l];
      for (let i = layer.length - 1; i >= 0; i--) {
        const c = layer[i];
        if (c.path === rel) return c.content ?? undefined;
        if (c.content === null && rel.startsWith(`${c.path}/`))
          return undefined;
      }
    }
    return this.reader.readFile(rel, this.base);
  }

  private async list(layers: Change[][], dir: string): Promise<string[]> {
    const prefix = `${dir}/`;
    const names = new Set(await this.reader.treeEntries(this.base, dir));
    for (const layer of layers) {
      for (const c of layer) {
        if (c.content === null) {
          if (c.path === dir || dir.startsWith(`${c.path}/`)) names.clear();
          else if (
            c.path.startsWith(prefix) &&
            !c.path.slice(prefix.length).includes('/')
          ) {
            names.delete(c.path.slice(prefix.length));
          }
        } else if (c.path.startsWith(prefix)) {
          names.add(c.path.slice(prefix.length).split('/')[0]);
        }
      }
    }
    return [...names].sort();
  }

  /** The context handed to one operation; its changes are collected in `own`. */
  context(own: Change[]): WriteContext {
    const layers = [this.batchChanges, own];
    return {
      head: this.base,
      readFile: async rel => this.resolve(layers, checkPath(rel)),
      writeFile: async (rel, content) => {
        own.push({ path: checkPath(rel), content });
      },
      remove: async rel => {
        own.push({ path: checkPath(rel), content: null });
      },
      list: async rel => this.list(layers, checkPath(rel)),
    };
  }

  /** Drops changes that leave the tree as it was, so an operation without effect makes no commit. */
  async effectiveChanges(own: Change[]): Promise<Change[]> {
    const before = [this.batchChanges];
    const out: Change[] = [];
    for (const c of own) {
      const current = await this.resolve(before, c.path);
      if (c.content === null) {
        const isDir = (await this.list(before, c.path)).length > 0;
        if (current !== undefined || isDir) out.push(c);
      } else if (current !== c.content) {
        out.push(c);
      }
    }
    return out;
  }

  /** Adds an operation's changes to the batch (the layer later operations see). */
  accept(own: Change[]): void {
    this.batchChanges.push(...own);
  }
}
