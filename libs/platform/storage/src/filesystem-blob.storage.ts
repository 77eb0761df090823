import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertValidBlobKey } from './blob-key';
import type { BlobStorage, StoredBlob } from './blob-storage';

const TYPES_BY_EXTENSION: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.gif': 'image/gif',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};
const FALLBACK_TYPE = 'application/octet-stream';

interface Sidecar {
  contentType: string;
}

/**
 * Blobs as files under one root directory. A write goes to a temp file that is flushed and then
 * renamed over the target, so a reader never sees a half-written blob and a crash leaves no torn
 * file. The content type lives in a dot-named sidecar (keys cannot contain dot-named segments, so
 * sidecars and temp files never collide with a blob); without a sidecar it is derived from the key's
 * extension.
 */
export class FilesystemBlobStorage implements BlobStorage {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(key: string, data: Buffer | Readable, contentType: string): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    const sidecar = this.sidecarOf(target);
    const tmpData = this.tempOf(target);
    const tmpSidecar = this.tempOf(sidecar);
    try {
      // `flush` fsyncs before close, so the rename below never publishes bytes still in the page cache.
      await pipeline(
        Buffer.isBuffer(data) ? Readable.from([data]) : data,
        createWriteStream(tmpData, { flush: true }),
      );
      await writeFile(tmpSidecar, JSON.stringify({ contentType } satisfies Sidecar), { flush: true });
      await rename(tmpSidecar, sidecar);
      await rename(tmpData, target);
    } catch (error) {
      await Promise.all([removeIfPresent(tmpData), removeIfPresent(tmpSidecar)]);
      throw error;
    }
  }

  async get(key: string): Promise<StoredBlob | null> {
    const target = this.pathOf(key);
    let handle;
    try {
      handle = await open(target, 'r');
    } catch (error) {
      if (isMissing(error)) {
        return null;
      }
      throw error;
    }
    try {
      // Stat the open descriptor: a concurrent put renames a new file in, but ours stays consistent.
      const stats = await handle.stat();
      const contentType = await this.contentTypeOf(target);
      const stream = handle.createReadStream();
      return { stream, contentType, size: stats.size };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const target = this.pathOf(key);
    await removeIfPresent(target);
    await removeIfPresent(this.sidecarOf(target));
  }

  async exists(key: string): Promise<boolean> {
    try {
      const handle = await open(this.pathOf(key), 'r');
      await handle.close();
      return true;
    } catch (error) {
      if (isMissing(error)) {
        return false;
      }
      throw error;
    }
  }

  private pathOf(key: string): string {
    assertValidBlobKey(key);
    return join(this.root, ...key.split('/'));
  }

  private sidecarOf(path: string): string {
    return join(dirname(path), `.${basename(path)}.meta.json`);
  }

  private tempOf(path: string): string {
    return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  }

  private async contentTypeOf(path: string): Promise<string> {
    try {
      const sidecar = JSON.parse(await readFile(this.sidecarOf(path), 'utf8')) as Partial<Sidecar>;
      if (typeof sidecar.contentType === 'string' && sidecar.contentType) {
        return sidecar.contentType;
      }
    } catch (error) {
      if (!isMissing(error) && !(error instanceof SyntaxError)) {
        throw error;
      }
    }
    return TYPES_BY_EXTENSION[extname(path)] ?? FALLBACK_TYPE;
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!isMissing(error)) {
      throw error;
    }
  }
}
