/**
 * clientCredentials against sturdy/testing's OAuth scenarios (msw): the two
 * halves of the project agree on RFC 6749 (client auth both ways, id and
 * secret with reserved and non-ASCII characters, 401 -> one refresh).
 */
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { clientCredentials, createClient } from '../src/index.ts';
import { bearerToken, expiredToken, oauthTokenEndpoint } from '../src/testing/index.ts';

const TOKEN_URL = 'https://auth.msw.test/token';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

test.each(['basic', 'body'] as const)(
  "client auth '%s' with an id and secret full of reserved and non-ASCII characters",
  async (method) => {
    const credentials = { clientId: 'app:ü+1', clientSecret: 's3:cr et&=✓%' };
    const tokens = oauthTokenEndpoint(TOKEN_URL, { ...credentials, delayMs: 20 });
    server.use(
      tokens,
      http.get('https://api.msw.test/me', ({ request }) => HttpResponse.json({ token: bearerToken(request) })),
    );
    const api = createClient({
      baseUrl: 'https://api.msw.test/',
      auth: clientCredentials({ tokenUrl: TOKEN_URL, ...credentials, method, scope: 'me:read', audience: 'api' }),
    });
    const answers = await Promise.all([api.get('me').json(), api.get('me').json(), api.get('me').json()]);
    expect(answers).toEqual(Array(3).fill({ token: 'access-token-1' }));
    expect(tokens.calls).toBe(1);
    expect(tokens.grants).toEqual([{ token: 'access-token-1', clientAuth: method, scope: 'me:read', audience: 'api' }]);
  },
);

test('a token the server revoked: 401, one new token, the call repeated once', async () => {
  const tokens = oauthTokenEndpoint(TOKEN_URL, { clientId: 'app', clientSecret: 'secret-123' });
  const resource = expiredToken(
    'https://api.msw.test/orders',
    { times: 0, accept: (request) => tokens.isValid(bearerToken(request)) },
    { ok: true },
  );
  server.use(tokens, resource);
  const api = createClient({
    baseUrl: 'https://api.msw.test/',
    auth: clientCredentials({ tokenUrl: TOKEN_URL, clientId: 'app', clientSecret: 'secret-123' }),
  });
  await api.get('orders');
  tokens.revokeAll();
  await Promise.all([api.get('orders'), api.get('orders'), api.get('orders')]);
  expect(tokens.calls).toBe(2); // the three 401s on token 1 shared one refresh
  expect(resource.calls).toBe(7);
});
