import fs from 'node:fs';
import { Podman } from '../podman/Podman';

/** Without a known image store file: how long a listing of local images is reused (ms). */
const IMAGE_TTL_MS = 30_000;

/**
 * The names of podman's local images, listed again only when they can have changed:
 * when the mtime of podman's image store file (`images.json`) moved, or, when that file
 * is unknown, after {@link IMAGE_TTL_MS} or on a `fresh` request. The local cluster
 * never pulls, so an apply checks its images against this list first.
 */
export class ImageCatalog {
  private images?: { at: number; mtime?: number; names: Set<string> };
  private store?: { file?: string; mtime?: number };

  constructor(
    private readonly podman: Podman,
    private readonly now: () => number,
  ) {}

  /**
   * Whether podman's image store changed since the last call (its mtime); false when
   * the store file is unknown. The reconciler makes a full pass when it did, so
   * folders that failed on a missing image apply as soon as it is built.
   */
  async changed(): Promise<boolean> {
    if (!this.store) {
      this.store = { file: await this.podman.imageStoreFile() };
    }
    if (!this.store.file) return false;
    let mtime: number | undefined;
    try {
      mtime = fs.statSync(this.store.file).mtimeMs;
    } catch {
      mtime = undefined;
    }
    const changed = mtime !== this.store.mtime;
    this.store.mtime = mtime;
    return changed;
  }

  /** Local image names (`podman images`), from the cache while it is valid. */
  async names(fresh: boolean): Promise<Set<string>> {
    const now = this.now();
    const store = this.store;
    if (this.images) {
      const valid = store?.file
        ? this.images.mtime === store.mtime
        : !fresh && now - this.images.at < IMAGE_TTL_MS;
      if (valid) return this.images.names;
    }
    this.images = {
      at: now,
      mtime: store?.mtime,
      names: await this.podman.imageNames(),
    };
    return this.images.names;
  }
}
