import { z } from 'zod';
import { defineConfig } from '@rentguy/platform/config';

export const storageConfig = defineConfig('storage', {
  /** Root directory of the filesystem blob storage. */
  BLOB_STORAGE_DIR: z.string().default('.data/blobs'),
});
