/**
 * The conformance cases: what sturdy promises, checked against the real test
 * server (test/conformance/server.ts) from inside each runtime. Only web APIs
 * here (fetch, URL, ReadableStream, AbortController, TextEncoder), and the
 * BUILT package, handed in by the runtime's runner.
 */
import * as v from 'valibot';
import type * as Sturdy from '../../src/index.ts';
import { expect, rejection, type Registry } from './harness.ts';

/** The built package (dist/index.js), typed by its source. */
export type SturdyModule = typeof Sturdy;

/** Runtimes the suite knows; each runner names its own. */
export type RuntimeName = 'node24' | 'node22' | 'deno' | 'bun' | 'workerd' | 'edge-runtime' | 'chromium';

/**
 * What a case needs that some runtime cannot do, and why: the named skips. Each reason starts
 * with the skip's name (`upload streams: ...`), which README's runtime table lists
 * (scripts/runtime-table.ts checks that table against CI's results).
 */
type Limit = 'uploadStreams' | 'manualRedirects';

const LIMITS: Partial<Record<RuntimeName, Partial<Record<Limit, string>>>> = {
  chromium: {
    uploadStreams: 'upload streams: Chromium streams request bodies only over HTTP/2 and the test server speaks HTTP/1.1',
    manualRedirects: "manual redirects: a page gets an opaque response for redirect: 'manual'; the browser follows redirects itself (and drops Authorization across origins)",
  },
};

/** Everything a case may use. */
export type ConformanceEnv = {
  /** The test server, `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  runtime: RuntimeName;
  sturdy: SturdyModule;
};

type Echo = { method: string; url: string; headers: Record<string, string>; body: unknown };
type Received = { method: string; url: string; headers: Record<string, string>; body: string; at: number };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const now = () => globalThis.performance?.now() ?? Date.now();

/**
 * Registers every case for one runtime; cases the runtime cannot run are named skips.
 * @example
 * registerCases(registry, { url, runtime: 'deno', sturdy: await import('sturdy') });
 */
export function registerCases(registry: Registry, env: ConformanceEnv): void {
  const { url, sturdy } = env;
  const { createClient } = sturdy;
  const limits = LIMITS[env.runtime] ?? {};
  /** What the server received on a path, in order (read with plain fetch, not with sturdy). */
  const received = async (path: string): Promise<Received[]> => {
    const response = await fetch(`${url}/__received?path=${encodeURIComponent(path)}`);
    return (await response.json()) as Received[];
  };
  const api = createClient({ baseUrl: `${url}/` });
  const guarded = (name: string, limit: Limit, run: () => Promise<void>) => {
    const reason = limits[limit];
    if (reason) registry.skip(name, reason);
    else registry.test(name, run);
  };

  registry.test('JSON POST round trip: the server receives the compact body, JSON headers and an Idempotency-Key', async () => {
    const payload = { sku: 'A1', qty: 2, note: 'grüße 😀', nested: { list: [1, null, true] } };
    const echoed = (await api.post('echo', { json: payload }).json()) as Echo;
    expect(echoed.method).toBe('POST');
    expect(echoed.body).toEqual(payload);
    expect(echoed.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(echoed.headers.accept).toBe('application/json');
    expect(echoed.headers['idempotency-key']).toMatch(UUID);
    const [request] = await received('/echo');
    expect(request?.body).toBe(JSON.stringify(payload));
  });

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

  registry.test('idleTimeout: a body that stalls after the headers rejects with TimeoutError (idle)', async () => {
    const error = await rejection(api.get('stall', { idleTimeout: 200, retry: false }).json());
    expect(error).toSatisfy(sturdy.isTimeoutError);
    expect((error as { timeout?: string }).timeout).toBe('idle');
  });

  registry.test('ParseError: an HTML page with status 200 from .json() names status, content type and a short snippet', async () => {
    const error = await rejection(api.get('html').json());
    expect(error).toSatisfy(sturdy.isParseError);
    const parse = error as InstanceType<SturdyModule['ParseError']>;
    expect(parse.status).toBe(200);
    expect(parse.contentType).toMatch(/^text\/html/);
    expect(parse.snippet).toContain('Service unavailable');
    expect(parse.snippet.length).toBeBelow(201);
  });

  registry.test('redaction: a token in the query string reaches the server but no error message, JSON or event', async () => {
    const secret = 'tok-S3CRET-4242';
    const events: unknown[] = [];
    const error = await rejection(api.get('missing', { searchParams: { token: secret, page: 2 }, retry: false, onEvent: (event) => events.push(event) }));
    expect(error).toSatisfy(sturdy.isHTTPError);
    const http = error as InstanceType<SturdyModule['HTTPError']>;
    expect(http.response.status).toBe(404);
    expect(http.data).toEqual({ error: 'not_found', detail: 'no such order' });
    for (const text of [http.message, String(http), JSON.stringify(http), http.request.url, JSON.stringify(events)]) expect(text).notToContain(secret);
    expect(http.message).toContain('REDACTED');
    expect(events.length).toBeAtLeast(2);
    const [request] = await received('/missing');
    expect(request?.url).toContain(`token=${secret}`);
    const timeout = await rejection(api.get('hang', { searchParams: { access_token: secret }, timeout: 100, retry: false }));
    expect((timeout as Error).message).notToContain(secret);
  });

  registry.test('SerializationError names the path ($.items[0].price) and nothing is sent', async () => {
    const error = await rejection(api.post('never', { json: { items: [{ price: 10n }] } }));
    expect(error).toSatisfy(sturdy.isSerializationError);
    expect((error as { path?: string }).path).toBe('$.items[0].price');
    expect((await received('/never')).length).toBe(0);
  });

  registry.test('.result() resolves { ok: false } with HTTPError and its parsed data instead of rejecting', async () => {
    const result = await api.get('missing', { retry: false }).result();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toSatisfy(sturdy.isHTTPError);
    expect((result.error as InstanceType<SturdyModule['HTTPError']>).data).toEqual({ error: 'not_found', detail: 'no such order' });
  });

  const NewOrder = v.object({ sku: v.pipe(v.string(), v.minLength(2)), qty: v.pipe(v.number(), v.integer(), v.minValue(1)), note: v.optional(v.pipe(v.string(), v.trim())) });

  registry.test('valibot request schema: invalid json throws ValidationError (request) with paths, nothing sent', async () => {
    const error = await rejection(api.post('never', { json: { sku: 'A', qty: 0 }, schema: NewOrder }));
    expect(error).toSatisfy(sturdy.isValidationError);
    const validation = error as InstanceType<SturdyModule['ValidationError']>;
    expect(validation.direction).toBe('request');
    expect(validation.issues.map((issue) => issue.path).sort()).toEqual(['$.qty', '$.sku']);
    expect((await received('/never')).length).toBe(0);
  });

  registry.test("valibot request schema: the schema's output (transforms applied) is what is sent", async () => {
    const echoed = (await api.post('echo', { json: { sku: 'B2', qty: 1, note: '  gift  ' }, schema: NewOrder }).json()) as Echo;
    expect(echoed.body).toEqual({ sku: 'B2', qty: 1, note: 'gift' });
  });

  const Order = v.object({ id: v.string(), total: v.number(), items: v.array(v.object({ sku: v.string(), qty: v.number() })) });

  registry.test('valibot response schema: a wrong field throws ValidationError (response) with its path and status', async () => {
    const error = await rejection(api.get('order').json(Order));
    expect(error).toSatisfy(sturdy.isValidationError);
    const validation = error as InstanceType<SturdyModule['ValidationError']>;
    expect(validation.direction).toBe('response');
    expect(validation.status).toBe(200);
    expect(validation.issues.map((issue) => issue.path)).toEqual(['$.total']);
    const lenient = v.object({ id: v.string(), total: v.pipe(v.string(), v.transform(Number)) });
    expect(await api.get('order').json(lenient)).toEqual({ id: 'o-1', total: 12.5 });
  });

  const otherOrigin = async () => ((await (await fetch(`${url}/__other`)).json()) as { url: string }).url;

  registry.test('bearer: the token goes to the baseUrl origin only, and no error or event shows it', async () => {
    const token = 'tok-B3ARER-secret';
    const events: unknown[] = [];
    const authed = createClient({ baseUrl: `${url}/`, auth: sturdy.bearer(token), retry: false, onEvent: (event) => events.push(event) });
    const echoed = (await authed.get('auth-echo').json()) as Echo;
    expect(echoed.headers.authorization).toBe(`Bearer ${token}`);
    const elsewhere = (await authed.get(`${await otherOrigin()}/landing`).json()) as Echo;
    expect(elsewhere.headers.authorization).toBe(undefined);
    const error = await rejection(authed.get('missing'));
    expect(error).toSatisfy(sturdy.isHTTPError);
    for (const text of [(error as Error).message, String(error), JSON.stringify(error), JSON.stringify(events)]) expect(text).notToContain(token);
  });

  registry.test('bearer provider: a 401 asks for a fresh token once and repeats the call with it', async () => {
    const asked: boolean[] = [];
    const auth = sturdy.bearer(async ({ refresh }) => {
      asked.push(refresh);
      return { token: refresh ? 'tok-fresh' : 'tok-stale', expiresIn: 3600 };
    });
    const echoed = (await createClient({ baseUrl: `${url}/`, auth }).get('refused-once').json()) as Echo;
    expect(echoed.headers.authorization).toBe('Bearer tok-fresh');
    expect(asked).toEqual([false, true]);
    expect((await received('/refused-once')).map((request) => request.headers.authorization)).toEqual(['Bearer tok-stale', 'Bearer tok-fresh']);
  });

  registry.test('basic: UTF-8 username and password arrive as RFC 7617 base64 of their UTF-8 bytes', async () => {
    const username = 'ålice';
    const password = 'pä:ss wörd 🔑';
    const echoed = (await createClient({ baseUrl: `${url}/`, auth: sturdy.basic({ username, password }) }).get('auth-echo').json()) as Echo;
    const header = echoed.headers.authorization ?? '';
    expect(header).toMatch(/^Basic [A-Za-z0-9+/]+=*$/);
    const bytes = Uint8Array.from(atob(header.slice('Basic '.length)), (char) => char.charCodeAt(0));
    expect(new TextDecoder().decode(bytes)).toBe(`${username}:${password}`);
  });

  registry.test('apiKey in the query: the server gets the key, errors and events show [REDACTED]', async () => {
    const key = 'k3y-Q-secret';
    const events: unknown[] = [];
    const keyed = createClient({ baseUrl: `${url}/`, auth: sturdy.apiKey({ key, query: 'api_key' }), retry: false, onEvent: (event) => events.push(event) });
    const echoed = (await keyed.get('auth-echo').json()) as Echo;
    expect(echoed.url).toContain(`api_key=${key}`);
    const error = await rejection(keyed.get('missing'));
    expect(error).toSatisfy(sturdy.isHTTPError);
    for (const text of [(error as Error).message, JSON.stringify(error), JSON.stringify(events)]) expect(text).notToContain(key);
  });

  registry.test('clientCredentials: one token request (form body, Basic client auth) shared by concurrent calls', async () => {
    const auth = sturdy.clientCredentials({ tokenUrl: `${url}/oauth/token`, clientId: 'shop', clientSecret: 's3cr3t +/é&=', scope: ['orders:read'] });
    const api2 = createClient({ baseUrl: `${url}/`, auth });
    const echoes = (await Promise.all([1, 2, 3].map(() => api2.get('auth-echo').json()))) as Echo[];
    expect(echoes.map((echo) => echo.headers.authorization)).toEqual(['Bearer at-orders:read', 'Bearer at-orders:read', 'Bearer at-orders:read']);
    const [token, ...more] = await received('/oauth/token');
    expect(more.length).toBe(0);
    expect(token?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(new URLSearchParams(token?.body).get('grant_type')).toBe('client_credentials');
  });

  registry.test('clientCredentials: a refused client is AuthError with the OAuth error, and no trace of the secret', async () => {
    const secret = 'wr0ng-s3cret';
    const auth = sturdy.clientCredentials({ tokenUrl: `${url}/oauth/token`, clientId: 'shop', clientSecret: secret });
    const error = await rejection(createClient({ baseUrl: `${url}/`, auth }).get('auth-echo'));
    expect(error).toSatisfy(sturdy.isAuthError);
    expect((error as { error?: string }).error).toBe('invalid_client');
    for (const text of [(error as Error).message, String(error), JSON.stringify(error)]) expect(text).notToContain(secret);
  });

  registry.test('clientCredentials: a token endpoint that redirects is refused; the secret goes nowhere else', async () => {
    const auth = sturdy.clientCredentials({ tokenUrl: `${url}/oauth/moved`, clientId: 'shop', clientSecret: 'm0ved-s3cret' });
    const error = await rejection(createClient({ baseUrl: `${url}/`, auth }).get('auth-echo'));
    expect(error).toSatisfy(sturdy.isAuthError);
    expect((await received('/oauth/moved')).length).toBe(1);
    const landed = (await (await fetch(`${await otherOrigin()}/__landed`)).json()) as { count: number };
    expect(landed.count).toBe(0);
  });

  registry.test('credentials over plain http to a non-loopback host are refused with AuthError before any request', async () => {
    let fetched = 0;
    const insecure = createClient({ baseUrl: 'http://api.example.test/', auth: sturdy.bearer('tok-x'), fetch: async () => (fetched++, new Response('{}')) });
    const error = await rejection(insecure.get('orders'));
    expect(error).toSatisfy(sturdy.isAuthError);
    expect((error as Error).message).notToContain('tok-x');
    expect(fetched).toBe(0);
  });

  guarded('a 307 to another origin is followed with method and body, without the Authorization header', 'manualRedirects', async () => {
    const authed = createClient({ baseUrl: `${url}/`, auth: sturdy.bearer('tok-R3DIRECT') });
    const echoed = (await authed.post('redirect-away', { json: { n: 1 } }).json()) as Echo;
    expect(echoed.url).toBe('/landing');
    expect(echoed.method).toBe('POST');
    expect(echoed.body).toEqual({ n: 1 });
    expect(echoed.headers.authorization).toBe(undefined);
    const [first] = await received('/redirect-away');
    expect(first?.headers.authorization).toBe('Bearer tok-R3DIRECT');
  });

  guarded('a redirect loop ends after 20 redirects with RedirectError (it never hangs)', 'manualRedirects', async () => {
    const authed = createClient({ baseUrl: `${url}/`, auth: sturdy.bearer('tok-loop') });
    const error = await rejection(authed.get('loop'));
    expect(error).toSatisfy(sturdy.isRedirectError);
    expect((await received('/loop')).length).toBe(21);
  });

  guarded('a streaming upload given as a factory is rebuilt and re-sent on retry', 'uploadStreams', async () => {
    const encoder = new TextEncoder();
    const stream = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode('chunk-1,'));
          controller.enqueue(encoder.encode('chunk-2'));
          controller.close();
        },
      });
    const response = await api.post('upload', { body: stream, headers: { 'content-type': 'text/plain' }, retry: { limit: 2, delay: () => 10, jitter: false } });
    expect(response.status).toBe(201);
    const requests = await received('/upload');
    expect(requests.map((request) => request.body)).toEqual(['chunk-1,chunk-2', 'chunk-1,chunk-2']);
  });
}
