/**
 * sturdy/otel in every runtime: with the API alone it changes nothing; with the in-memory SDK
 * handed in as `tracerProvider` (web APIs only, nothing registered globally) each attempt is a
 * CLIENT span; with the W3C propagator, traceparent reaches the baseUrl origin and no other.
 */
import { SpanKind, SpanStatusCode, propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { CaseContext, Echo } from '../context.ts';
import { expect, rejection } from '../harness.ts';

type OtelModule = typeof import('../../../src/otel/index.ts');

/**
 * @example
 * registerOtelCases(createContext(registry, { url, runtime: 'deno', sturdy, entries: { otel } }));
 */
export function registerOtelCases({ registry, url, sturdy, received, otherOrigin, entry, guarded }: CaseContext): void {
  const { createClient } = sturdy;

  registry.test('otel: with the API alone, tracing() changes nothing: no trace headers, the same errors', async () => {
    const { tracing } = entry<OtelModule>('otel');
    const api = createClient({ baseUrl: `${url}/`, use: [tracing({ propagateTo: [url] })], retry: false });
    const echoed = (await api.get('auth-echo').json()) as Echo;
    expect(echoed.method).toBe('GET');
    expect(echoed.headers.traceparent).toBe(undefined);
    expect(await rejection(api.get('missing'))).toSatisfy(sturdy.isHTTPError);
  });

  registry.test('otel: bad propagateTo is a TypeError naming the option', async () => {
    const { tracing } = entry<OtelModule>('otel');
    const error = await rejection(
      Promise.resolve().then(() => tracing({ propagateTo: ['https://uploads.example.com/path'] })),
    );
    expect(error instanceof TypeError && /option `propagateTo(\[\d+\])?` must be/.test(error.message)).toBe(true);
  });

  registry.test(
    'otel: an in-memory SDK as tracerProvider gets a CLIENT span per attempt with the HTTP client attributes',
    async () => {
      const { tracing } = entry<OtelModule>('otel');
      const exporter = new InMemorySpanExporter();
      const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
      const api = createClient({ baseUrl: `${url}/`, use: [tracing({ tracerProvider })], retry: false });
      await api.get('auth-echo', { searchParams: { token: 'tok-OTEL-secret', page: '1' } });
      expect(await rejection(api.get('missing'))).toSatisfy(sturdy.isHTTPError);
      const [ok, missing] = exporter.getFinishedSpans();
      expect(exporter.getFinishedSpans().length).toBe(2);
      expect(ok!.name).toBe('GET');
      expect(ok!.kind).toBe(SpanKind.CLIENT);
      const { hostname, port } = new URL(url);
      expect(ok!.attributes['server.address']).toBe(hostname);
      expect(ok!.attributes['server.port']).toBe(Number(port));
      expect(ok!.attributes['http.response.status_code']).toBe(200);
      expect(String(ok!.attributes['url.full'])).toMatch(/\/auth-echo\?token=.*page=1$/);
      expect(String(ok!.attributes['url.full'])).notToContain('tok-OTEL-secret');
      expect(missing!.attributes['error.type']).toBe('404');
      expect(missing!.status.code).toBe(SpanStatusCode.ERROR);
      await tracerProvider.shutdown();
    },
  );

  /** Runs `test` with the W3C propagator registered and an in-memory tracer provider, then removes both. */
  const withPropagation = async (
    test: (tracerProvider: BasicTracerProvider, exporter: InMemorySpanExporter) => Promise<void>,
  ) => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    try {
      await test(tracerProvider, exporter);
    } finally {
      propagation.disable();
      await tracerProvider.shutdown();
    }
  };

  registry.test('otel: traceparent reaches the baseUrl origin and never another origin', () =>
    withPropagation(async (tracerProvider, exporter) => {
      const { tracing } = entry<OtelModule>('otel');
      const api = createClient({ baseUrl: `${url}/`, use: [tracing({ tracerProvider })], retry: false });
      const other = await otherOrigin();
      await api.get('auth-echo');
      // The other origin's echo shows what sturdy's request carried there.
      const landed = (await api.get(`${other}/landing`).json()) as Echo;
      const own = (await received('/auth-echo')).at(-1)!;
      const [span, elsewhere] = exporter.getFinishedSpans();
      const { traceId, spanId } = span!.spanContext();
      expect(own.headers.traceparent).toBe(`00-${traceId}-${spanId}-01`);
      expect(elsewhere!.attributes['http.response.status_code']).toBe(200);
      expect(landed.headers.traceparent).toBe(undefined);
      expect(landed.headers.tracestate).toBe(undefined);
    }),
  );

  guarded('otel: a redirect to another origin is followed without traceparent', 'manualRedirects', () =>
    withPropagation(async (tracerProvider) => {
      const { tracing } = entry<OtelModule>('otel');
      const api = createClient({ baseUrl: `${url}/`, use: [tracing({ tracerProvider })], retry: false });
      const landed = (await api.post('redirect-away', { json: { n: 2 } }).json()) as Echo;
      expect(landed.url).toBe('/landing');
      expect(landed.body).toEqual({ n: 2 });
      expect(landed.headers.traceparent).toBe(undefined);
      expect((await received('/redirect-away')).at(-1)!.headers.traceparent).toSatisfy(
        (value: unknown) => typeof value === 'string' && value.startsWith('00-'),
      );
    }),
  );
}
