import type { AddressInfo } from 'node:net';
import type { RequestListener, Server } from 'node:http';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { createTracedServer, recordServerRoute } from './server-spans';
import { registerTracerProvider } from './tracing';

const CALLER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN = 'b7ad6b7169203331';

describe('createTracedServer', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  let server: Server | undefined;

  beforeAll(() => registerTracerProvider(provider));
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    exporter.reset();
  });
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  async function serve(handler: RequestListener): Promise<string> {
    server = createTracedServer(handler);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server?.address() as AddressInfo).port}`;
  }

  /** Waits for the server span, which ends when the response's connection side closes. */
  async function finishedSpans(count: number) {
    for (let i = 0; i < 100 && exporter.getFinishedSpans().length < count; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return exporter.getFinishedSpans();
  }

  it("runs the request in a SERVER span that continues the caller's trace, its work as children", async () => {
    const url = await serve((_request, response) => {
      recordServerRoute('GET', '/v1/properties/:id');
      trace.getTracer('spec').startSpan('work').end();
      response.end('ok');
    });

    const response = await fetch(`${url}/v1/properties/p-1?secret=1`, {
      headers: { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`, 'user-agent': 'spec' },
    });
    expect(await response.text()).toBe('ok');

    const spans = await finishedSpans(2);
    const serverSpan = spans.find((s) => s.kind === SpanKind.SERVER);
    const work = spans.find((s) => s.name === 'work');
    expect(serverSpan?.name).toBe('GET /v1/properties/:id');
    expect(serverSpan?.spanContext().traceId).toBe(CALLER_TRACE);
    expect(serverSpan?.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(work?.parentSpanContext?.spanId).toBe(serverSpan?.spanContext().spanId);
    expect(serverSpan?.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/v1/properties/:id',
      'url.path': '/v1/properties/p-1',
      'http.response.status_code': 200,
      'user_agent.original': 'spec',
    });
    expect(JSON.stringify(serverSpan?.attributes)).not.toContain('secret');
    expect(serverSpan?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('marks a 5xx answer as an error', async () => {
    const url = await serve((_request, response) => {
      response.statusCode = 503;
      response.end();
    });

    await (await fetch(`${url}/x`, { method: 'POST' })).arrayBuffer();

    const [span] = await finishedSpans(1);
    expect(span?.name).toBe('POST');
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes).toMatchObject({ 'http.response.status_code': 503, 'error.type': '503' });
  });

  it('records nothing for a request its caller did not sample, and still propagates its trace id', async () => {
    let traceIdSeen: string | undefined;
    const url = await serve((_request, response) => {
      traceIdSeen = trace.getActiveSpan()?.spanContext().traceId;
      trace.getTracer('spec').startSpan('work').end();
      response.end();
    });

    await (
      await fetch(url, { headers: { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-00` } })
    ).arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(traceIdSeen).toBe(CALLER_TRACE);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('applies the timeouts Fastify would set on its own server', () => {
    server = createTracedServer(() => undefined, {
      keepAliveTimeout: 7_000,
      requestTimeout: 9_000,
      connectionTimeout: 11_000,
      maxRequestsPerSocket: 5,
    });
    expect(server).toMatchObject({
      keepAliveTimeout: 7_000,
      requestTimeout: 9_000,
      timeout: 11_000,
      maxRequestsPerSocket: 5,
    });
  });
});
