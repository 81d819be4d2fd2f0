/**
 * sturdy/otel with the real SDK registered globally, against real node:http servers:
 * what spans, attributes, links, trace headers and metrics each kind of call produces.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  createTraceState,
  propagation,
  trace,
  type MeterProvider,
  type TextMapPropagator,
  type TracerProvider,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  apiKey,
  bearer,
  createClient,
  isNetworkError,
  isRedirectError,
  isHTTPError,
  isTimeoutError,
  type Middleware,
  type SturdyEvent,
} from '../src/index.ts';
import { tracing } from '../src/otel/index.ts';
import { startSdk, type TestSdk } from './helpers/otel-sdk.ts';
import { modes, startServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
let foreign: TestServer;
let sdk: TestSdk;
const quick = { limit: 2, delay: () => 1 };

beforeAll(async () => {
  sdk = startSdk({ global: true });
  [server, foreign] = await Promise.all([startServer(), startServer()]);
  server.route('/ok', modes.echo(200));
  server.route('/flaky', modes.sequence([503, { status: 200, body: { ok: true } }]));
  server.route('/flaky-metrics', modes.sequence([503, { status: 200, body: { ok: true } }]));
  server.route('/missing', modes.json(404, { error: 'not_found' }));
  server.route('/drop', modes.drop());
  server.route('/hang', modes.hang());
  server.route('/secret', modes.echo(200));
  server.route('/moved', modes.redirect('/ok', 307));
  server.route('/guarded', (request, response) => {
    const ok = request.headers.authorization === 'Bearer fresh-token-2222';
    response.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ ok }));
  });
  foreign.route('/ok', modes.echo(200));
});
afterAll(async () => {
  await Promise.all([server.close(), foreign.close(), sdk.shutdown()]);
});
beforeEach(() => sdk.reset());

const traceparentOf = (span: ReadableSpan) => `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;
const lastRequest = (target: TestServer, path: string) => target.requestsTo(path).at(-1)!;

describe('spans', () => {
  test('a success: one CLIENT span named after the method, with the stable HTTP client attributes, child of the active span', async () => {
    const api = createClient({ baseUrl: `${server.url}/`, use: [tracing()] });
    const parent = trace.getTracer('test').startSpan('checkout');
    await context.with(trace.setSpan(context.active(), parent), () => api.get('ok', { searchParams: { page: 2 } }));
    parent.end();
    const [span, ...rest] = sdk.spans().filter((s) => s.name !== 'checkout');
    expect(rest).toEqual([]);
    expect(span!.name).toBe('GET');
    expect(span!.kind).toBe(SpanKind.CLIENT);
    expect(span!.instrumentationScope.name).toBe('sturdy');
    expect(span!.attributes).toEqual({
      'http.request.method': 'GET',
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'url.full': `${server.url}/ok?page=2`,
      'http.response.status_code': 200,
    });
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    expect(span!.links).toEqual([]);
    expect(span!.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(span!.spanContext().traceId).toBe(parent.spanContext().traceId);
    // The baseUrl origin gets the attempt's own span as parent.
    expect(lastRequest(server, '/ok').headers.traceparent).toBe(traceparentOf(span!));
  });

  test('a 503 then 200: two spans, the second with resend_count 1 and linked to the first; each attempt sends its own traceparent', async () => {
    const api = createClient({ baseUrl: `${server.url}/`, use: [tracing()], retry: quick });
    expect(await api.get('flaky').json()).toEqual({ ok: true });
    const [first, second] = sdk.spans();
    expect(sdk.spans()).toHaveLength(2);
    expect(first!.attributes).toMatchObject({ 'http.response.status_code': 503, 'error.type': '503' });
    expect(first!.attributes).not.toHaveProperty('http.request.resend_count');
    expect(first!.status.code).toBe(SpanStatusCode.ERROR);
    expect(second!.attributes).toMatchObject({ 'http.response.status_code': 200, 'http.request.resend_count': 1 });
    expect(second!.attributes).not.toHaveProperty('error.type');
    expect(second!.status.code).toBe(SpanStatusCode.UNSET);
    expect(second!.links.map((link) => link.context.spanId)).toEqual([first!.spanContext().spanId]);
    expect(server.requestsTo('/flaky').map((r) => r.headers.traceparent)).toEqual([
      traceparentOf(first!),
      traceparentOf(second!),
    ]);
  });

  test('a 404 (not retried): error.type is the status code, span status ERROR', async () => {
    const api = createClient({ baseUrl: `${server.url}/`, use: [tracing()] });
    await expect(api.get('missing')).rejects.toThrow();
    const [span] = sdk.spans();
    expect(span!.attributes).toMatchObject({ 'http.response.status_code': 404, 'error.type': '404' });
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR });
  });

  test("a network error: no status code, error.type is the runtime's code, status ERROR; a per-attempt timeout is TimeoutError", async () => {
    const api = createClient({ baseUrl: `${server.url}/`, use: [tracing()], retry: false });
    const dropped = await api.get('drop').catch((error: unknown) => error);
    expect(isNetworkError(dropped)).toBe(true);
    const hung = await api.get('hang', { timeout: 150 }).catch((error: unknown) => error);
    expect(isTimeoutError(hung)).toBe(true);
    const [drop, hang] = sdk.spans();
    expect(drop!.attributes).not.toHaveProperty('http.response.status_code');
    expect(drop!.attributes['error.type']).toBe('UND_ERR_SOCKET');
    expect(drop!.status.code).toBe(SpanStatusCode.ERROR);
    expect(hang!.attributes['error.type']).toBe('TimeoutError');
    expect(hang!.status.code).toBe(SpanStatusCode.ERROR);
  });

  test('connection refused: error.type ECONNREFUSED', async () => {
    const closed = await startServer();
    const url = closed.url;
    await closed.close();
    const api = createClient({ baseUrl: `${url}/`, use: [tracing()], retry: false });
    await expect(api.get('ok')).rejects.toThrow();
    expect(sdk.spans().map((s) => s.attributes['error.type'])).toEqual(['ECONNREFUSED']);
  });

  test('a 401 with bearer(provider): the refreshed repeat passes through the middleware as a second, linked span', async () => {
    let token = 'stale-token-1111';
    const api = createClient({
      baseUrl: `${server.url}/`,
      use: [tracing()],
      auth: bearer(({ refresh }) => (refresh ? (token = 'fresh-token-2222') : token)),
    });
    expect(await api.get('guarded').json()).toEqual({ ok: true });
    const [refused, repeated] = sdk.spans();
    expect(sdk.spans()).toHaveLength(2);
    expect(refused!.attributes).toMatchObject({ 'http.response.status_code': 401, 'error.type': '401' });
    expect(repeated!.attributes).toMatchObject({ 'http.response.status_code': 200, 'http.request.resend_count': 1 });
    expect(repeated!.links[0]!.context.spanId).toBe(refused!.spanContext().spanId);
    expect(server.requestsTo('/guarded').map((r) => r.headers.traceparent)).toEqual([
      traceparentOf(refused!),
      traceparentOf(repeated!),
    ]);
    // The credential is on the wire but in no span.
    expect(JSON.stringify(sdk.spans().map((s) => [s.attributes, s.status, s.events]))).not.toMatch(/token-\d{4}/);
  });

  test('a redirect sturdy follows itself (credentials attached): each hop is a span, the second with resend_count 1', async () => {
    const api = createClient({ baseUrl: `${server.url}/`, use: [tracing()], auth: bearer('tok-hop-3333') });
    await api.get('moved');
    const [hop, landed] = sdk.spans();
    expect(sdk.spans()).toHaveLength(2);
    expect(hop!.attributes).toMatchObject({ 'http.response.status_code': 307, 'url.full': `${server.url}/moved` });
    expect(hop!.attributes).not.toHaveProperty('error.type');
    expect(landed!.attributes).toMatchObject({
      'http.response.status_code': 200,
      'url.full': `${server.url}/ok`,
      'http.request.resend_count': 1,
    });
    expect(landed!.links[0]!.context.spanId).toBe(hop!.spanContext().spanId);
  });

  test('an unknown method: span name HTTP, method _OTHER, the original kept', async () => {
    const api = createClient({ baseUrl: `${server.url}/`, use: [tracing()] });
    await api.request('ok', { method: 'PURGE' });
    const [span] = sdk.spans();
    expect(lastRequest(server, '/ok').method).toBe('PURGE');
    expect(span!.name).toBe('HTTP');
    expect(span!.attributes).toMatchObject({
      'http.request.method': '_OTHER',
      'http.request.method_original': 'PURGE',
    });
  });
});

describe('credentials never reach a span', () => {
  test('url.full is redacted: an apiKey in the query, a token= parameter, a redact.query name', async () => {
    const api = createClient({
      baseUrl: `${server.url}/`,
      use: [tracing()],
      auth: apiKey({ key: 'k-live-9f8e7d6c', query: 'api_key' }),
      redact: { query: ['session'] },
    });
    await api.get('secret', { searchParams: { token: 'tok-5a4b3c2d', session: 'sess-1a2b3c4d', page: '1' } });
    const received = lastRequest(server, '/secret').url;
    expect(received).toContain('api_key=k-live-9f8e7d6c');
    expect(received).toContain('token=tok-5a4b3c2d');
    const [span] = sdk.spans();
    const full = String(span!.attributes['url.full']);
    expect(full).toContain('page=1');
    for (const secret of ['k-live-9f8e7d6c', 'tok-5a4b3c2d', 'sess-1a2b3c4d']) {
      expect(JSON.stringify(span!.attributes)).not.toContain(secret);
    }
    expect(full).toMatch(/api_key=(\[REDACTED\]|%5BREDACTED%5D)/);
    const metric = await sdk.histogram('http.client.request.duration');
    expect(JSON.stringify(metric)).not.toMatch(/k-live|tok-5a4b|sess-1a2b/);
  });

  test("a failure's status message is redacted too", async () => {
    // An inner layer whose error quotes the URL, as a runtime's network error may.
    const quoting: Middleware = async (request) => {
      throw new Error(`connection reset for ${request.url}`);
    };
    const api = createClient({ baseUrl: `${server.url}/`, use: [tracing(), quoting], retry: false });
    await expect(api.get('ok', { searchParams: { token: 'tok-77aa88bb' } })).rejects.toThrow();
    const [span] = sdk.spans();
    expect(span!.attributes['error.type']).toBe('Error');
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.status.message).toMatch(/^connection reset for http:\/\/127\.0\.0\.1:\d+\/ok\?token=/);
    expect(span!.status.message).not.toContain('tok-77aa88bb');
  });
});

describe('propagation', () => {
  /** A caller's active trace, with a tracestate. */
  const parent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: 1,
    traceState: createTraceState('shop=checkout'),
  });

  test('traceparent and tracestate reach the baseUrl origin, not a foreign one; propagateTo adds an origin', async () => {
    const plain = createClient({ baseUrl: `${server.url}/`, use: [tracing()] });
    await context.with(parent, async () => {
      await plain.get('ok');
      await plain.get(`${foreign.url}/ok`);
    });
    const [own, other] = sdk.spans();
    expect(lastRequest(server, '/ok').headers.traceparent).toBe(traceparentOf(own!));
    expect(lastRequest(server, '/ok').headers.tracestate).toBe('shop=checkout');
    expect(own!.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    // The foreign call is traced, but its server learns nothing of the trace.
    expect(other!.attributes['server.port']).toBe(foreign.port);
    expect(lastRequest(foreign, '/ok').headers).not.toHaveProperty('traceparent');
    expect(lastRequest(foreign, '/ok').headers).not.toHaveProperty('tracestate');

    const listed = createClient({ baseUrl: `${server.url}/`, use: [tracing({ propagateTo: [foreign.origin] })] });
    await context.with(parent, () => listed.get(`${foreign.url}/ok`));
    expect(lastRequest(foreign, '/ok').headers.traceparent).toMatch(
      /^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/,
    );
  });

  test('a 302 to another origin on a client without auth: the second server never sees traceparent or tracestate', async () => {
    server.route('/away', modes.redirect(`${foreign.url}/landing`, 302));
    foreign.route('/landing', modes.echo(200));
    const api = createClient({ baseUrl: `${server.url}/`, use: [tracing()] });
    const body = await context.with(parent, () => api.get('away').json<{ url: string }>());
    expect(body.url).toBe('/landing');
    // The base origin got the trace headers; the origin it redirected to did not.
    expect(lastRequest(server, '/away').headers.traceparent).toBe(traceparentOf(sdk.spans()[0]!));
    expect(lastRequest(server, '/away').headers.tracestate).toBe('shop=checkout');
    expect(lastRequest(foreign, '/landing').headers).not.toHaveProperty('traceparent');
    expect(lastRequest(foreign, '/landing').headers).not.toHaveProperty('tracestate');
    expect(sdk.spans().map((span) => span.attributes['http.response.status_code'])).toEqual([200]);

    // A redirect within the allowed origins keeps them, and propagateTo allows the other origin too.
    server.route('/around', modes.redirect('/ok', 302));
    await context.with(parent, () => api.get('around'));
    expect(lastRequest(server, '/ok').headers.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-/);
    const listed = createClient({ baseUrl: `${server.url}/`, use: [tracing({ propagateTo: [foreign.origin] })] });
    await context.with(parent, () => listed.get('away'));
    expect(lastRequest(foreign, '/landing').headers.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-/);
  });

  test('a POST answered 307 to another origin: the body is sent again, the trace headers are not', async () => {
    server.route('/submit', modes.redirect(`${foreign.url}/accept`, 307));
    foreign.route('/accept', modes.echo(201));
    const api = createClient({ baseUrl: `${server.url}/`, use: [tracing()] });
    const echoed = await api.post('submit', { json: { sku: 'C3' } }).json<{ method: string; body: unknown }>();
    expect(echoed).toMatchObject({ method: 'POST', body: { sku: 'C3' } });
    expect(lastRequest(server, '/submit').headers).toHaveProperty('traceparent');
    expect(lastRequest(foreign, '/accept').headers).not.toHaveProperty('traceparent');
    expect(lastRequest(foreign, '/accept').headers['content-type']).toBe('application/json; charset=utf-8');

    // A 303 turns it into a GET without the body.
    server.route('/submit-then-see', modes.redirect(`${foreign.url}/accept`, 303));
    const seen = await api.post('submit-then-see', { json: { sku: 'C4' } }).json<{ method: string; body: unknown }>();
    expect(seen.method).toBe('GET');
    expect(seen.body).toBeUndefined();
    expect(lastRequest(foreign, '/accept').headers).not.toHaveProperty('traceparent');
  });

  test('a streamed upload over 1 MiB answered 307 is not kept in memory to send again: a RedirectError, nothing sent on', async () => {
    server.route('/upload', modes.redirect(`${foreign.url}/stored`, 307));
    foreign.route('/stored', modes.echo(201));
    const chunk = new Uint8Array(64 * 1024).fill(120);
    const stream = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 32; i++) controller.enqueue(chunk);
          controller.close();
        },
      });
    const api = createClient({ baseUrl: `${server.url}/`, use: [tracing()], retry: false });
    const error = await api.post('upload', { body: stream }).catch((caught: unknown) => caught);
    expect(isRedirectError(error)).toBe(true);
    expect(lastRequest(server, '/upload').body).toHaveLength(2 * 1024 * 1024);
    expect(foreign.requestsTo('/stored')).toHaveLength(0);
  });

  test("credentialOrigins count as credential origins; the caller's own headers and body arrive unchanged", async () => {
    const api = createClient({ baseUrl: `${server.url}/`, credentialOrigins: [foreign.origin], use: [tracing()] });
    await api.post(`${foreign.url}/ok`, { json: { sku: 'A1' }, headers: { 'x-app': 'shop' } });
    const received = lastRequest(foreign, '/ok');
    expect(received.headers.traceparent).toBe(traceparentOf(sdk.spans()[0]!));
    expect(received.headers['x-app']).toBe('shop');
    expect(received.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(received.body)).toEqual({ sku: 'A1' });
  });
  test('a Request whose headers cannot change is copied with the trace headers, body and all', async () => {
    const frozen: Middleware = (request, next) => {
      const headers = new Headers(request.headers);
      const readOnly = Object.assign(Object.create(Headers.prototype) as Headers, {
        get: (name: string) => headers.get(name),
        has: (name: string) => headers.has(name),
        forEach: headers.forEach.bind(headers),
        [Symbol.iterator]: () => headers[Symbol.iterator](),
        set: () => {
          throw new TypeError('immutable');
        },
      });
      Object.defineProperty(request, 'headers', { value: readOnly });
      return next(request);
    };
    const api = createClient({ baseUrl: `${server.url}/`, use: [frozen, tracing()] });
    await api.post('ok', { json: { sku: 'B2' } });
    const received = lastRequest(server, '/ok');
    expect(received.headers.traceparent).toBe(traceparentOf(sdk.spans()[0]!));
    expect(JSON.parse(received.body)).toEqual({ sku: 'B2' });
  });
});

describe('metrics', () => {
  test('http.client.request.duration: seconds, the advised buckets, one point per method/status/server/error.type', async () => {
    const meterOnly = startSdk({ global: false });
    const api = createClient({
      baseUrl: `${server.url}/`,
      use: [tracing({ meterProvider: meterOnly.meterProvider })],
      retry: quick,
    });
    await api.get('ok');
    await api.get('ok');
    await api.get('flaky-metrics');
    await expect(api.get('missing')).rejects.toThrow();
    await expect(api.get('drop', { retry: false })).rejects.toThrow();
    const metric = await meterOnly.histogram('http.client.request.duration');
    await meterOnly.shutdown();
    expect(metric!.descriptor.unit).toBe('s');
    const points = metric!.dataPoints.map((point) => ({
      attributes: point.attributes,
      count: point.value.count,
      boundaries: point.value.buckets.boundaries,
    }));
    const where = { 'http.request.method': 'GET', 'server.address': '127.0.0.1', 'server.port': server.port };
    const byOutcome = (outcome: Record<string, unknown>) =>
      points.filter((p) => JSON.stringify(p.attributes) === JSON.stringify({ ...where, ...outcome }));
    // /flaky-metrics answered 200 after its 503: the 200 point counts both /ok calls and the retry's success.
    expect(byOutcome({ 'http.response.status_code': 200 }).map((p) => p.count)).toEqual([3]);
    expect(byOutcome({ 'http.response.status_code': 503, 'error.type': '503' }).map((p) => p.count)).toEqual([1]);
    expect(byOutcome({ 'http.response.status_code': 404, 'error.type': '404' }).map((p) => p.count)).toEqual([1]);
    expect(byOutcome({ 'error.type': 'UND_ERR_SOCKET' }).map((p) => p.count)).toEqual([1]);
    expect(points).toHaveLength(4);
    expect(points[0]!.boundaries).toEqual([0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]);
    // Loopback answers in well under a second: the values are seconds, not milliseconds.
    expect(metric!.dataPoints.every((point) => point.value.max! < 1)).toBe(true);
  });
});

describe('telemetry fails open', () => {
  const broken = (message: string) => () => {
    throw new Error(message);
  };
  const processor = (hooks: Partial<SpanProcessor>): SpanProcessor => ({
    onStart() {},
    onEnd() {},
    forceFlush: async () => {},
    shutdown: async () => {},
    ...hooks,
  });
  /** A histogram whose record throws: what a broken meter hands out. */
  const brokenMeter = {
    getMeter: () => ({ createHistogram: () => ({ record: broken('meter record broke') }) }),
  } as unknown as MeterProvider;

  /**
   * Three calls through `tracing(options)`: two answered 200, one 404. Each must end as it would without
   * telemetry (the same value, the same HTTPError), and the failure is one `error` event naming where.
   */
  const callsThrough = async (options: Parameters<typeof tracing>[0]) => {
    server.route('/fail-open', modes.json(200, { ok: true }));
    const events: SturdyEvent[] = [];
    const api = createClient({
      baseUrl: `${server.url}/`,
      use: [tracing(options)],
      retry: false,
      onEvent: (event) => events.push(event),
    });
    const before = server.requestsTo('/fail-open').length;
    expect(await api.get('fail-open').json()).toEqual({ ok: true });
    expect(await api.get('fail-open').json()).toEqual({ ok: true });
    const missing = await api.get('missing').catch((error: unknown) => error);
    expect(isHTTPError(missing)).toBe(true);
    expect((missing as { data?: unknown }).data).toEqual({ error: 'not_found' });
    expect(server.requestsTo('/fail-open')).toHaveLength(before + 2);
    // The 404's own error event is the call's; the rest are telemetry's.
    return events
      .filter((event) => event.type === 'error' && !event.reason?.startsWith('HTTPError'))
      .map((event) => event.reason);
  };

  test.each([
    [
      'a span processor whose onStart throws',
      { onStart: broken('processor onStart broke') },
      /starting a span.*onStart broke/,
    ],
    ['a span processor whose onEnd throws', { onEnd: broken('processor onEnd broke') }, /ending a span.*onEnd broke/],
  ])('%s: every call ends as without telemetry; reported once', async (_name, hooks, reason) => {
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [processor(hooks)] });
    expect(await callsThrough({ tracerProvider })).toEqual([expect.stringMatching(reason)]);
  });

  test('a tracer provider whose getTracer throws: every call ends as without telemetry; reported once', async () => {
    const tracerProvider = { getTracer: broken('getTracer broke') } as TracerProvider;
    expect(await callsThrough({ tracerProvider })).toEqual([expect.stringMatching(/tracer provider.*getTracer broke/)]);
  });

  test('a meter whose histogram.record throws: every call ends as without telemetry; reported once', async () => {
    const reasons = await callsThrough({ meterProvider: brokenMeter });
    expect(reasons).toEqual([expect.stringMatching(/recording the duration.*meter record broke/)]);
  });

  test('a propagator whose inject throws: the calls go out without trace headers; reported once', async () => {
    const throwing: TextMapPropagator = {
      inject: broken('inject broke'),
      extract: (active) => active,
      fields: () => [],
    };
    propagation.disable();
    propagation.setGlobalPropagator(throwing);
    try {
      expect(await callsThrough({})).toEqual([expect.stringMatching(/trace headers.*inject broke/)]);
      expect(lastRequest(server, '/fail-open').headers).not.toHaveProperty('traceparent');
    } finally {
      propagation.disable();
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    }
  });

  test('a throw while the span ends never replaces the outcome: a network error stays the network error', async () => {
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [processor({ onEnd: broken('onEnd broke') })] });
    const api = createClient({ baseUrl: `${server.url}/`, use: [tracing({ tracerProvider })], retry: false });
    expect(isNetworkError(await api.get('drop').catch((error: unknown) => error))).toBe(true);
  });
});

describe('options', () => {
  test('propagateTo must be an array of origins: a TypeError naming the option otherwise', () => {
    for (const bad of [
      'https://a.example',
      ['https://a.example/path'],
      ['a.example'],
      [42],
      ['https://user:pw@a.example'],
      ['ftp://a.example'],
      null,
    ]) {
      expect(() => tracing({ propagateTo: bad as never })).toThrow(
        /option `propagateTo(\[\d\])?` must be an (array of origins|origin) like.*; got (string|object|number) \(not shown\)$/,
      );
    }
    expect(() => tracing({ propagateTo: ['https://user:pw@a.example'] })).not.toThrow(/pw/);
    expect(() => tracing({ propagateTo: ['https://a.example', 'http://127.0.0.1:8080/'] })).not.toThrow();
  });

  test('unknown options, bad providers and a non-object are TypeErrors that say what to pass', () => {
    expect(() => tracing({ propagateTO: [] } as never)).toThrow(/unknown option `propagateTO`.*propagateTo/);
    expect(() => tracing({ tracerProvider: {} as never })).toThrow(
      /option `tracerProvider` must be an OpenTelemetry TracerProvider/,
    );
    expect(() => tracing({ meterProvider: 'x' as never })).toThrow(
      /option `meterProvider` must be an OpenTelemetry MeterProvider/,
    );
    expect(() => tracing(42 as never)).toThrow(/tracing\(options\) takes an options object/);
  });

  test('tracerProvider overrides the global provider', async () => {
    const own = startSdk({ global: false });
    const api = createClient({ baseUrl: `${server.url}/`, use: [tracing({ tracerProvider: own.tracerProvider })] });
    await api.get('ok');
    expect(own.spans().map((s) => s.name)).toEqual(['GET']);
    expect(sdk.spans()).toEqual([]);
    await own.shutdown();
  });
});
