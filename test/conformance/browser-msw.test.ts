// Chromium with msw's service worker (msw/vite serves mockServiceWorker.js): the BUILT package
// and its BUILT testing kit (sturdy/testing) against mocked origins, as an app's browser tests use them.
import { HttpResponse, http } from 'msw';
import { setupWorker } from 'msw/browser';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { AuthStrategy } from '../../src/index.ts';
import type * as Testing from '../../src/testing/index.ts';
import type { SturdyModule } from './cases.ts';

// Loaded by URL so the BUILT files run (vite still resolves their `ky` and `msw` imports); variables,
// because dist does not exist yet when CI checks types.
// The browser build, which package.json's "browser" condition gives a page's bundler.
const BUILT = { index: '/dist/browser/index.js', testing: '/dist/browser/testing/index.js' };
const sturdy = (await import(/* @vite-ignore */ BUILT.index)) as SturdyModule;
const testing = (await import(/* @vite-ignore */ BUILT.testing)) as typeof Testing;
const { createClient } = sturdy;

const worker = setupWorker();
const recorder = testing.recordRequests(worker);
beforeAll(async () => {
  await worker.start({ quiet: true, onUnhandledFrame: 'bypass' });
});
afterAll(() => {
  recorder.stop();
  worker.stop();
});

test('the service worker intercepts: a flaky POST is retried with one Idempotency-Key', async () => {
  const orders = testing.flaky('https://api.test/orders', { failures: 2, method: 'post' }, { id: 'ord_1' });
  worker.use(orders);
  const api = createClient({ baseUrl: 'https://api.test/', retry: { limit: 3, delay: () => 10, jitter: false } });
  expect(await api.post('orders', { json: { sku: 'A1' } }).json()).toEqual({ id: 'ord_1' });
  expect(orders.calls).toBe(3);
  const keys = new Set(recorder.to('/orders').map((request) => request.headers.get('idempotency-key')));
  expect(keys.size).toBe(1);
  expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
});

test('a 429 with Retry-After: 1 is waited before the retry', async () => {
  worker.use(testing.rateLimited('https://api.test/search', { retryAfter: 1 }, { hits: [] }));
  const started = performance.now();
  expect(await createClient({ baseUrl: 'https://api.test/' }).get('search').json()).toEqual({ hits: [] });
  expect(performance.now() - started).toBeGreaterThanOrEqual(950);
});

test('clientCredentials: one token for concurrent calls, sent only to the API, secret in no error', async () => {
  const tokens = testing.oauthTokenEndpoint('https://auth.test/token', {
    clientId: 'app',
    clientSecret: 'cl13nt-s3cret',
  });
  const seen: Array<string | null> = [];
  worker.use(
    tokens,
    testing.defineScenario('https://api.test/items/:id', {}, ({ request }) => {
      seen.push(testing.bearerToken(request));
      return Response.json({ ok: true });
    }),
  );
  const auth = sturdy.clientCredentials({
    tokenUrl: 'https://auth.test/token',
    clientId: 'app',
    clientSecret: 'cl13nt-s3cret',
  });
  const api = createClient({ baseUrl: 'https://api.test/', auth });
  await Promise.all([api.get('items/1').json(), api.get('items/2').json(), api.get('items/3').json()]);
  expect(tokens.calls).toBe(1);
  expect(seen.length).toBe(3);
  expect(seen.every((token) => token !== null && tokens.isValid(token))).toBe(true);
  const refused = sturdy.clientCredentials({
    tokenUrl: 'https://auth.test/token',
    clientId: 'app',
    clientSecret: 'wrong-s3cret',
  });
  const error = await createClient({ baseUrl: 'https://api.test/', auth: refused })
    .get('items/4')
    .then(
      () => undefined,
      (reason: unknown) => reason,
    );
  expect(sturdy.isAuthError(error)).toBe(true);
  expect((error as { error?: string }).error).toBe('invalid_client');
  expect(JSON.stringify(error) + String(error)).not.toContain('wrong-s3cret');
});

test("a custom strategy may call its target's fetch as a method: the page's fetch, never an Illegal invocation", async () => {
  worker.use(
    http.post('https://auth.test/session', () => HttpResponse.json({ token: 'sess-1' })),
    http.get('https://api.test/me', ({ request }) => HttpResponse.json({ auth: request.headers.get('authorization') })),
  );
  const session: AuthStrategy = {
    kind: 'sturdy.auth',
    type: 'session',
    policy: sturdy.credentialPolicy,
    async authorize(target) {
      // A method call: `this` is the target, which a browser's own fetch refuses.
      const response = await target.fetch('https://auth.test/session', { method: 'POST' });
      const { token } = (await response.json()) as { token: string };
      target.headers.set('authorization', `Session ${token}`);
    },
  };
  const api = createClient({ baseUrl: 'https://api.test/', auth: session });
  expect(await api.get('me').json()).toEqual({ auth: 'Session sess-1' });
});
