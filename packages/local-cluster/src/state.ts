import fs from 'node:fs';
import { writeFileAtomic } from './ports';

/** The last apply of one release folder, as `/status` shows it. */
export interface FolderStatus {
  environment: string;
  namespace: string;
  service: string;
  /** `<env>/releases/<ns>/<svc>` */
  path: string;
  /** Git tree id of the folder last attempted. */
  tree: string;
  /** `applied`: its pods run this tree's manifests; `failed`: see `message` (pods of the last good apply keep running). */
  result: 'applied' | 'failed';
  /** `<branch>@sha1:<commit>` the folder was last applied or attempted at. */
  revision: string;
  /** Last revision applied with success, if any. */
  appliedRevision?: string;
  message: string;
  /** RFC 3339 of the last change of result or message. */
  updatedAt: string;
}

/** What survives a restart of the local cluster (`$dataDir/state.json`). */
export interface PersistedState {
  /** Folder path → signature of the last Flux event the release manager accepted. */
  reported: Record<string, string>;
  /** Folder path → last result. */
  folders: Record<string, FolderStatus>;
}

/** Reads `file`, or an empty state when it is missing or unreadable. */
export function readState(file: string): PersistedState {
  try {
    const s = JSON.parse(fs.readFileSync(file, 'utf8'));
    return {
      reported: s && typeof s.reported === 'object' ? s.reported : {},
      folders: s && typeof s.folders === 'object' ? s.folders : {},
    };
  } catch {
    return { reported: {}, folders: {} };
  }
}

/** Writes the state atomically. */
export function writeState(file: string, state: PersistedState): void {
  writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
}
