import { context, isSpanContextValid, trace, TraceFlags } from '@opentelemetry/api';
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

  it('records a share of new traces (TRACES_SAMPLE_RATIO), keeping their ids when it does not', () => {
    startTracing({ service: 'spec', sampleRatio: 0 });
    const root = trace.getTracer('spec').startSpan('root');
    const recorded = root.isRecording();
    root.end();

    expect(recorded).toBe(false);
    expect(isSpanContextValid(root.spanContext())).toBe(true);
    expect(root.spanContext().traceFlags & TraceFlags.SAMPLED).toBe(0);
  });

  it("follows the caller's decision inside a trace, whatever the ratio", () => {
    startTracing({ service: 'spec', sampleRatio: 0 });
    const caller = trace.wrapSpanContext({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    const child = trace.getTracer('spec').startSpan('child', {}, trace.setSpan(context.active(), caller));
    const recorded = child.isRecording();
    child.end();

    expect(recorded).toBe(true);
    expect(child.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
  });
});
