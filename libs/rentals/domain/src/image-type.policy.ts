export const ACCEPTED_IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type AcceptedImageType = (typeof ACCEPTED_IMAGE_TYPES)[number];

/** Bytes needed from the start of a file to tell the accepted image types apart. */
export const IMAGE_SIGNATURE_BYTES = 12;

const startsWith = (head: Uint8Array, signature: number[], offset = 0): boolean =>
  head.length >= offset + signature.length && signature.every((byte, i) => head[offset + i] === byte);

/**
 * The type of an image from its first bytes (magic numbers), or null. The client's declared content
 * type and file name are not trusted: they cost nothing to fake.
 */
export function detectImageType(head: Uint8Array): AcceptedImageType | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) {
    return 'image/jpeg';
  }
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    return 'image/png';
  }
  // RIFF container ("RIFF", 4 bytes of size, then "WEBP").
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && startsWith(head, [0x57, 0x45, 0x42, 0x50], 8)) {
    return 'image/webp';
  }
  return null;
}
