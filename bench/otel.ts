/**
 * What `tracing()` (sturdy/otel) costs per call, over a stub fetch (POST JSON + parse, sturdy's
 * defaults plus bearer), all cases in one run, alternating rounds, ratios as medians of per-round
 * ratios: no middleware, a pass-through middleware, tracing() with the API alone (target <= 1.03x),
 * tracing() with the SDK (batch span processor, no-op exporters, W3C propagator, AsyncLocalStorage
 * context manager; target <= 1.3x). Standalone: `node bench/otel.ts [rounds] [n]` (Node 24).
 */
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, W3CTraceContextPropagator } from '@opentelemetry/core';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { bearer, createClient, type Middleware } from '../src/index.ts';
import { tracing } from '../src/otel/index.ts';
import { alternate, median, pairedRatio, perOp, type Case } from './stats.ts';

const REPLY = JSON.stringify({ id: 'ord_1', total: 20, items: [{ sku: 'A1', quantity: 2 }] });
const PAYLOAD = { sku: 'A1', quantity: 2, note: 'bench' };
const BASE_URL = 'https://api.example.com/v1/';

/** Answers at once; reads a body as fetch would send it. Records the last traceparent it saw. */
let lastTraceparent: string | null = null;
const stubFetch = (async (input: RequestInfo | URL) => {
  if (input instanceof Request) {
    lastTraceparent = input.headers.get('traceparent');
    if (input.body) await input.arrayBuffer();
  }
  return new Response(REPLY, { status: 200, headers: { 'content-type': 'application/json' } });
}) as typeof fetch;

const done = (callback: (result: { code: ExportResultCode }) => void) => callback({ code: ExportResultCode.SUCCESS });
const noopSpanExporter: SpanExporter = { export: (_spans, callback) => done(callback), shutdown: async () => {} };
const noopMetricExporter: PushMetricExporter = {
  export: (_metrics, callback) => done(callback),
  forceFlush: async () => {},
  shutdown: async () => {},
};

/** The SDK as a Node service sets it up, with exporters that drop everything. */
function startSdk() {
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(noopSpanExporter)] });
  const meterProvider = new MeterProvider({
    readers: [new PeriodicExportingMetricReader({ exporter: noopMetricExporter, exportIntervalMillis: 1_000 })],
  });
  const contextManager = new AsyncLocalStorageContextManager();
  const register = () => {
    trace.setGlobalTracerProvider(tracerProvider);
    metrics.setGlobalMeterProvider(meterProvider);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    context.setGlobalContextManager(contextManager.enable());
  };
  const unregister = () => {
    trace.disable();
    metrics.disable();
    propagation.disable();
    context.disable();
  };
  return { register, unregister, shutdown: () => Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]) };
}

const client = (use: Middleware[]) =>
  createClient({ baseUrl: BASE_URL, fetch: stubFetch, auth: bearer('bench-token'), use });
const call = (api: ReturnType<typeof client>) => () => api.post('orders', { json: PAYLOAD }).json();

const rounds = Number(process.argv[2] ?? 21);
const n = Number(process.argv[3] ?? 1500);
const sdk = startSdk();
const passThrough: Middleware = (request, next) => next(request);
const plain = call(client([]));
const empty = call(client([passThrough]));
const traced = call(client([tracing()]));

// Sanity, outside the timed rounds: the API alone sends no traceparent, the SDK does.
await traced();
if (lastTraceparent !== null) throw new Error('otel bench: a traceparent was sent without an SDK');
sdk.register();
await traced();
sdk.unregister();
if (!(lastTraceparent as string | null)?.startsWith('00-'))
  throw new Error('otel bench: the SDK case sent no traceparent');

const cases: Record<string, Case> = {
  'sturdy, no middleware': () => perOp(plain, n),
  'a pass-through middleware': () => perOp(empty, n),
  'tracing(), API alone (no SDK)': () => perOp(traced, n),
  'tracing(), SDK + no-op exporters': async () => {
    sdk.register();
    try {
      return await perOp(traced, n);
    } finally {
      sdk.unregister();
    }
  },
};
const targets: Record<string, string> = {
  'tracing(), API alone (no SDK)': '<= 1.03',
  'tracing(), SDK + no-op exporters': '<= 1.3',
};

const samples = await alternate(cases, rounds, 2);
const baseline = samples['sturdy, no middleware']!;
const passing = samples['a pass-through middleware']!;
const rows = Object.entries(samples).map(
  ([name, values]) =>
    `| ${name} | ${median(values).toFixed(1)} | ${pairedRatio(values, baseline).toFixed(3)} | ${pairedRatio(values, passing).toFixed(3)} | ${targets[name] ?? '-'} |`,
);

/** The middleware alone, around a `next` that answers at once: its own cost per attempt, without sturdy's noise. */
async function alone(setup: () => void, teardown: () => void): Promise<number> {
  const middleware = tracing();
  const response = new Response(null);
  const next = async () => response;
  const request = new Request(`${BASE_URL}orders`, { method: 'POST' });
  const info = {
    method: 'POST',
    attempt: 1,
    signal: undefined,
    remaining: () => Infinity,
    retry: { limit: 0, maxRetryAfter: 0 },
    emit() {},
    context: {},
  };
  const call = {
    ...info,
    redact: { url: String, text: String, isSensitiveHeader: () => false },
    isCredentialOrigin: () => true,
    credential: undefined,
  } as Parameters<Middleware>[2];
  setup();
  try {
    const costs: number[] = [];
    for (let round = 0; round < 5; round++) {
      const floor = await perOp(next, n * 10);
      costs.push((await perOp(() => middleware(request, next, call), n * 10)) - floor);
    }
    return median(costs);
  } finally {
    teardown();
  }
}
const aloneNoSdk = await alone(
  () => {},
  () => {},
);
const aloneSdk = await alone(sdk.register, sdk.unregister);
await sdk.shutdown();
console.log(
  [
    `### sturdy/otel per-call cost (stub fetch, POST JSON + parse, defaults + bearer; ${rounds} rounds x ${n} calls, Node ${process.versions.node})`,
    '',
    '| case | CPU us/op | x no middleware | x pass-through | target |',
    '|---|--:|--:|--:|--:|',
    ...rows,
    '',
    `tracing() alone around a \`next\` that answers at once (redaction stubbed): API alone ${aloneNoSdk.toFixed(2)} us/attempt, SDK ${aloneSdk.toFixed(2)} us/attempt.`,
  ].join('\n'),
);
