import { loadConfig } from '@rentguy/platform/config';
import { runService } from '@rentguy/platform/http';
import { startTracing } from '@rentguy/platform/tracing';
import { notificationsConfigSchema } from './config';

runService('notifications', async () => {
  const config = loadConfig(notificationsConfigSchema);
  // Tracing starts before Nest and the instrumented libraries are loaded.
  startTracing({ service: 'notifications', otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const { bootstrap } = await import('./bootstrap');
  await bootstrap(config);
});
