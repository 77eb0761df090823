// Test double of payments' service-only settlement route for rentals' integration tests. Rentals
// may not import payments' modules (scope boundaries), so this serves the shared contract: it
// checks the request against `internalSettlementsQuerySchema` and answers in the shape of
// `internalSettlementsSchema`. Payments' own integration test checks its real route against the
// same schemas, and the end-to-end suite runs the two services for real.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  internalSettlementsPath,
  internalSettlementsQuerySchema,
  type InternalSettlement,
} from '@rentguy/contracts';
import { asError } from '@rentguy/platform/errors';

export interface FakePayments {
  url: string;
  /** The credential the fake accepts (what rentals must present). */
  token: string;
  /** Every question asked: the booking ids, in order. */
  readonly queries: string[][];
  /** Makes payments report `settlement` as the booking's succeeded payment. */
  markPaid(settlement: InternalSettlement): void;
  /** Answers every question with this status until called with null (a payments that is failing). */
  failWith(status: number | null): void;
  close(): Promise<void>;
}

export async function startFakePayments(options: { token: string }): Promise<FakePayments> {
  const paid = new Map<string, InternalSettlement>();
  const queries: string[][] = [];
  let failure: number | null = null;

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  };
  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST' || req.url !== internalSettlementsPath) {
      send(res, 404, { error: { code: 'not_found', message: 'not found' } });
      return;
    }
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      send(res, 401, { error: { code: 'unauthenticated', message: 'invalid service credential' } });
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      chunks.push(chunk as Buffer);
    }
    const query = internalSettlementsQuerySchema.safeParse(
      JSON.parse(Buffer.concat(chunks).toString('utf8')),
    );
    if (!query.success) {
      send(res, 400, { error: { code: 'validation_failed', message: query.error.message } });
      return;
    }
    queries.push(query.data.bookingIds);
    if (failure !== null) {
      send(res, failure, { error: { code: 'internal_error', message: 'failing on purpose' } });
      return;
    }
    const items = query.data.bookingIds.flatMap((id) => {
      const settlement = paid.get(id);
      return settlement ? [settlement] : [];
    });
    send(res, 200, { items });
  };

  const server = createServer((req, res) => {
    answer(req, res).catch((error: unknown) => {
      res.destroy(asError(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    token: options.token,
    queries,
    markPaid: (settlement) => paid.set(settlement.bookingId, settlement),
    failWith: (status) => {
      failure = status;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
