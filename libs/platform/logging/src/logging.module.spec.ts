import { Writable } from 'node:stream';
import pino from 'pino';
import { REDACTED_PATHS } from './logging.module';

describe('log redaction', () => {
  it('removes credentials, signatures and card data from log lines', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    logger.info({
      req: {
        headers: { authorization: 'Bearer eyJ.secret', 'stripe-signature': 't=1,v1=abc', cookie: 'sid=1' },
      },
      body: { password: 'hunter2hunter2', email: 'ada@example.com' },
      payment: { clientSecret: 'pi_1_secret_2' },
    });
    const line = lines.join('');
    expect(line).not.toContain('eyJ.secret');
    expect(line).not.toContain('t=1,v1=abc');
    expect(line).not.toContain('hunter2');
    expect(line).not.toContain('pi_1_secret_2');
    expect(line).toContain('ada@example.com');
    expect(line.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(5);
  });
});
