/** A person: author of a release commit. */
export interface Actor {
  name: string;
  email: string;
}

/** What a write operation wants committed. */
export interface CommitRequest {
  /** Full commit message (subject, blank line, body with trailers). */
  message: string;
  author: Actor;
  /** Repository-relative paths the operation changed (informational; the changes are tracked). */
  paths?: string[];
}

/**
 * Handed to a write operation: the tree of the current head plus the changes
 * of earlier operations of the same batch, and the operation's own changes.
 */
export interface WriteContext {
  /** Commit the batch starts from (the remote head). */
  head: string;
  /** Reads a file; undefined when missing. */
  readFile(rel: string): Promise<string | undefined>;
  /** Writes a file. */
  writeFile(rel: string, content: string): Promise<void>;
  /** Removes a file or folder (no error when missing). */
  remove(rel: string): Promise<void>;
  /** Lists the entries of a folder (empty when missing). */
  list(rel: string): Promise<string[]>;
}

/** One change of a write: a file written (`content`) or a path removed (`content: null`). */
export interface Change {
  path: string;
  content: string | null;
}

/** A write operation: changes the working tree and says what to commit, or nothing. */
export type WriteOperation<T> = (
  ctx: WriteContext,
) => Promise<{ result: T; commit?: CommitRequest }>;

/** Outcome of a write: the operation's result and the commit sha, when one was made. */
export interface WriteOutcome<T> {
  result: T;
  commit?: string;
}

/** A commit read back from the config repo. */
export interface LoggedCommit {
  sha: string;
  /** RFC 3339 author date. */
  date: string;
  authorName: string;
  authorEmail: string;
  message: string;
  /** Parsed `Key: value` trailers of the message. */
  trailers: Record<string, string>;
}

/** A commit to write: message, author and the changes on top of its parent. */
export interface NewCommit {
  message: string;
  author: Actor;
  changes: Change[];
}
