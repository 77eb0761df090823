import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
  ATTR_ERROR_TYPE,
} from '@opentelemetry/semantic-conventions';

/** The settings of Fastify's own HTTP/1 server that a server factory has to apply itself. */
export interface ServerTimeouts {
  keepAliveTimeout?: number;
  requestTimeout?: number;
  connectionTimeout?: number;
  maxRequestsPerSocket?: number;
}

const TRACER_NAME = '@rentguy/platform/tracing';

/**
 * An HTTP server (for Fastify's `serverFactory`) that runs each request inside a SERVER span: the
 * caller's W3C context is extracted, the span is the active one while the app handles the request
 * (so database, Redis and outgoing HTTP spans are its children, and logs carry its trace id), and
 * it ends with the response's status. It replaces the incoming side of the OpenTelemetry HTTP
 * instrumentation, which wraps every listener on the request and the response and computes its
 * attributes even for the unsampled majority of requests; here an unsampled request costs one
 * context extraction and one `context.with`, and attributes are set only on recorded spans.
 */
export function createTracedServer(handler: RequestListener, timeouts: ServerTimeouts = {}): Server {
  const tracer = trace.getTracer(TRACER_NAME);
  const server = createServer((request, response) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer.startSpan(request.method ?? 'HTTP', { kind: SpanKind.SERVER }, parent);
    if (span.isRecording()) {
      describeRequest(span, request);
      response.once('close', () => endServerSpan(span, response));
    }
    context.with(trace.setSpan(parent, span), handler, undefined, request, response);
  });
  if (timeouts.keepAliveTimeout !== undefined) {
    server.keepAliveTimeout = timeouts.keepAliveTimeout;
  }
  if (timeouts.requestTimeout !== undefined) {
    server.requestTimeout = timeouts.requestTimeout;
  }
  if (timeouts.connectionTimeout !== undefined) {
    server.setTimeout(timeouts.connectionTimeout);
  }
  if ((timeouts.maxRequestsPerSocket ?? 0) > 0) {
    server.maxRequestsPerSocket = timeouts.maxRequestsPerSocket ?? 0;
  }
  return server;
}

/**
 * Names the active SERVER span after the route that matched (`GET /v1/properties/:id`), as the
 * HTTP semantic conventions name server spans; a no-op outside a recorded request span.
 */
export function recordServerRoute(method: string, route: string | undefined): void {
  const span = trace.getActiveSpan();
  if (route === undefined || !span?.isRecording()) {
    return;
  }
  span.updateName(`${method} ${route}`);
  span.setAttribute(ATTR_HTTP_ROUTE, route);
}

function describeRequest(span: Span, request: IncomingMessage): void {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  span.setAttributes({
    [ATTR_HTTP_REQUEST_METHOD]: request.method ?? 'GET',
    // The path only: a query string may carry what a trace store should not keep.
    [ATTR_URL_PATH]: query === -1 ? url : url.slice(0, query),
    [ATTR_URL_SCHEME]: 'http',
    [ATTR_NETWORK_PROTOCOL_VERSION]: request.httpVersion,
    [ATTR_NETWORK_PEER_ADDRESS]: request.socket.remoteAddress ?? '',
    [ATTR_USER_AGENT_ORIGINAL]: request.headers['user-agent'] ?? '',
  });
}

function endServerSpan(span: Span, response: ServerResponse): void {
  if (!response.writableFinished) {
    // The connection closed before the response was sent: the client went away.
    span.setAttribute(ATTR_ERROR_TYPE, 'aborted');
    span.setStatus({ code: SpanStatusCode.ERROR });
  } else {
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.statusCode);
    if (response.statusCode >= 500) {
      span.setAttribute(ATTR_ERROR_TYPE, String(response.statusCode));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
  }
  span.end();
}
