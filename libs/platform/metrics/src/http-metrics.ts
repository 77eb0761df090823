import type { FastifyInstance } from 'fastify';
import type { MetricsRegistry } from './metrics.registry';

/**
 * HTTP RED metrics labelled by the route template (`/v1/bookings/:id`), never the raw URL, so ids in
 * paths cannot explode the label cardinality.
 */
export function installHttpMetrics(fastify: FastifyInstance, metrics: MetricsRegistry): void {
  const requests = metrics.counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'],
  });
  const duration = metrics.histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status_code: String(reply.statusCode),
    };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
    done();
  });
}
