import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { InvalidBlobKeyError } from './blob-key';
import type { StoredBlob } from './blob-storage';
import { FilesystemBlobStorage } from './filesystem-blob.storage';

async function readAll(blob: StoredBlob): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of blob.stream) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function listRecursive(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

describe('FilesystemBlobStorage', () => {
  let root: string;
  let storage: FilesystemBlobStorage;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'rentguy-blobs-'));
    storage = new FilesystemBlobStorage(root);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('stores a buffer and returns its bytes, size and content type', async () => {
    await storage.put('properties/p1/images/i1/original', Buffer.from('jpeg bytes'), 'image/jpeg');

    const blob = await storage.get('properties/p1/images/i1/original');

    expect(blob).not.toBeNull();
    expect(blob?.contentType).toBe('image/jpeg');
    expect(blob?.size).toBe(10);
    expect((await readAll(blob as StoredBlob)).toString()).toBe('jpeg bytes');
  });

  it('stores a stream', async () => {
    const data = Buffer.alloc(256 * 1024, 7);
    await storage.put(
      'a/b.bin',
      Readable.from([data.subarray(0, 1000), data.subarray(1000)]),
      'application/x-test',
    );

    const blob = (await storage.get('a/b.bin')) as StoredBlob;

    expect(blob.size).toBe(data.length);
    expect((await readAll(blob)).equals(data)).toBe(true);
    expect(blob.contentType).toBe('application/x-test');
  });

  it('returns null and false for a missing blob', async () => {
    expect(await storage.get('nothing/here')).toBeNull();
    expect(await storage.exists('nothing/here')).toBe(false);
  });

  it('replaces a blob on a second put', async () => {
    await storage.put('k/v.png', Buffer.from('old'), 'image/png');
    await storage.put('k/v.png', Buffer.from('newer'), 'image/webp');

    const blob = (await storage.get('k/v.png')) as StoredBlob;

    expect((await readAll(blob)).toString()).toBe('newer');
    expect(blob.contentType).toBe('image/webp');
  });

  it('derives the content type from the extension when there is no sidecar', async () => {
    await storage.put('v/w320.webp', Buffer.from('x'), 'image/webp');
    await rm(join(root, 'v', '.w320.webp.meta.json'));

    const blob = (await storage.get('v/w320.webp')) as StoredBlob;
    blob.stream.destroy();

    expect(blob.contentType).toBe('image/webp');
  });

  it('deletes a blob and its sidecar, and deleting twice is fine', async () => {
    await storage.put('d/e', Buffer.from('x'), 'text/plain');

    await storage.delete('d/e');
    await storage.delete('d/e');

    expect(await storage.exists('d/e')).toBe(false);
    expect(await listRecursive(root)).toEqual([]);
  });

  it('keeps the previous bytes and leaves no temp file when a streamed write fails', async () => {
    await storage.put('f/g', Buffer.from('intact'), 'text/plain');
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('client went away'));
      },
    });

    await expect(storage.put('f/g', failing, 'text/plain')).rejects.toThrow('client went away');

    expect((await readAll((await storage.get('f/g')) as StoredBlob)).toString()).toBe('intact');
    expect((await listRecursive(root)).sort()).toEqual(['f/.g.meta.json', 'f/g']);
  });

  it.each(['../outside', '/etc/passwd', 'a/../../b', 'UPPER'])('refuses the key %j', async (key) => {
    await expect(storage.put(key, Buffer.from('x'), 'text/plain')).rejects.toBeInstanceOf(
      InvalidBlobKeyError,
    );
    await expect(storage.get(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
    expect(await listRecursive(root)).toEqual([]);
  });
});
