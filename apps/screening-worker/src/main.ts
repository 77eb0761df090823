import { loadConfig } from '@rentguy/platform/config';
import { runService } from '@rentguy/platform/http';
import { startTracing } from '@rentguy/platform/tracing';
import { screeningWorkerConfigSchema } from './config';

runService('screening-worker', async () => {
  const config = loadConfig(screeningWorkerConfigSchema);
  // Tracing starts before Nest and the instrumented libraries are loaded.
  startTracing({ service: 'screening-worker', otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const { bootstrap } = await import('./bootstrap');
  await bootstrap(config);
});
