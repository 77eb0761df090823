import { loadConfig } from '@rentguy/platform/config';
import { runService } from '@rentguy/platform/http';
import { startTracing } from '@rentguy/platform/tracing';
import { gatewayConfigSchema } from './config';

runService('gateway', async () => {
  const config = loadConfig(gatewayConfigSchema);
  // Tracing starts before Nest and the instrumented libraries are loaded.
  startTracing({ service: 'gateway', otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const { bootstrap } = await import('./bootstrap');
  await bootstrap(config);
});
