/**
 * sturdy/otel with the API alone (no SDK registered): the middleware hands the very same
 * Request on and touches no tracer, meter, context or propagator. Then an SDK registered
 * after the client was made takes effect, and unregistering it goes back to nothing.
 */
import { ProxyTracer, ProxyTracerProvider, context, createNoopMeter, propagation, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, expect, test, vi } from 'vitest';
import { createClient, type Middleware } from '../src/index.ts';
import { tracing } from '../src/otel/index.ts';
import { disableGlobals, startSdk } from './helpers/otel-sdk.ts';
import { modes, startServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  disableGlobals();
  server = await startServer();
  server.route('/ok', modes.echo(200));
});
afterAll(() => server.close());
afterEach(() => {
  vi.restoreAllMocks();
  disableGlobals();
});

/** Wraps tracing() between two probes: what it was given, and what it passed on. */
function probed(options?: Parameters<typeof tracing>[0]) {
  const given: Request[] = [];
  const passed: Request[] = [];
  const before: Middleware = (request, next) => (given.push(request), next(request));
  const after: Middleware = (request, next) => (passed.push(request), next(request));
  const api = createClient({ baseUrl: `${server.url}/`, use: [before, tracing(options), after] });
  return { api, given, passed };
}

/** Spies on everything the middleware would touch to make a span, a metric or trace headers. */
function spyOnApi() {
  const noopTracer = new ProxyTracerProvider().getDelegate().getTracer('probe');
  return {
    proxyStart: vi.spyOn(ProxyTracer.prototype, 'startSpan'),
    noopStart: vi.spyOn(Object.getPrototypeOf(noopTracer) as { startSpan: () => unknown }, 'startSpan'),
    getTracer: vi.spyOn(ProxyTracerProvider.prototype, 'getTracer'),
    histogram: vi.spyOn(createNoopMeter(), 'createHistogram'),
    contextWith: vi.spyOn(context, 'with'),
    inject: vi.spyOn(propagation, 'inject'),
  };
}

test('no SDK: the same Request object passes through; no tracer, span, histogram, context or propagator is touched', async () => {
  const spies = spyOnApi();
  const { api, given, passed } = probed({ propagateTo: ['https://uploads.example.com'] });
  for (let i = 0; i < 3; i++) await api.get('ok');
  expect(passed).toHaveLength(3);
  passed.forEach((request, i) => expect(request).toBe(given[i]));
  expect(passed.map((request) => request.headers.get('traceparent'))).toEqual([null, null, null]);
  for (const spy of Object.values(spies)) expect(spy).not.toHaveBeenCalled();
  expect(server.requestsTo('/ok').every((r) => r.headers.traceparent === undefined)).toBe(true);
});

test('an SDK registered after the client was made is used from the next call on; trace.disable() makes it a no-op again', async () => {
  const { api, given, passed } = probed();
  await api.get('ok');
  expect(passed[0]).toBe(given[0]);

  const sdk = startSdk({ global: true });
  const spies = spyOnApi();
  await api.get('ok');
  expect(sdk.spans().map((span) => span.name)).toEqual(['GET']);
  expect(spies.contextWith).toHaveBeenCalled();
  expect(spies.inject).toHaveBeenCalledTimes(1);
  // A credential origin: the attempt's request carries traceparent.
  expect(passed[1]!.headers.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

  const sdkStart = vi.spyOn(sdk.tracerProvider.getTracer('sturdy'), 'startSpan');
  await sdk.shutdown();
  await api.get('ok');
  expect(passed[2]).toBe(given[2]);
  expect(passed[2]!.headers.get('traceparent')).toBe(null);
  expect(sdkStart).not.toHaveBeenCalled();
});

test('a meter provider alone: the histogram is recorded, no span is made and no trace header is added', async () => {
  const meterOnly = startSdk({ global: false });
  const spies = spyOnApi();
  const { api, given, passed } = probed({ meterProvider: meterOnly.meterProvider });
  await api.get('ok');
  expect(passed[0]).toBe(given[0]);
  expect(passed[0]!.headers.get('traceparent')).toBe(null);
  expect(spies.proxyStart).not.toHaveBeenCalled();
  expect(spies.noopStart).not.toHaveBeenCalled();
  const metric = await meterOnly.histogram('http.client.request.duration');
  expect(metric!.dataPoints.map((point) => point.value.count)).toEqual([1]);
  await meterOnly.shutdown();
});

test('the API alone, tracer fetched by hand: what the middleware avoids is really there to be called', () => {
  // Guards the spies above: without an SDK, the API's tracer still starts (no-op) spans when asked.
  const spies = spyOnApi();
  trace.getTracer('sturdy').startSpan('GET').end();
  expect(spies.getTracer).toHaveBeenCalledTimes(1);
  expect(spies.proxyStart).toHaveBeenCalledTimes(1);
  expect(spies.noopStart).toHaveBeenCalledTimes(1);
});
