/**
 * The real OpenTelemetry SDK for tests: tracer provider with an in-memory exporter, a meter
 * provider with a reader collected on demand, the W3C propagator and the AsyncLocalStorage
 * context manager, registered globally (or not) and torn down again.
 */
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { MeterProvider, MetricReader, type HistogramMetricData } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';

/** A pull reader: metrics are read when a test calls collect(). */
class TestReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export type TestSdk = {
  tracerProvider: BasicTracerProvider;
  meterProvider: MeterProvider;
  /** Finished spans, in the order they ended. */
  spans(): ReadableSpan[];
  /** The points of one histogram (all scopes). */
  histogram(name: string): Promise<HistogramMetricData | undefined>;
  /** Forgets finished spans. */
  reset(): void;
  /** Unregisters the globals and shuts the providers down. */
  shutdown(): Promise<void>;
};

/**
 * @example
 * const sdk = startSdk({ global: true });
 * await api.get('ok');
 * expect(sdk.spans()).toHaveLength(1);
 */
export function startSdk({ global }: { global: boolean }): TestSdk {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  if (global) {
    trace.setGlobalTracerProvider(tracerProvider);
    metrics.setGlobalMeterProvider(meterProvider);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  }
  return {
    tracerProvider,
    meterProvider,
    spans: () => exporter.getFinishedSpans(),
    async histogram(name) {
      const { resourceMetrics } = await reader.collect();
      const all = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
      return all.find((metric) => metric.descriptor.name === name) as HistogramMetricData | undefined;
    },
    reset: () => exporter.reset(),
    async shutdown() {
      if (global) disableGlobals();
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}

/** Back to the API alone: no provider, propagator or context manager registered. */
export function disableGlobals(): void {
  trace.disable();
  metrics.disable();
  propagation.disable();
  context.disable();
}
