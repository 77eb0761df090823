import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import Stripe from 'stripe';

import { dashboardContentSecurityPolicy, renderDashboardPage } from './fake-stripe-dashboard.page';
import type { FakeStripeEvent, RecordedRequest, WebhookDelivery } from './fake-stripe.model';
import { FakeStripeStore, type PaymentFailure } from './fake-stripe.store';
import {
  canonicalParams,
  FormParamsConflictError,
  parseFormParams,
  type FormParams,
} from './form-params.parser';
import { IdempotencyStore } from './idempotency.store';
import { assertKnownParams, readString } from './request-params.reader';
import { invalidRequest, StripeApiError, unsupportedByFake } from './stripe-api.error';
import { requestId as newRequestId } from './stripe-id.util';
import { WebhookDispatcher, type EventSource, type WebhookRetryOptions } from './webhook.dispatcher';
import { describeError } from '@rentguy/platform/errors';

export interface FakeStripeOptions {
  /** 0 (a free port) by default. */
  port?: number;
  /** 127.0.0.1 by default. */
  host?: string;
  /** Where events are POSTed; without it they are only recorded. Can be changed with `setWebhookUrl`. */
  webhookUrl?: string;
  /** The endpoint's signing secret (`whsec_…`) the app verifies `Stripe-Signature` with. */
  webhookSecret: string;
  /** Pay every new PaymentIntent by itself, `autoSucceedDelayMs` after it is created. */
  autoSucceed?: boolean;
  /** 200 ms by default. */
  autoSucceedDelayMs?: number;
  /** Secret keys the fake accepts. By default any test-mode key (`sk_test_…`, `rk_test_…`). */
  apiKeys?: readonly string[];
  /** `api_version` written into events; the installed SDK's pinned version by default. */
  apiVersion?: string;
  webhookRetry?: WebhookRetryOptions;
}

export interface FakeStripe {
  /** Base URL, e.g. `http://127.0.0.1:12111`; the dashboard is at `/`. */
  readonly url: string;
  readonly port: number;
  /** Every `/v1` API request received, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** Every webhook delivery attempt, oldest first. */
  readonly deliveries: readonly WebhookDelivery[];
  paymentIntents(): Stripe.PaymentIntent[];
  refunds(): Stripe.Refund[];
  events(): FakeStripeEvent[];
  /**
   * Pays the PaymentIntent as a customer would and sends `payment_intent.succeeded`. Resolves with
   * the event's id once that webhook was delivered or its retries ran out; `deliveries` says which.
   */
  succeed(paymentIntentId: string): Promise<string>;
  /**
   * Declines the payment (status back to `requires_payment_method`, reason in `last_payment_error`)
   * and sends `payment_intent.payment_failed`; resolves with the event's id like `succeed`.
   */
  fail(paymentIntentId: string, failure?: PaymentFailure): Promise<string>;
  /** Sends an arbitrary event, e.g. one the fake never produces by itself; resolves with its id. */
  sendEvent(type: string, object: object): Promise<string>;
  /** Delivers a recorded event once more, as Stripe does when it retries or duplicates a delivery. */
  redeliver(eventId: string): Promise<WebhookDelivery[]>;
  setWebhookUrl(url: string | undefined): void;
  /** Resolves once no webhook delivery or retry is under way (API calls deliver in the background). */
  settled(): Promise<void>;
  /** Forgets every object, request, event, delivery and idempotency key. */
  reset(): void;
  close(): Promise<void>;
}

const maxBodyBytes = 1024 * 1024;

const implementedRoutes = [
  'POST /v1/payment_intents',
  'GET /v1/payment_intents',
  'GET /v1/payment_intents/:id',
  'POST /v1/payment_intents/:id/cancel',
  'POST /v1/refunds',
  'GET /v1/refunds/:id',
];

/**
 * Starts a fake of Stripe's HTTP API that the official SDK can be pointed at with
 * `new Stripe(key, { host, port, protocol: 'http' })`: form-encoded requests, Stripe-shaped JSON
 * and errors, idempotency keys, and signed webhooks for what happens to payments.
 */
export async function startFakeStripe(options: FakeStripeOptions): Promise<FakeStripe> {
  const host = options.host ?? '127.0.0.1';
  const store = new FakeStripeStore();
  const idempotency = new IdempotencyStore();
  const requests: RecordedRequest[] = [];
  const dispatcher = new WebhookDispatcher({
    url: options.webhookUrl,
    secret: options.webhookSecret,
    apiVersion: options.apiVersion ?? Stripe.API_VERSION,
    retry: options.webhookRetry,
  });
  const autoSucceedTimers = new Set<NodeJS.Timeout>();

  const succeed = (id: string, source?: EventSource): Promise<FakeStripeEvent<Stripe.PaymentIntent>> => {
    const { paymentIntent } = store.succeedPaymentIntent(id);
    return dispatcher.publish('payment_intent.succeeded', paymentIntent, source);
  };
  const fail = (id: string, failure?: PaymentFailure): Promise<FakeStripeEvent<Stripe.PaymentIntent>> =>
    dispatcher.publish('payment_intent.payment_failed', store.failPaymentIntent(id, failure));

  /** Runs one API call; events it causes are delivered in the background, as Stripe does. */
  function callApi(method: string, segments: string[], params: FormParams, source: EventSource): object {
    const [resource, id, action] = segments;
    if (resource === 'payment_intents') {
      if (method === 'POST' && segments.length === 1) {
        const paymentIntent = store.createPaymentIntent(params);
        if (options.autoSucceed) {
          const timer = setTimeout(() => {
            autoSucceedTimers.delete(timer);
            // The app may have canceled it meanwhile; then there is nothing to pay.
            if (store.isPayable(paymentIntent.id)) {
              void succeed(paymentIntent.id);
            }
          }, options.autoSucceedDelayMs ?? 200);
          autoSucceedTimers.add(timer);
        }
        return paymentIntent;
      }
      if (method === 'GET' && segments.length === 1) {
        return store.listPaymentIntents(params);
      }
      if (method === 'GET' && segments.length === 2) {
        assertKnownParams(params, ['client_secret'], ['expand']);
        return store.retrievePaymentIntent(id);
      }
      if (method === 'POST' && segments.length === 2) {
        throw unsupportedByFake('POST /v1/payment_intents/:id (update)');
      }
      if (method === 'POST' && segments.length === 3 && action === 'cancel') {
        const paymentIntent = store.cancelPaymentIntent(id, params);
        void dispatcher.publish('payment_intent.canceled', paymentIntent, source);
        return paymentIntent;
      }
    }
    if (resource === 'refunds') {
      if (method === 'POST' && segments.length === 1) {
        const { refund, charge } = store.createRefund(params);
        void dispatcher.publish('charge.refunded', charge, source);
        void dispatcher.publish('refund.created', refund, source);
        return refund;
      }
      if (method === 'GET' && segments.length === 2) {
        assertKnownParams(params, [], ['expand']);
        return store.retrieveRefund(id);
      }
    }
    throw new StripeApiError(404, {
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${method}: /v1/${segments.join('/')}). The fake Stripe API implements: ${implementedRoutes.join(', ')}.`,
    });
  }

  async function handleApi(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const method = request.method ?? 'GET';
    const idempotencyKey = header(request, 'idempotency-key');
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      idempotencyKey,
      stripeVersion: header(request, 'stripe-version'),
      requestId: newRequestId(),
    };
    requests.push(record);
    const respond = (status: number, body: string, extra: Record<string, string> = {}): void => {
      record.status = status;
      response
        .writeHead(status, {
          'content-type': 'application/json',
          'cache-control': 'no-cache, no-store',
          'request-id': record.requestId,
          'stripe-version': record.stripeVersion ?? Stripe.API_VERSION,
          ...(idempotencyKey && method === 'POST' ? { 'idempotency-key': idempotencyKey } : {}),
          ...extra,
        })
        .end(body);
    };
    const respondError = (error: StripeApiError): void =>
      respond(error.statusCode, json({ error: error.body }), {
        ...(error.statusCode === 401 ? { 'www-authenticate': 'Basic realm="Stripe"' } : {}),
        // The SDK retries 5xx by itself; a bug in the fake should surface, not be retried away.
        ...(error.statusCode >= 500 ? { 'stripe-should-retry': 'false' } : {}),
      });

    try {
      const body = await readBody(request);
      const apiKey = authenticate(request, options.apiKeys);
      const params = readParams(method, request, body, url);

      if (method === 'POST' && idempotencyKey !== null) {
        if (idempotencyKey.length > 255) {
          throw invalidRequest('Idempotency-Key must be at most 255 characters long.', 'idempotency_key');
        }
        const saved = idempotency.find(apiKey, idempotencyKey);
        if (saved) {
          if (saved.method !== method || saved.path !== url.pathname) {
            throw idempotencyError(
              `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${saved.method} ${saved.path}' vs '${method} ${url.pathname}'). Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            );
          }
          if (saved.params !== canonicalParams(params)) {
            throw idempotencyError(
              `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            );
          }
          record.idempotentReplayed = true;
          respond(saved.status, saved.body, {
            'idempotent-replayed': 'true',
            'original-request': saved.requestId,
          });
          return;
        }
      }

      const segments = url.pathname.split('/').filter(Boolean).slice(1).map(decodeURIComponent);
      let status = 200;
      let result: object;
      let save = true;
      try {
        result = callApi(method, segments, params, { requestId: record.requestId, idempotencyKey });
      } catch (error) {
        if (!(error instanceof StripeApiError)) {
          throw error;
        }
        status = error.statusCode;
        result = { error: error.body };
        save = error.saveForIdempotency;
      }
      const responseBody = json(result);
      if (method === 'POST' && idempotencyKey !== null && save) {
        idempotency.save(apiKey, idempotencyKey, {
          method,
          path: url.pathname,
          params: canonicalParams(params),
          status,
          body: responseBody,
          requestId: record.requestId,
          savedAt: Date.now(),
        });
      }
      respond(status, responseBody);
    } catch (error) {
      respondError(
        error instanceof StripeApiError
          ? error
          : new StripeApiError(500, {
              type: 'api_error',
              message: `Fake Stripe failed: ${describeError(error)}`,
            }),
      );
    }
  }

  /** Test and dashboard controls: not part of Stripe's API, so no auth and no request log. */
  async function handleControl(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const segments = url.pathname.split('/').filter(Boolean).slice(1).map(decodeURIComponent);
    const fromBrowserForm = (header(request, 'content-type') ?? '').startsWith(
      'application/x-www-form-urlencoded',
    );
    try {
      const body = await readBody(request);
      const params = fromBrowserForm
        ? parseFormParams(body)
        : body
          ? jsonParams(body)
          : (Object.create(null) as FormParams);
      if (request.method !== 'POST') {
        throw new StripeApiError(405, {
          type: 'invalid_request_error',
          message: 'Fake Stripe controls take POST',
        });
      }
      const [resource, id, action] = segments;
      let result: {
        payment_intent?: Stripe.PaymentIntent;
        event?: FakeStripeEvent;
        deliveries?: WebhookDelivery[];
      };
      if (
        resource === 'payment_intents' &&
        segments.length === 3 &&
        (action === 'succeed' || action === 'fail')
      ) {
        // Waits for the webhook, so that a browser sent on to return_url sees what the app made of it.
        const event =
          action === 'succeed'
            ? await succeed(id)
            : await fail(id, {
                code: readString(params, 'code'),
                declineCode: readString(params, 'decline_code'),
                message: readString(params, 'message'),
              });
        result = { payment_intent: event.data.object, event };
      } else if (resource === 'events' && segments.length === 3 && action === 'redeliver') {
        result = { deliveries: await dispatcher.redeliver(id) };
      } else {
        throw new StripeApiError(404, {
          type: 'invalid_request_error',
          message: `No fake control at ${url.pathname}`,
        });
      }

      if (fromBrowserForm) {
        const returnUrl = readString(params, 'return_url');
        response.writeHead(303, { location: redirectTarget(returnUrl, result.payment_intent) }).end();
      } else {
        response.writeHead(200, { 'content-type': 'application/json' }).end(json(result));
      }
    } catch (error) {
      const apiError =
        error instanceof StripeApiError
          ? error
          : new StripeApiError(400, {
              type: 'invalid_request_error',
              message: describeError(error),
            });
      response
        .writeHead(apiError.statusCode, { 'content-type': 'application/json' })
        .end(json({ error: apiError.body }));
    }
  }

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake-stripe.local');
    if (url.pathname.startsWith('/v1/')) {
      void handleApi(request, response, url);
    } else if (url.pathname.startsWith('/_fake/')) {
      void handleControl(request, response, url);
    } else if (url.pathname === '/' && (request.method === 'GET' || request.method === 'HEAD')) {
      const returnUrl = url.searchParams.get('return_url') ?? undefined;
      response
        .writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': dashboardContentSecurityPolicy,
          'cache-control': 'no-store',
        })
        .end(
          renderDashboardPage({
            paymentIntents: store.allPaymentIntents(),
            deliveries: dispatcher.deliveries,
            webhookUrl: dispatcher.url,
            focus: url.searchParams.get('payment_intent') ?? undefined,
            returnUrl: returnUrl && isHttpUrl(returnUrl) ? returnUrl : undefined,
          }),
        );
    } else {
      response
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        .end('Not found: the fake Stripe API lives under /v1');
    }
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    requests,
    deliveries: dispatcher.deliveries,
    paymentIntents: () => store.allPaymentIntents(),
    refunds: () => store.allRefunds(),
    events: () => structuredClone(dispatcher.events),
    succeed: async (id) => (await succeed(id)).id,
    fail: async (id, failure) => (await fail(id, failure)).id,
    sendEvent: async (type, object) => (await dispatcher.publish(type, object)).id,
    redeliver: (eventId) => dispatcher.redeliver(eventId),
    setWebhookUrl: (url) => {
      dispatcher.url = url;
    },
    settled: () => dispatcher.settled(),
    reset: () => {
      for (const timer of autoSucceedTimers) {
        clearTimeout(timer);
      }
      autoSucceedTimers.clear();
      store.reset();
      idempotency.clear();
      requests.length = 0;
      dispatcher.reset();
    },
    close: async () => {
      for (const timer of autoSucceedTimers) {
        clearTimeout(timer);
      }
      autoSucceedTimers.clear();
      await dispatcher.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Stripe's authentication: a secret key as a Bearer token (what the SDK sends) or as the Basic
 * auth user name (what curl -u sends). Answers 401 like Stripe otherwise.
 */
function authenticate(request: IncomingMessage, apiKeys: readonly string[] | undefined): string {
  const authorization = header(request, 'authorization');
  if (!authorization) {
    throw new StripeApiError(401, {
      type: 'invalid_request_error',
      message:
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    });
  }
  const [scheme, credentials = ''] = authorization.split(/\s+/, 2);
  const key =
    scheme.toLowerCase() === 'bearer'
      ? credentials
      : scheme.toLowerCase() === 'basic'
        ? Buffer.from(credentials, 'base64').toString('utf8').split(':')[0]
        : '';
  const accepted = apiKeys ? apiKeys.includes(key) : /^(sk|rk)_test_[A-Za-z0-9_]+$/.test(key);
  if (!accepted) {
    throw new StripeApiError(401, {
      type: 'invalid_request_error',
      message: `Invalid API Key provided: ${maskKey(key)}${key.startsWith('sk_live_') || key.startsWith('rk_live_') ? ' (the fake Stripe API takes test-mode keys only)' : ''}`,
    });
  }
  return key;
}

/** Stripe echoes a rejected key with all but its prefix and last four characters starred. */
function maskKey(key: string): string {
  const prefix = /^[a-z]+_(?:test|live)_/.exec(key)?.[0] ?? '';
  const rest = key.slice(prefix.length);
  return rest.length <= 4 ? key : `${prefix}${'*'.repeat(rest.length - 4)}${rest.slice(-4)}`;
}

/** v1 takes form-encoded bodies (query parameters for GET); a JSON body is a client bug worth reporting. */
function readParams(method: string, request: IncomingMessage, body: string, url: URL): FormParams {
  try {
    if (method === 'GET' || method === 'DELETE') {
      return parseFormParams(url.search.slice(1));
    }
    const contentType = header(request, 'content-type') ?? '';
    if (body !== '' && !contentType.startsWith('application/x-www-form-urlencoded')) {
      throw invalidRequest(
        `Invalid request: the v1 API takes application/x-www-form-urlencoded bodies, not '${contentType || 'no content type'}'.`,
      );
    }
    return parseFormParams(body);
  } catch (error) {
    if (error instanceof FormParamsConflictError) {
      throw invalidRequest(error.message, error.param);
    }
    throw error;
  }
}

function jsonParams(body: string): FormParams {
  const parsed: unknown = JSON.parse(body);
  const params = Object.create(null) as FormParams;
  if (parsed && typeof parsed === 'object') {
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value === 'string') {
        params[key] = value;
      }
    }
  }
  return params;
}

function idempotencyError(message: string): StripeApiError {
  return new StripeApiError(400, { type: 'idempotency_error', message });
}

/** Where a browser goes after Pay / Decline: the app's return_url with Stripe.js's redirect params, or the dashboard. */
function redirectTarget(
  returnUrl: string | undefined,
  paymentIntent: Stripe.PaymentIntent | undefined,
): string {
  if (!returnUrl || !isHttpUrl(returnUrl) || !paymentIntent) {
    return '/';
  }
  const target = new URL(returnUrl);
  target.searchParams.set('payment_intent', paymentIntent.id);
  target.searchParams.set('payment_intent_client_secret', paymentIntent.client_secret ?? '');
  target.searchParams.set('redirect_status', paymentIntent.status === 'succeeded' ? 'succeeded' : 'failed');
  return target.toString();
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function header(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) {
      throw new StripeApiError(413, {
        type: 'invalid_request_error',
        message: `Request body larger than ${maxBodyBytes} bytes`,
      });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Stripe answers with pretty-printed JSON. */
function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
