import { Injectable } from '@nestjs/common';
import type { ImageFormat } from '@rentguy/rentals/domain';
import sharp, { type SharpOptions } from 'sharp';
import { describeError } from '@rentguy/platform/errors';

/** The input cannot be decoded (corrupt, truncated, unsupported or over the pixel limit): retrying will not help. */
export class UnreadableImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableImageError';
  }
}

/** Size of an image as it is displayed, i.e. after its EXIF orientation is applied. */
export interface ImageDimensions {
  width: number;
  height: number;
}

export interface EncodeOptions {
  /** Target width; the image is never enlarged beyond its own width. */
  width: number;
  format: ImageFormat;
  /** 1-100. */
  quality: number;
}

export interface EncodedImage {
  data: Buffer;
  width: number;
  height: number;
  format: ImageFormat;
}

export interface DecodeLimits {
  /** Largest accepted width × height, checked from the header before any pixel is decoded. */
  maxInputPixels: number;
}

// Tolerates the benign warnings many camera JPEGs trigger; real decode errors still throw.
const FAIL_ON = 'error' satisfies SharpOptions['failOn'];

/**
 * The only code that touches sharp/libvips. Output never carries the input's metadata (EXIF with
 * GPS, XMP, IPTC, ICC): sharp strips it unless `withMetadata`/`keepMetadata` is asked for, which
 * this class never does; pixels are converted to sRGB instead.
 */
@Injectable()
export class SharpImageRepository {
  constructor() {
    // libvips' operation cache only helps when the same input is processed repeatedly; in a long
    // running worker it just holds decoded images in memory.
    sharp.cache(false);
  }

  /** Displayed dimensions of `input`. @throws UnreadableImageError */
  async dimensions(input: Buffer, limits: DecodeLimits): Promise<ImageDimensions> {
    const metadata = await unreadableOnError(sharp(input, this.options(limits)).metadata());
    const { width, height } = metadata.autoOrient;
    if (!(width > 0 && height > 0)) {
      throw new UnreadableImageError('image has no dimensions');
    }
    return { width, height };
  }

  /** Auto-orients, resizes (never up) and encodes `input` without any of its metadata. @throws UnreadableImageError */
  async encode(input: Buffer, options: EncodeOptions, limits: DecodeLimits): Promise<EncodedImage> {
    const pipeline = sharp(input, this.options(limits))
      .autoOrient()
      .resize({ width: options.width, withoutEnlargement: true });
    switch (options.format) {
      case 'jpeg':
        // JPEG has no alpha: transparent PNG/WebP areas become white rather than black.
        pipeline.flatten({ background: '#ffffff' }).jpeg({ quality: options.quality, mozjpeg: true });
        break;
      case 'webp':
        pipeline.webp({ quality: options.quality });
        break;
    }
    const { data, info } = await unreadableOnError(pipeline.toBuffer({ resolveWithObject: true }));
    return { data, width: info.width, height: info.height, format: options.format };
  }

  private options(limits: DecodeLimits): SharpOptions {
    // Only the first frame of an animated WebP is used.
    return { limitInputPixels: limits.maxInputPixels, failOn: FAIL_ON, pages: 1 };
  }
}

async function unreadableOnError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    // Given a buffer, sharp fails only on the input itself (format, corruption, pixel limit).
    throw new UnreadableImageError(describeError(error));
  }
}
