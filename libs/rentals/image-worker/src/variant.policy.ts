import type { ImageFormat, ImageVariant } from '@rentguy/rentals/domain';

/** Widths of the renditions: thumbnails, listing pages, full-screen views. */
export const VARIANT_WIDTHS: readonly number[] = [320, 1024, 2048];

/** WebP for browsers that take it (most), JPEG for the rest and for e-mails. */
export const VARIANT_FORMATS: readonly ImageFormat[] = ['webp', 'jpeg'];

export const VARIANT_CONTENT_TYPES: Readonly<Record<ImageFormat, string>> = {
  webp: 'image/webp',
  jpeg: 'image/jpeg',
};

const EXTENSIONS: Readonly<Record<ImageFormat, string>> = { webp: 'webp', jpeg: 'jpg' };

/** What the worker records per rendition: the domain's variant plus what it measured. */
export interface WrittenVariant extends ImageVariant {
  height: number;
  bytes: number;
}

/**
 * The widths to render for an image `sourceWidth` pixels wide (after orientation). Targets wider
 * than the image collapse into one rendition at its own width: never upscaled, never duplicated.
 */
export function variantWidths(sourceWidth: number, targets: readonly number[] = VARIANT_WIDTHS): number[] {
  const widths = new Set(targets.map((target) => Math.min(target, sourceWidth)));
  return [...widths].sort((a, b) => a - b);
}

/** Blob key of one rendition, beside the original under the image's prefix. */
export function variantKey(propertyId: string, imageId: string, width: number, format: ImageFormat): string {
  return `properties/${propertyId}/images/${imageId}/${width}.${EXTENSIONS[format]}`;
}
