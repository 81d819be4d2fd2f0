import { createStorage } from 'unstorage';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { clientCredentials, createClient } from '../src/index.ts';
import { startServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  let issued = 0;
  server.route('/token', (_request, response) => {
    issued += 1;
    void response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ access_token: `shared-token-${issued}`, token_type: 'Bearer', expires_in: 3600 }));
  });
  server.route(
    '/me',
    (request, response) =>
      void response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ auth: request.headers.authorization })),
  );
});
afterAll(() => server.close());

test('clientCredentials({ cache }): two clients (two instances) share one token through the store, keyed without the secret', async () => {
  const storage = createStorage();
  const options = {
    tokenUrl: `${server.url}/token`,
    clientId: 'shop',
    clientSecret: 'very-secret-value-42',
    scope: 'orders',
    cache: storage,
  };
  const first = createClient({ baseUrl: `${server.url}/`, auth: clientCredentials(options) });
  const second = createClient({ baseUrl: `${server.url}/`, auth: clientCredentials(options) });
  expect(await first.get('me').json()).toEqual({ auth: 'Bearer shared-token-1' });
  expect(await second.get('me').json()).toEqual({ auth: 'Bearer shared-token-1' });
  expect(server.requestsTo('/token')).toHaveLength(1);
  const keys = await storage.getKeys();
  expect(keys.length).toBeGreaterThan(0);
  for (const key of keys) {
    expect(key).not.toContain('very-secret-value-42');
    expect(JSON.stringify(await storage.getItem(key))).not.toContain('very-secret-value-42');
  }
});
