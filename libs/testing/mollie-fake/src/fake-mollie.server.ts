import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describeError } from '@rentguy/platform/errors';
import { checkoutContentSecurityPolicy, renderCheckoutPage } from './fake-mollie-checkout.page';
import {
  CHECKOUT_OUTCOMES,
  type CheckoutOutcome,
  type FakeMolliePayment,
  type FakeMollieRefund,
  type PingDelivery,
  type RecordedRequest,
} from './fake-mollie.model';
import { FakeMollieStore } from './fake-mollie.store';
import { MollieApiProblem, notFound, unprocessable } from './mollie-api.error';
import { PingDispatcher, type PingRetryOptions } from './ping.dispatcher';
import { selfSignedCertificate } from './self-signed-certificate';

export interface FakeMollieOptions {
  /** 0 (a free port) by default. */
  port?: number;
  /** 127.0.0.1 by default: the payments service trusts a self-signed certificate on loopback only. */
  host?: string;
  /** API keys the fake accepts; by default any `test_…` or `live_…` key. */
  apiKeys?: readonly string[];
  /** Pings go here instead of each payment's `webhookUrl` (a test app on a port chosen at start). */
  webhookUrl?: string;
  pingRetry?: PingRetryOptions;
}

export interface FakeMollie {
  /** The API root the SDK is pointed at (`MOLLIE_API_BASE_URL`), e.g. `https://127.0.0.1:12112/v2/`. */
  readonly apiUrl: string;
  /** The server's origin; its list of payments is at `/`, each checkout at `/checkout/<id>`. */
  readonly url: string;
  readonly port: number;
  /** The self-signed certificate generated at start (PEM). */
  readonly certificate: string;
  /** Every API request received, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** TLS connections clients opened so far (a client that keeps its connection alive opens one). */
  tlsConnections(): number;
  /** Every webhook ping try, oldest first. */
  readonly deliveries: readonly PingDelivery[];
  payments(): FakeMolliePayment[];
  refunds(): FakeMollieRefund[];
  /**
   * Completes an open payment as a person would at checkout and pings its webhook. Resolves once
   * the ping was answered or its retries ran out; `deliveries` says which.
   */
  complete(paymentId: string, outcome: CheckoutOutcome): Promise<FakeMolliePayment>;
  /** Pings the payment's webhook again, as Mollie does when it retries. */
  ping(paymentId: string): Promise<PingDelivery[]>;
  /** Settles a pending refund and pings the payment's webhook, as Mollie does. */
  settleRefund(refundId: string, status: 'refunded' | 'failed'): Promise<FakeMollieRefund>;
  setWebhookUrl(url: string | undefined): void;
  /** Resolves once no ping or retry is under way. */
  settled(): Promise<void>;
  /** Forgets every payment, refund, request, ping and idempotency key. */
  reset(): void;
  close(): Promise<void>;
}

const maxBodyBytes = 1024 * 1024;

interface SavedResponse {
  method: string;
  path: string;
  status: number;
  body: string;
}

/**
 * Starts a fake of Mollie's v2 HTTP API over HTTPS, with a self-signed certificate made at start,
 * that the official `@mollie/api-client` can be pointed at (`apiEndpoint`): payments (create, get
 * with embedded refunds and chargebacks, cancel), payment refunds (create, get, list), Mollie's
 * error format and idempotency keys, a hosted checkout page where a person chooses paid, failed,
 * canceled or expired, and webhook pings sent the way Mollie sends them (`id=tr_…`, form-encoded).
 */
export async function startFakeMollie(options: FakeMollieOptions = {}): Promise<FakeMollie> {
  const host = options.host ?? '127.0.0.1';
  const store = new FakeMollieStore();
  const dispatcher = new PingDispatcher(options.pingRetry);
  const requests: RecordedRequest[] = [];
  const idempotency = new Map<string, SavedResponse>();
  let webhookOverride = options.webhookUrl;
  const { key, cert } = await selfSignedCertificate();

  let origin = '';
  const apiRoot = (): string => `${origin}/v2`;

  const ping = (payment: FakeMolliePayment): Promise<PingDelivery[]> => {
    const url = webhookOverride ?? payment.webhookUrl;
    return url ? dispatcher.ping(url, payment.id) : Promise.resolve([]);
  };
  const complete = async (id: string, outcome: CheckoutOutcome): Promise<FakeMolliePayment> => {
    const payment = store.complete(id, outcome);
    await ping(payment);
    return payment;
  };

  /** A payment as Mollie renders it, links included, refunds and chargebacks embedded on request. */
  function render(
    payment: FakeMolliePayment,
    embed: ReadonlySet<string> = new Set(),
  ): Record<string, unknown> {
    const refunds = store.refundsOf(payment.id);
    const self = `${apiRoot()}/payments/${payment.id}`;
    return {
      ...payment,
      _links: {
        self: { href: self, type: 'application/hal+json' },
        ...(payment.status === 'open' && {
          checkout: { href: `${origin}/checkout/${payment.id}`, type: 'text/html' },
        }),
        dashboard: { href: `${origin}/?payment=${payment.id}`, type: 'text/html' },
        ...(refunds.length > 0 && { refunds: { href: `${self}/refunds`, type: 'application/hal+json' } }),
        documentation: { href: 'https://docs.mollie.com/reference/get-payment', type: 'text/html' },
      },
      ...((embed.has('refunds') || embed.has('chargebacks')) && {
        _embedded: {
          ...(embed.has('refunds') && { refunds: refunds.map(renderRefund) }),
          ...(embed.has('chargebacks') && { chargebacks: [] }),
        },
      }),
    };
  }

  function renderRefund(refund: FakeMollieRefund): Record<string, unknown> {
    const self = `${apiRoot()}/payments/${refund.paymentId}/refunds/${refund.id}`;
    return {
      ...refund,
      _links: {
        self: { href: self, type: 'application/hal+json' },
        payment: { href: `${apiRoot()}/payments/${refund.paymentId}`, type: 'application/hal+json' },
      },
    };
  }

  function callApi(
    method: string,
    segments: string[],
    body: Record<string, unknown>,
    query: URLSearchParams,
    mode: 'test' | 'live',
  ): { status: number; body: Record<string, unknown> | null } {
    const [resource, id, sub, subId] = segments;
    if (resource === 'payments') {
      if (segments.length === 1 && method === 'POST') {
        return { status: 201, body: render(store.createPayment(body, mode)) };
      }
      if (segments.length === 2 && method === 'GET') {
        const embed = new Set(query.getAll('embed').flatMap((value) => value.split(',')));
        return { status: 200, body: render(store.payment(id), embed) };
      }
      if (segments.length === 2 && method === 'DELETE') {
        const canceled = store.cancel(id);
        void ping(canceled);
        return { status: 200, body: render(canceled) };
      }
      if (sub === 'refunds' && segments.length === 3 && method === 'POST') {
        const refund = store.createRefund(id, body);
        return { status: 201, body: renderRefund(refund) };
      }
      if (sub === 'refunds' && segments.length === 3 && method === 'GET') {
        const refunds = store.refundsOf(store.payment(id).id).map(renderRefund);
        return {
          status: 200,
          body: {
            count: refunds.length,
            _embedded: { refunds },
            _links: {
              self: { href: `${apiRoot()}/payments/${id}/refunds`, type: 'application/hal+json' },
              previous: null,
              next: null,
            },
          },
        };
      }
      if (sub === 'refunds' && segments.length === 4 && method === 'GET') {
        return { status: 200, body: renderRefund(store.refund(id, subId)) };
      }
    }
    throw notFound(`The fake Mollie API does not implement ${method} /v2/${segments.join('/')}`);
  }

  async function handleApi(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const method = request.method ?? 'GET';
    const idempotencyKey = header(request, 'idempotency-key');
    const record: RecordedRequest = { method, path: url.pathname, idempotencyKey, body: null };
    requests.push(record);
    const respond = (status: number, payload: string | null): void => {
      record.status = status;
      response
        .writeHead(status, payload === null ? {} : { 'content-type': 'application/hal+json' })
        .end(payload ?? undefined);
    };
    try {
      const raw = await readBody(request);
      const apiKey = authenticate(request, options.apiKeys);
      const body = raw.length > 0 && method !== 'GET' ? parseJson(raw) : {};
      record.body = raw.length > 0 ? body : null;
      const savedKey =
        idempotencyKey && (method === 'POST' || method === 'DELETE') ? `${apiKey}\n${idempotencyKey}` : null;
      const saved = savedKey ? idempotency.get(savedKey) : undefined;
      if (saved) {
        if (saved.method !== method || saved.path !== url.pathname) {
          throw unprocessable('The idempotency key was used for another request before', 'idempotencyKey');
        }
        record.idempotentReplayed = true;
        respond(saved.status, saved.body);
        return;
      }
      const segments = url.pathname.split('/').filter(Boolean).slice(1).map(decodeURIComponent);
      const result = callApi(
        method,
        segments,
        body,
        url.searchParams,
        apiKey.startsWith('live_') ? 'live' : 'test',
      );
      const payload = result.body === null ? null : JSON.stringify(result.body);
      if (savedKey) {
        idempotency.set(savedKey, { method, path: url.pathname, status: result.status, body: payload ?? '' });
      }
      respond(result.status, payload);
    } catch (error) {
      const problem =
        error instanceof MollieApiProblem
          ? error
          : new MollieApiProblem(500, 'Internal Server Error', `Fake Mollie failed: ${describeError(error)}`);
      respond(problem.status, JSON.stringify(problem.body()));
    }
  }

  /** The checkout page and the test controls: not Mollie's API, so no key. */
  async function handleOther(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    try {
      const raw = await readBody(request);
      if (segments[0] === 'checkout' && segments.length === 2) {
        const payment = store.payment(segments[1]);
        if (request.method === 'POST') {
          const status = new URLSearchParams(raw.toString('utf8')).get('status');
          if (!isOutcome(status)) {
            throw unprocessable(`status must be one of ${CHECKOUT_OUTCOMES.join(', ')}`, 'status');
          }
          const completed = await complete(payment.id, status);
          response.writeHead(303, { location: completed.redirectUrl }).end();
          return;
        }
        html(response, renderCheckoutPage(payment, dispatcher.deliveries));
        return;
      }
      if (segments[0] === '_fake' && request.method === 'POST') {
        const body = raw.length > 0 ? parseJson(raw) : {};
        const [, resource, id, action] = segments;
        let result: unknown;
        if (resource === 'payments' && action === 'complete' && isOutcome(body['status'])) {
          result = await complete(id, body['status']);
        } else if (resource === 'payments' && action === 'ping') {
          result = await ping(store.payment(id));
        } else if (
          resource === 'refunds' &&
          action === 'settle' &&
          (body['status'] === 'refunded' || body['status'] === 'failed')
        ) {
          result = await settleRefund(id, body['status']);
        } else {
          throw notFound(`No fake control at ${url.pathname}`);
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
        return;
      }
      if (url.pathname === '/' && request.method === 'GET') {
        const rows = store
          .allPayments()
          .map(
            (p) =>
              `<li><a href="/checkout/${p.id}">${p.id}</a> ${p.amount.currency} ${p.amount.value} — ${p.status}</li>`,
          )
          .join('');
        html(
          response,
          `<!doctype html><title>Fake Mollie</title><h1>Fake Mollie payments</h1><ul>${rows}</ul>`,
        );
        return;
      }
      throw notFound('Not found: the fake Mollie API lives under /v2, checkouts under /checkout/<id>');
    } catch (error) {
      const problem =
        error instanceof MollieApiProblem
          ? error
          : new MollieApiProblem(400, 'Bad Request', describeError(error));
      response
        .writeHead(problem.status, { 'content-type': 'application/json' })
        .end(JSON.stringify(problem.body()));
    }
  }

  const settleRefund = async (refundId: string, status: 'refunded' | 'failed'): Promise<FakeMollieRefund> => {
    const refund = store.settleRefund(refundId, status);
    await ping(store.payment(refund.paymentId));
    return refund;
  };

  const server: Server = createServer({ key, cert }, (request, response) => {
    const url = new URL(request.url ?? '/', 'https://fake-mollie.local');
    void (url.pathname.startsWith('/v2/')
      ? handleApi(request, response, url)
      : handleOther(request, response, url));
  });
  let tlsConnections = 0;
  server.on('secureConnection', () => {
    tlsConnections += 1;
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
  origin = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    apiUrl: `${origin}/v2/`,
    url: origin,
    port,
    certificate: cert,
    requests,
    tlsConnections: () => tlsConnections,
    deliveries: dispatcher.deliveries,
    payments: () => store.allPayments(),
    refunds: () => store.allRefunds(),
    complete,
    ping: (id) => ping(store.payment(id)),
    settleRefund,
    setWebhookUrl: (url) => {
      webhookOverride = url;
    },
    settled: () => dispatcher.settled(),
    reset: () => {
      store.reset();
      requests.length = 0;
      idempotency.clear();
      dispatcher.reset();
    },
    close: async () => {
      dispatcher.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function isOutcome(value: unknown): value is CheckoutOutcome {
  return typeof value === 'string' && (CHECKOUT_OUTCOMES as readonly string[]).includes(value);
}

function header(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return typeof value === 'string' ? value : null;
}

function html(response: ServerResponse, body: string): void {
  response
    .writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': checkoutContentSecurityPolicy,
      'cache-control': 'no-store',
    })
    .end(body);
}

function authenticate(request: IncomingMessage, apiKeys: readonly string[] | undefined): string {
  const match = /^Bearer ((?:test|live)_\w+)$/.exec(header(request, 'authorization') ?? '');
  if (!match || (apiKeys && !apiKeys.includes(match[1]))) {
    throw new MollieApiProblem(
      401,
      'Unauthorized Request',
      'Missing authentication, or failed to authenticate',
    );
  }
  return match[1];
}

function parseJson(raw: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // Answered below.
  }
  throw new MollieApiProblem(400, 'Bad Request', 'The request body is not a JSON object');
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new MollieApiProblem(413, 'Request Entity Too Large', 'The request body is too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
