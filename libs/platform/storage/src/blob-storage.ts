import type { Readable } from 'node:stream';

/** A stored blob, opened for reading. The caller must consume or destroy `stream`. */
export interface StoredBlob {
  stream: Readable;
  contentType: string;
  size: number;
}

/**
 * Where binary objects (property images and their variants) live. Filesystem by default, S3-compatible
 * in production: callers depend on this interface, never on a driver.
 */
export interface BlobStorage {
  /** Writes (or replaces) the blob atomically: readers see the old or the new bytes, never a part. */
  put(key: string, data: Buffer | Readable, contentType: string): Promise<void>;
  /** Opens the blob, or returns null when there is none under `key`. */
  get(key: string): Promise<StoredBlob | null>;
  /** Removes the blob; removing a missing blob is not an error. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
}

/** Injection token of the app's BlobStorage driver. */
export const BLOB_STORAGE = Symbol('BLOB_STORAGE');
