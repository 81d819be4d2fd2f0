/**
 * sturdy/testing, exercised the way a user would: msw's setupServer with the
 * kit's handlers, a sturdy client, and the recorder to see what was sent.
 */
import { describe, expect, test } from 'vitest';
import { bearer, createClient, HTTPError, isHTTPError, isTimeoutError, type SturdyEvent } from '../src/index.ts';
import {
  bearerToken,
  defineScenario,
  expiredToken,
  flaky,
  oauthTokenEndpoint,
  rateLimited,
  recordRequests,
  slow,
  stalledBody,
} from '../src/testing/index.ts';
import { ndjsonRecords } from '../src/ndjson/index.ts';
import { useMswServer } from './helpers/msw-server.ts';
import { elapsed } from './helpers/server.ts';

const API = 'https://api.kit.test/v1/';
const { server, recorder } = useMswServer();

/** Every record of an NDJSON read: a stream sturdy reads, which its call's idleTimeout bounds. */
const records = async (source: Promise<Response>): Promise<unknown[]> => {
  const all: unknown[] = [];
  for await (const record of ndjsonRecords(source)) all.push(record);
  return all;
};

const client = (events: SturdyEvent[] = []) =>
  createClient({ baseUrl: API, onEvent: (event) => events.push(event), retryBudget: false });

describe('flaky', () => {
  test('fails N times with 503, then replies; a POST is retried with one Idempotency-Key and the same body', async () => {
    const orders = flaky(`${API}orders`, { failures: 2, method: 'post' }, async ({ request }) =>
      Response.json({ id: 'ord_1', ...((await request.json()) as object) }, { status: 201 }),
    );
    server.use(orders);
    const events: SturdyEvent[] = [];
    const created = await client(events)
      .post('orders', { json: { sku: 'A1', qty: 2 }, retry: { limit: 3, backoffLimit: 20 } })
      .json();
    expect(created).toEqual({ id: 'ord_1', sku: 'A1', qty: 2 });
    expect(orders.calls).toBe(3);
    const sent = recorder.to('/v1/orders');
    expect(sent).toHaveLength(3);
    const keys = new Set(sent.map((request) => request.headers.get('idempotency-key')));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
    for (const request of sent) expect(await request.json()).toEqual({ sku: 'A1', qty: 2 });
    expect(events.filter((event) => event.type === 'retry').map((event) => event.reason)).toEqual([
      'status 503',
      'status 503',
    ]);
  });

  test('the failure can be a dropped connection', async () => {
    const items = flaky(`${API}items`, { failures: 1, status: 'network' }, [1, 2]);
    server.use(items);
    expect(
      await client()
        .get('items', { retry: { limit: 1, backoffLimit: 10 } })
        .json(),
    ).toEqual([1, 2]);
    expect(items.calls).toBe(2);
  });

  test('with retries off the first failure is the HTTPError, with the JSON error body; reset() starts over', async () => {
    const items = flaky(`${API}items`, { failures: 1, status: 500 }, { ok: true });
    server.use(items);
    const error = await client()
      .get('items', { retry: false })
      .json()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).response.status).toBe(500);
    expect((error as HTTPError).data).toEqual({ error: { status: 500, message: 'failure 1 of 1' } });
    expect(await client().get('items', { retry: false }).json()).toEqual({ ok: true });
    items.reset();
    expect(items.calls).toBe(0);
    expect((await client().get('items', { retry: false }).result()).ok).toBe(false);
  });
});

describe('rateLimited', () => {
  test('429 with Retry-After: 1 makes the client wait about a second, then it succeeds', async () => {
    const search = rateLimited(`${API}search`, { retryAfter: 1 }, { hits: [] });
    server.use(search);
    const events: SturdyEvent[] = [];
    const started = performance.now();
    expect(await client(events).get('search').json()).toEqual({ hits: [] });
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(waited).toBeLessThan(5_000);
    expect(search.calls).toBe(2);
    expect(events.find((event) => event.type === 'retry')).toMatchObject({ delayMs: 1000, reason: 'status 429' });
  });

  test('the wait can come as RateLimit-Reset or an HTTP-date', async () => {
    server.use(
      rateLimited(`${API}reset`, { retryAfter: 0, header: 'ratelimit-reset' }, 'ok'),
      rateLimited(`${API}dated`, { retryAfter: new Date(Date.now() - 1_000) }, 'ok'),
    );
    const received = recorder.requests;
    expect(await client().get('reset').json()).toBe('ok');
    expect(await client().get('dated').json()).toBe('ok');
    expect(received).toHaveLength(4);
  });

  test('a wait longer than maxRetryAfter is not waited: HTTPError at once with retryAfter in ms', async () => {
    const search = rateLimited(`${API}search`, { retryAfter: 120, times: 5 }, 'never');
    server.use(search);
    const started = performance.now();
    const error = await client()
      .get('search')
      .json()
      .catch((caught: unknown) => caught);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(isHTTPError(error) && error.response.status).toBe(429);
    expect((error as { retryAfter?: number }).retryAfter).toBe(120_000);
    expect(search.calls).toBe(1);
  });
});

describe('slow and stalledBody', () => {
  test('a slow first answer times out the attempt; the retry answers at once', async () => {
    const report = slow(`${API}report`, { delayMs: 5_000, times: 1 }, { rows: 3 });
    server.use(report);
    const events: SturdyEvent[] = [];
    const started = performance.now();
    expect(
      await client(events)
        .get('report', { timeout: 300, retry: { limit: 1, backoffLimit: 10 } })
        .json(),
    ).toEqual({ rows: 3 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(performance.now() - started).toBeLessThan(4_000);
    expect(report.calls).toBe(2);
    expect(events.find((event) => event.type === 'retry')?.reason).toBe('timeout');
  });

  test('a body that stalls after its first bytes: a shortcut fails at its timeout, a stream sturdy reads at idleTimeout', async () => {
    server.use(stalledBody(`${API}export`));
    const viaJson = await elapsed(() => client().get('export', { timeout: 300, retry: false }).json());
    expect(isTimeoutError(viaJson.error)).toBe(true);
    expect((viaJson.error as { timeout?: string }).timeout).toBe('attempt');
    expect(viaJson.ms).toBeGreaterThanOrEqual(290);

    const viaRecords = await elapsed(() => records(client().get('export', { idleTimeout: 300, retry: false })));
    expect(isTimeoutError(viaRecords.error)).toBe(true);
    expect((viaRecords.error as { timeout?: string }).timeout).toBe('idle');
    expect(viaRecords.ms).toBeGreaterThanOrEqual(290);
  });

  test('a stall shorter than the limit completes the body', async () => {
    server.use(stalledBody(`${API}export`, { stallMs: 100 }));
    expect(await client().get('export', { timeout: 2_000 }).json()).toEqual({ items: [] });
    expect(await records(client().get('export', { idleTimeout: 2_000 }))).toEqual([{ items: [] }]);
  });
});

describe('oauthTokenEndpoint', () => {
  const TOKEN_URL = 'https://auth.kit.test/token';
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(TOKEN_URL, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });

  test('issues tokens to a client authenticated by Basic header or form fields, and remembers the grants', async () => {
    const tokens = oauthTokenEndpoint(TOKEN_URL, { clientId: 'app', clientSecret: 's3:cr et', expiresIn: 60 });
    server.use(tokens);
    const basic = btoa(`app:${encodeURIComponent('s3:cr et')}`);
    const first = await post(form({ grant_type: 'client_credentials', scope: 'orders:read' }), {
      authorization: `Basic ${basic}`,
    });
    expect(await first.json()).toEqual({
      access_token: 'access-token-1',
      token_type: 'Bearer',
      expires_in: 60,
      scope: 'orders:read',
    });
    const second = await post(
      form({ grant_type: 'client_credentials', client_id: 'app', client_secret: 's3:cr et', audience: 'api' }),
    );
    expect(((await second.json()) as { access_token: string }).access_token).toBe('access-token-2');
    expect(tokens.calls).toBe(2);
    expect(tokens.grants).toEqual([
      { token: 'access-token-1', clientAuth: 'basic', scope: 'orders:read', audience: undefined },
      { token: 'access-token-2', clientAuth: 'body', scope: undefined, audience: 'api' },
    ]);
    expect(tokens.isValid('access-token-1')).toBe(true);
    expect(tokens.isValid('forged')).toBe(false);
    tokens.revokeAll();
    expect(tokens.isValid('access-token-2')).toBe(false);
  });

  test('answers OAuth errors for a wrong secret and a wrong grant type', async () => {
    server.use(oauthTokenEndpoint(TOKEN_URL, { clientId: 'app', clientSecret: 'right' }));
    const wrongSecret = await post(
      form({ grant_type: 'client_credentials', client_id: 'app', client_secret: 'wrong' }),
    );
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toMatchObject({ error: 'invalid_client' });
    const wrongGrant = await post(form({ grant_type: 'password', client_id: 'app', client_secret: 'right' }));
    expect(wrongGrant.status).toBe(400);
    expect(await wrongGrant.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });
});

describe('expiredToken', () => {
  test('answers 401 with WWW-Authenticate the first time, then lets accepted requests through', async () => {
    server.use(expiredToken(`${API}me`, { accept: (request) => bearerToken(request) === 'fresh' }, { id: 7 }));
    const api = client();
    const first = await api.get('me', { retry: false }).result();
    expect(first.ok).toBe(false);
    expect(!first.ok && isHTTPError(first.error) && first.error.response.headers.get('www-authenticate')).toBe(
      'Bearer error="invalid_token"',
    );
    expect((await api.get('me', { headers: { authorization: 'Bearer stale' } }).result()).ok).toBe(false);
    expect(await api.get('me', { headers: { authorization: 'Bearer fresh' } }).json()).toEqual({ id: 7 });
  });

  test('with a bearer provider: one 401, the provider asked again with { refresh: true }, the call repeated with the new token', async () => {
    const me = expiredToken(`${API}me`, { accept: (request) => bearerToken(request) === 'token-2' }, { id: 7 });
    server.use(me);
    const asked: boolean[] = [];
    const api = createClient({
      baseUrl: API,
      auth: bearer(({ refresh }) => (asked.push(refresh), { token: `token-${asked.length}` })),
    });
    expect(await api.get('me').json()).toEqual({ id: 7 });
    expect(asked).toEqual([false, true]);
    expect(me.calls).toBe(2);
    expect(recorder.to('/v1/me').map((request) => request.headers.get('authorization'))).toEqual([
      'Bearer token-1',
      'Bearer token-2',
    ]);
  });
});

describe('recordRequests', () => {
  test('records method, URL, headers and body of every request, including ones no handler took', async () => {
    server.use(flaky(`${API}things`, { failures: 0 }, { ok: true }));
    await client().put('things?page=2', { json: { name: 'x' }, headers: { 'x-trace': 't1' } });
    const [request] = recorder.requests;
    expect(request?.method).toBe('PUT');
    expect(request?.url.searchParams.get('page')).toBe('2');
    expect(request?.headers.get('x-trace')).toBe('t1');
    expect(request?.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await request?.text()).toBe('{"name":"x"}');
    const unhandled = await fetch(`${API}nobody`).catch((error: unknown) => error);
    expect(unhandled).toBeInstanceOf(Error);
    expect(recorder.to('/v1/nobody')).toHaveLength(1);
  });

  test('stop() ends recording', async () => {
    const own = recordRequests(server);
    server.use(flaky(`${API}things`, { failures: 0 }, 'ok'));
    await fetch(`${API}things`);
    own.stop();
    await fetch(`${API}things`);
    expect(own.requests).toHaveLength(1);
    expect(recorder.requests).toHaveLength(2);
  });
});

test('bad options are a TypeError naming the option, when the handler is made', () => {
  expect(() => flaky(`${API}x`, { failures: -1 })).toThrow(/`failures` must be a non-negative integer; got -1/);
  expect(() => rateLimited(`${API}x`, { times: 1.5 })).toThrow(/`times` must be a non-negative integer/);
  expect(() => slow(`${API}x`, {} as never)).toThrow(/option `delayMs` must be the wait in milliseconds/);
  expect(() => defineScenario(`${API}x`, { method: 'fetch' as never }, () => new Response())).toThrow(
    /`method` must be one of all, head, get, post/,
  );
});
