import { Transform, type TransformCallback } from 'node:stream';

/** Raised (as a stream error) once a streamed body passes its limit. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Passes bytes through unchanged and fails the stream past `limit` bytes (for chunked uploads). */
export class ByteLimitTransform extends Transform {
  private seen = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) {
      callback(new BodyTooLargeError(this.limit));
      return;
    }
    callback(null, chunk);
  }
}
