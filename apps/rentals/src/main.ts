import { z } from 'zod';
import { loadConfig, runService, tracingConfig } from '@rentguy/platform/config';
import { startTracing } from '@rentguy/platform/tracing';

runService('rentals', async () => {
  // Tracing starts before anything it instruments (http, undici, pg, ioredis) is loaded, so the app's
  // config and modules are imported only afterwards.
  const { OTEL_EXPORTER_OTLP_ENDPOINT } = loadConfig(z.object(tracingConfig));
  startTracing({ service: 'rentals', otlpEndpoint: OTEL_EXPORTER_OTLP_ENDPOINT });
  const [{ rentalsConfigSchema }, { bootstrap }] = await Promise.all([
    import('./config.js'),
    import('./bootstrap.js'),
  ]);
  await bootstrap(loadConfig(rentalsConfigSchema));
});
