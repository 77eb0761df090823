import { loadConfig } from '@rentguy/platform/config';
import { runService } from '@rentguy/platform/http';
import { startTracing } from '@rentguy/platform/tracing';
import { imageWorkerConfigSchema } from './config';

runService('image-worker', async () => {
  const config = loadConfig(imageWorkerConfigSchema);
  // Tracing starts before Nest and the instrumented libraries are loaded.
  startTracing({ service: 'image-worker', otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const { bootstrap } = await import('./bootstrap');
  await bootstrap(config);
});
