// Test double of rentals' internal booking route for payments' integration tests (never exported
// from the library). Payments may not import rentals' modules (scope boundaries), so this serves
// the shared contract's shape; rentals' own integration test checks its real answer against the
// same schema, and the end-to-end suite runs the two services for real.
import { createPublicKey } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';
import type { InternalBooking } from '@rentguy/contracts';
import { asError } from '@rentguy/platform/errors';
import { testSigningKey, type TestSigningKey } from '@rentguy/testing/platform';

const ROUTE = /^\/internal\/v1\/bookings\/([^/?]+)$/;

export interface FakeRentalsRequest {
  bookingId: string;
  authorization: string | undefined;
}

export interface FakeRentals {
  url: string;
  port: number;
  /** Every booking read, in order. */
  readonly requests: FakeRentalsRequest[];
  /** Makes rentals know `booking` (as it is right after `POST /v1/bookings`). */
  put(booking: InternalBooking): void;
  /** Holds every answer back this long (a rentals that is too slow). */
  delayAnswers(ms: number): void;
  /** Stops listening and drops kept-alive connections (a rentals that is down). */
  close(): Promise<void>;
}

/**
 * Like rentals: the bearer token must verify (with the public half of `key`, the process's
 * `testSigningKey` unless given), and a booking is shown to its guest only.
 */
export async function startFakeRentals(
  options: { key?: TestSigningKey; port?: number } = {},
): Promise<FakeRentals> {
  const key = createPublicKey({ key: (options.key ?? testSigningKey).jwk, format: 'jwk' });
  const bookings = new Map<string, InternalBooking>();
  const requests: FakeRentalsRequest[] = [];
  let delayMs = 0;

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  };
  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const match = req.method === 'GET' ? ROUTE.exec(req.url ?? '') : null;
    if (!match?.[1]) {
      send(res, 404, { error: { code: 'not_found', message: 'not found' } });
      return;
    }
    const bookingId = decodeURIComponent(match[1]);
    const authorization = req.headers.authorization;
    requests.push({ bookingId, authorization });
    if (delayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
    let subject: string | undefined;
    try {
      subject = (await jwtVerify(authorization?.replace(/^Bearer /, '') ?? '', key)).payload.sub;
    } catch {
      send(res, 401, { error: { code: 'unauthenticated', message: 'invalid or expired access token' } });
      return;
    }
    const booking = bookings.get(bookingId);
    if (!booking || booking.guestId !== subject) {
      send(res, 404, { error: { code: 'not_found', message: 'booking not found' } });
      return;
    }
    send(res, 200, booking);
  };

  const server = createServer((req, res) => {
    answer(req, res).catch((error: unknown) => {
      res.destroy(asError(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    put: (booking) => bookings.set(booking.bookingId, booking),
    delayAnswers: (ms) => {
      delayMs = ms;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
