import { z } from 'zod';
import { defineConfig } from '@rentguy/platform/config';

/**
 * The largest image upload of the public API (`POST /v1/properties/:id/images`): the gateway stops
 * forwarding beyond it and rentals refuses the file, so the two read this one setting.
 */
export const imageUploadConfig = defineConfig('image-upload', {
  UPLOAD_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(15 * 1024 * 1024),
});
