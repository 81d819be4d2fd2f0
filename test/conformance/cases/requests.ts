/** Requests, retries, timeouts and errors: what every call relies on. */
import { now, UUID, type CaseContext, type Echo, type SturdyModule } from '../context.ts';
import { expect, rejection } from '../harness.ts';

/**
 * @example
 * registerRequestCases(createContext(registry, { url, runtime: 'deno', sturdy }));
 */
export function registerRequestCases({ registry, url, sturdy, api, received }: CaseContext): void {
  const { createClient } = sturdy;

  registry.test(
    'JSON POST round trip: the server receives the compact body, JSON headers and an Idempotency-Key',
    async () => {
      const payload = { sku: 'A1', qty: 2, note: 'grüße 😀', nested: { list: [1, null, true] } };
      const echoed = (await api.post('echo', { json: payload }).json()) as Echo;
      expect(echoed.method).toBe('POST');
      expect(echoed.body).toEqual(payload);
      expect(echoed.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(echoed.headers.accept).toBe('application/json');
      expect(echoed.headers['idempotency-key']).toMatch(UUID);
      const [request] = await received('/echo');
      expect(request?.body).toBe(JSON.stringify(payload));
    },
  );

  registry.test('POST retried on 503, 503, 201 carries one Idempotency-Key on all three attempts', async () => {
    const retrying = createClient({ baseUrl: `${url}/`, retry: { limit: 3, delay: () => 20, jitter: false } });
    const created = await retrying.post('retry-key', { json: { order: 42 } }).json();
    expect(created).toEqual({ created: true });
    const requests = await received('/retry-key');
    expect(requests.length).toBe(3);
    const keys = new Set(requests.map((request) => request.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(UUID);
    expect(requests.every((request) => request.body === '{"order":42}')).toBe(true);
  });

  registry.test('Retry-After: 1 on a 503 is waited (server saw the retry >= 1 s later)', async () => {
    const started = now();
    expect(await api.get('retry-after').json()).toEqual({ ok: true });
    const [first, second] = await received('/retry-after');
    expect(second!.at - first!.at).toBeAtLeast(950);
    expect(now() - started).toBeBelow(8_000);
  });

  registry.test('an aborted signal stops a long Retry-After wait at once', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    setTimeout(() => controller.abort(reason), 150);
    const started = now();
    const error = await rejection(api.get('busy', { signal: controller.signal }));
    expect(error).toBe(reason);
    expect(now() - started).toBeBelow(5_000);
    expect((await received('/busy')).length).toBe(1);
  });

  registry.test('timeout: a server that never answers rejects with TimeoutError (attempt)', async () => {
    const error = await rejection(api.get('hang', { timeout: 200, retry: false }));
    expect(error).toSatisfy(sturdy.isTimeoutError);
    expect(error).toBeInstanceOf(sturdy.TimeoutError);
    expect((error as { timeout?: string }).timeout).toBe('attempt');
    expect((error as Error).message).toContain('timeout of 200 ms');
  });

  registry.test(
    "timeout: a shortcut's body read that stalls after the headers rejects with TimeoutError (attempt)",
    async () => {
      // The idle guard is for streams (sturdy/ndjson, sturdy/sse): ky's per-read timeout bounds a shortcut.
      const error = await rejection(api.get('stall', { timeout: 300, idleTimeout: 100, retry: false }).json());
      expect(error).toSatisfy(sturdy.isTimeoutError);
      expect((error as { timeout?: string }).timeout).toBe('attempt');
      expect((error as Error).message).toContain('timeout of 300 ms');
    },
  );

  registry.test(
    'ParseError: an HTML page with status 200 from .json() names status, content type and a short snippet',
    async () => {
      const error = await rejection(api.get('html').json());
      expect(error).toSatisfy(sturdy.isParseError);
      const parse = error as InstanceType<SturdyModule['ParseError']>;
      expect(parse.status).toBe(200);
      expect(parse.contentType).toMatch(/^text\/html/);
      expect(parse.snippet).toContain('Service unavailable');
      expect(parse.snippet.length).toBeBelow(201);
    },
  );

  registry.test(
    'redaction: a token in the query string reaches the server but no error message, JSON or event',
    async () => {
      const secret = 'tok-S3CRET-4242';
      const events: unknown[] = [];
      const error = await rejection(
        api.get('missing', {
          searchParams: { token: secret, page: 2 },
          retry: false,
          onEvent: (event) => events.push(event),
        }),
      );
      expect(error).toSatisfy(sturdy.isHTTPError);
      const http = error as InstanceType<SturdyModule['HTTPError']>;
      expect(http.response.status).toBe(404);
      expect(http.data).toEqual({ error: 'not_found', detail: 'no such order' });
      for (const text of [http.message, String(http), JSON.stringify(http), http.request.url, JSON.stringify(events)])
        expect(text).notToContain(secret);
      expect(http.message).toContain('REDACTED');
      expect(events.length).toBeAtLeast(2);
      const [request] = await received('/missing');
      expect(request?.url).toContain(`token=${secret}`);
      const timeout = await rejection(
        api.get('hang', { searchParams: { access_token: secret }, timeout: 100, retry: false }),
      );
      expect((timeout as Error).message).notToContain(secret);
    },
  );

  registry.test('SerializationError names the path ($.items[0].price) and nothing is sent', async () => {
    const error = await rejection(api.post('never', { json: { items: [{ price: 10n }] } }));
    expect(error).toSatisfy(sturdy.isSerializationError);
    expect((error as { path?: string }).path).toBe('$.items[0].price');
    expect((await received('/never')).length).toBe(0);
  });

  registry.test(
    '.result() resolves { ok: false } with HTTPError and its parsed data instead of rejecting',
    async () => {
      const result = await api.get('missing', { retry: false }).result();
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toSatisfy(sturdy.isHTTPError);
      expect((result.error as InstanceType<SturdyModule['HTTPError']>).data).toEqual({
        error: 'not_found',
        detail: 'no such order',
      });
    },
  );
}
