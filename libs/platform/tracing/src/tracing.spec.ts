import { isSpanContextValid, trace } from '@opentelemetry/api';
import { startTracing, stopTracing } from './tracing';

const spanContextOfANewSpan = () => {
  const span = trace.getTracer('spec').startSpan('probe');
  span.end();
  return span.spanContext();
};

describe('startTracing', () => {
  afterEach(async () => {
    await stopTracing();
    trace.disable();
  });

  it('records spans with real trace ids by default, even with no exporter', () => {
    startTracing({ service: 'spec' });
    expect(isSpanContextValid(spanContextOfANewSpan())).toBe(true);
  });

  it('registers nothing when disabled (OTEL_SDK_DISABLED)', () => {
    startTracing({ service: 'spec', disabled: true });
    expect(isSpanContextValid(spanContextOfANewSpan())).toBe(false);
  });
});
