import { composeConfig, loadConfig, runService } from '@rentguy/platform/config';
import { startTracing, tracingConfig } from '@rentguy/platform/tracing';

runService('image-worker', async () => {
  // Tracing starts before anything it instruments (http, undici, pg, ioredis) is loaded, so the app's
  // config and modules are imported only afterwards.
  const { OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SDK_DISABLED, TRACES_SAMPLE_RATIO } = loadConfig(
    composeConfig('image-worker', [tracingConfig]),
  );
  startTracing({
    service: 'image-worker',
    otlpEndpoint: OTEL_EXPORTER_OTLP_ENDPOINT,
    disabled: OTEL_SDK_DISABLED,
    sampleRatio: TRACES_SAMPLE_RATIO,
  });
  const [{ appConfig }, { bootstrap }] = await Promise.all([import('./config.js'), import('./bootstrap.js')]);
  await bootstrap(loadConfig(appConfig));
});
