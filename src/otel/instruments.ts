/**
 * The tracer and histogram `tracing()` uses, resolved from the providers in force, and the one way a
 * telemetry failure is reported: telemetry fails open, so a throwing provider, span processor, propagator
 * or meter is an `error` event (once per kind of failure), never the call's failure.
 */
import { ProxyTracerProvider, createNoopMeter, metrics, trace } from '@opentelemetry/api';
import type { Histogram, MeterProvider, Tracer, TracerProvider } from '@opentelemetry/api';
import type { CallInfo } from '../core/middleware.ts';

/** Tracer and meter name: the package's. */
const NAME = 'sturdy';
/** The bucket boundaries the conventions advise for `http.client.request.duration` (seconds). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/**
 * Where telemetry can fail, as the `error` event words it.
 * @example
 * fault('ending a span', error);
 */
export type Stage =
  | 'in the tracer provider'
  | 'in the meter provider'
  | 'starting a span'
  | 'injecting trace headers'
  | 'ending a span'
  | 'recording the duration';

/**
 * Reports one telemetry failure of one call.
 * @example
 * try { span.end(); } catch (error) { fault('ending a span', error); }
 */
export type Fault = (stage: Stage, error: unknown) => void;

/**
 * A reporter for one `tracing()` instance: each stage's first failure becomes an `error` event of the call it
 * happened in (message redacted); later ones are silent, so a broken SDK does not flood the events.
 * @example
 * const report = faultReporter(); const fault: Fault = (stage, error) => report(call, stage, error);
 */
export function faultReporter(): (call: CallInfo, stage: Stage, error: unknown) => void {
  const reported = new Set<Stage>();
  return (call, stage, error) => {
    if (reported.has(stage)) return;
    reported.add(stage);
    call.emit({
      type: 'error',
      reason: `sturdy/otel: telemetry failed ${stage}: ${messageOf(error, call)}; calls go on without it (reported once)`,
    });
  };
}

/**
 * An error's message, redacted like everything else sturdy emits; never throws.
 * @example
 * span.setStatus({ code: SpanStatusCode.ERROR, message: messageOf(error, call) });
 */
export function messageOf(error: unknown, call: CallInfo): string {
  try {
    return call.redact.text(String((error as { message?: unknown } | null)?.message ?? error));
  } catch {
    return 'error';
  }
}

/**
 * The tracer and the duration histogram in force (undefined for the API's no-op ones, or a provider that threw).
 * @example
 * const tracer = current.tracer(fault);
 */
export type Instruments = {
  tracer(fault: Fault): Tracer | undefined;
  histogram(fault: Fault): Histogram | undefined;
};

/**
 * The tracer and histogram of the providers in force, re-resolved only when a provider changes (a provider
 * that threw is not asked again until it changes). The global tracer provider is a proxy: what counts is its
 * delegate, which an SDK may set at any time.
 * @example
 * const current = instruments(options); const tracer = current.tracer(fault);
 */
export function instruments(options: { tracerProvider?: TracerProvider; meterProvider?: MeterProvider }): Instruments {
  let tracerSource: unknown;
  let tracer: Tracer | undefined;
  let meterSource: unknown;
  let histogram: Histogram | undefined;
  return {
    tracer(fault) {
      try {
        const provider = options.tracerProvider ?? trace.getTracerProvider();
        const source = delegateOf(provider);
        if (source !== tracerSource) {
          tracerSource = source;
          tracer = undefined;
          if (source !== noopTracerProvider()) tracer = provider.getTracer(NAME);
        }
      } catch (error) {
        fault('in the tracer provider', error);
      }
      return tracer;
    },
    histogram(fault) {
      try {
        const provider = options.meterProvider ?? metrics.getMeterProvider();
        if (provider !== meterSource) {
          meterSource = provider;
          histogram = undefined;
          const meter = provider.getMeter(NAME);
          if (meter !== createNoopMeter())
            histogram = meter.createHistogram('http.client.request.duration', {
              description: 'Duration of HTTP client requests.',
              unit: 's',
              advice: { explicitBucketBoundaries: DURATION_BUCKETS },
            });
        }
      } catch (error) {
        fault('in the meter provider', error);
      }
      return histogram;
    },
  };
}

let noopProvider: TracerProvider | undefined;
/** The API's no-op tracer provider: what a proxy without an SDK delegates to. */
const noopTracerProvider = () => (noopProvider ??= new ProxyTracerProvider().getDelegate());

const delegateOf = (provider: TracerProvider): unknown => {
  const proxy = provider as { getDelegate?: () => TracerProvider };
  return typeof proxy.getDelegate === 'function' ? proxy.getDelegate() : provider;
};
