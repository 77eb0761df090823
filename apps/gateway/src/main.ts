import { z } from 'zod';
import { loadConfig, runService, tracingConfig } from '@rentguy/platform/config';
import { startTracing } from '@rentguy/platform/tracing';

runService('gateway', async () => {
  // Tracing starts before anything it instruments (http, undici, pg, ioredis) is loaded, so the app's
  // config and modules are imported only afterwards.
  const { OTEL_EXPORTER_OTLP_ENDPOINT } = loadConfig(z.object(tracingConfig));
  startTracing({ service: 'gateway', otlpEndpoint: OTEL_EXPORTER_OTLP_ENDPOINT });
  const [{ gatewayConfigSchema }, { bootstrap }] = await Promise.all([
    import('./config.js'),
    import('./bootstrap.js'),
  ]);
  await bootstrap(loadConfig(gatewayConfigSchema));
});
