/** Thrown for a key that could escape the storage root or that a driver could not store portably. */
export class InvalidBlobKeyError extends Error {
  constructor(readonly key: string) {
    super(`invalid blob key "${key.slice(0, 200)}"`);
    this.name = 'InvalidBlobKeyError';
  }
}

const MAX_KEY_LENGTH = 1024;
// Segments never start with a dot: that rules out "." and ".." and leaves dot-names to the drivers
// (the filesystem driver keeps its temp files and content-type sidecars there).
const SEGMENT = /^[a-z0-9_-][a-z0-9._-]*$/;

/** True for keys such as `properties/<id>/images/<id>/w320.webp`: relative, lower-case, no dot segments. */
export function isValidBlobKey(key: string): boolean {
  return (
    key.length > 0 && key.length <= MAX_KEY_LENGTH && key.split('/').every((segment) => SEGMENT.test(segment))
  );
}

export function assertValidBlobKey(key: string): void {
  if (!isValidBlobKey(key)) {
    throw new InvalidBlobKeyError(key);
  }
}
