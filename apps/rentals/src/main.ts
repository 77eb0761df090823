import { loadConfig } from '@rentguy/platform/config';
import { runService } from '@rentguy/platform/http';
import { startTracing } from '@rentguy/platform/tracing';
import { rentalsConfigSchema } from './config';

runService('rentals', async () => {
  const config = loadConfig(rentalsConfigSchema);
  // Tracing starts before Nest and the instrumented libraries are loaded.
  startTracing({ service: 'rentals', otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const { bootstrap } = await import('./bootstrap');
  await bootstrap(config);
});
