import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MultipartFile } from '@fastify/multipart';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import type { FastifyRequest } from 'fastify';
import { asError } from '@rentguy/platform/errors';

/** One uploaded file, streamed: nothing is buffered in memory beyond the first bytes. */
export interface Upload {
  filename: string;
  /** Errors with a `payload_too_large` DomainError when the upload exceeds the size limit. */
  stream: Readable;
}

/**
 * The file of multipart field `field`. The size limit is the one `@fastify/multipart` was
 * registered with; busboy only truncates silently at the limit, so the stream is made to fail
 * instead — a truncated image must never be stored as if it were complete.
 */
export async function readUpload(request: FastifyRequest, field: string): Promise<Upload> {
  if (!request.isMultipart()) {
    throw new DomainError(ErrorCode.UnsupportedMediaType, 'expected a multipart/form-data upload');
  }
  let file: MultipartFile | undefined;
  try {
    file = await request.file();
  } catch (error) {
    throw uploadError(error);
  }
  if (!file || file.fieldname !== field) {
    file?.file.resume();
    throw new DomainError(ErrorCode.ValidationFailed, `expected a file in the multipart field "${field}"`, {
      field,
    });
  }
  const source = file.file;
  const tooLarge = () => new DomainError(ErrorCode.PayloadTooLarge, 'the file is too large');
  const guarded = new Transform({
    transform: (chunk: Buffer, _encoding, done) => done(null, chunk),
    // Busboy may have hit the limit before we could listen for it; `truncated` tells either way.
    flush: (done) => done(source.truncated ? tooLarge() : null),
  });
  source.once('limit', () => guarded.destroy(tooLarge()));
  pipeline(source, guarded).catch((error: unknown) => guarded.destroy(uploadError(error)));
  return { filename: file.filename, stream: guarded };
}

/**
 * Reads at least `bytes` bytes (fewer if the stream is shorter) and returns them with a stream
 * that still yields everything, those bytes included.
 */
export async function peek(stream: Readable, bytes: number): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value);
    length += next.value.length;
  }
  const head = Buffer.concat(chunks);
  async function* rest(): AsyncGenerator<Buffer> {
    yield* chunks;
    while (!done) {
      const next = await iterator.next();
      if (next.done) {
        return;
      }
      yield next.value;
    }
  }
  const whole = Readable.from(rest(), { objectMode: false });
  // Destroying the result (e.g. on an early refusal) must release the source too.
  whole.once('close', () => void iterator.return?.());
  return { head, stream: whole };
}

function uploadError(error: unknown): Error {
  if (error instanceof DomainError) {
    return error;
  }
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (status === 413) {
    return new DomainError(ErrorCode.PayloadTooLarge, 'the upload is too large');
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new DomainError(
      ErrorCode.ValidationFailed,
      error instanceof Error ? error.message : 'invalid upload',
    );
  }
  return asError(error);
}
