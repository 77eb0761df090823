import { z } from 'zod';
import { loadConfig, runService, tracingConfig } from '@rentguy/platform/config';
import { startTracing } from '@rentguy/platform/tracing';

runService('screening-worker', async () => {
  // Tracing starts before anything it instruments (http, undici, pg, ioredis) is loaded, so the app's
  // config and modules are imported only afterwards.
  const { OTEL_EXPORTER_OTLP_ENDPOINT } = loadConfig(z.object(tracingConfig));
  startTracing({ service: 'screening-worker', otlpEndpoint: OTEL_EXPORTER_OTLP_ENDPOINT });
  const [{ screeningWorkerConfigSchema }, { bootstrap }] = await Promise.all([
    import('./config.js'),
    import('./bootstrap.js'),
  ]);
  await bootstrap(loadConfig(screeningWorkerConfigSchema));
});
