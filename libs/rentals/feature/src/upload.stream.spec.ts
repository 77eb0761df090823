import { Readable } from 'node:stream';
import { peek } from './upload.stream';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

describe('peek', () => {
  it('returns the first bytes and a stream that still yields everything', async () => {
    const source = Readable.from([Buffer.from('ab'), Buffer.from('cdefgh'), Buffer.from('ijkl')]);

    const { head, stream } = await peek(source, 5);

    expect(head.toString()).toBe('abcdefgh');
    expect((await readAll(stream)).toString()).toBe('abcdefghijkl');
  });

  it('copes with a stream shorter than the requested bytes', async () => {
    const { head, stream } = await peek(Readable.from([Buffer.from('xy')]), 12);

    expect(head.toString()).toBe('xy');
    expect((await readAll(stream)).toString()).toBe('xy');
  });

  it('passes on an error of the source that happens after the peek', async () => {
    let sent = false;
    const source = new Readable({
      read() {
        if (!sent) {
          sent = true;
          this.push(Buffer.from('0123456789abcdef'));
        } else {
          this.destroy(new Error('upload too large'));
        }
      },
    });

    const { stream } = await peek(source, 12);

    await expect(readAll(stream)).rejects.toThrow('upload too large');
  });

  it('releases the source when the result is destroyed unread', async () => {
    const source = Readable.from(
      (async function* () {
        yield Buffer.from('0123456789abcdef');
        yield Buffer.from('more');
      })(),
    );

    const { stream } = await peek(source, 4);
    stream.destroy();

    await new Promise((resolve) => source.once('close', resolve));
    expect(source.destroyed).toBe(true);
  });
});
