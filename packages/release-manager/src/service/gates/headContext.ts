import { ConfigRepo } from '../../git/ConfigRepo';
import { WriteContext } from '../../git/types';

/**
 * A read-only view of the config repo at its current head, shaped like the working
 * tree of a write, so that the release pipeline's read stages (resolve, gates, freeze)
 * can evaluate a prospective release without writing. Writing through it throws.
 */
export function headContext(repo: ConfigRepo): WriteContext {
  const head = repo.head;
  return {
    head,
    readFile: rel => repo.readFile(rel, head),
    list: rel => repo.listEntries(rel.replace(/\/$/, ''), head),
    async writeFile() {
      throw new Error('read-only view of the config repo');
    },
    async remove() {
      throw new Error('read-only view of the config repo');
    },
  };
}
