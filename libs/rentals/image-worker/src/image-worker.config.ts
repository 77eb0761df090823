import { z } from 'zod';
import { defineConfig } from '@rentguy/platform/config';

/** Settings of the image worker. */
export const imageWorkerConfig = defineConfig('image-worker', {
  /** Images processed in parallel; libvips threads within each, so about the number of cores. */
  IMAGE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /**
   * Largest accepted width × height. Checked from the header before decoding, so a small file that
   * decodes into gigabytes (a decompression bomb) is rejected; 50 MP covers current phone cameras.
   */
  IMAGE_MAX_INPUT_PIXELS: z.coerce.number().int().min(1_000_000).default(50_000_000),
  /** Encoder quality of the WebP and JPEG renditions. */
  IMAGE_VARIANT_QUALITY: z.coerce.number().int().min(1).max(100).default(80),
});
