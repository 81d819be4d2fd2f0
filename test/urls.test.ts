/**
 * How a call's URL is resolved, as ky resolves it: `prefix` for string inputs only, `baseUrl`
 * (a relative one against the page), and the TypeError for a URL that cannot be resolved.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { bearer, createClient, type SturdyEvent } from '../src/index.ts';
import { elapsed, modes, startServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  await server.close();
});

describe('prefix and baseUrl resolve as in ky', () => {
  test('prefix applies to string inputs, never to a URL object', async () => {
    server.route('/api/v1/items', modes.echo());
    server.route('/absolute', modes.echo());
    const api = createClient({ prefix: `${server.url}/api/v1/` });
    expect(await api.get('items').json()).toMatchObject({ url: '/api/v1/items' });
    expect(await api.get(new URL(`${server.url}/absolute`)).json()).toMatchObject({ url: '/absolute' });
    expect(server.requests.map((request) => request.url)).toEqual(['/api/v1/items', '/absolute']);
  });

  describe('a relative baseUrl on a page', () => {
    const undiciOrigin = Symbol.for('undici.globalOrigin.1');
    const global = globalThis as unknown as Record<PropertyKey, unknown>;
    beforeEach(() => {
      // What a browser page gives: `location`, and fetch resolving relative URLs against it.
      global.location = { href: `${server.url}/app/page`, origin: server.url };
      global[undiciOrigin] = new URL(`${server.url}/app/page`);
    });
    afterEach(() => {
      delete global.location;
      delete global[undiciOrigin];
    });

    test("baseUrl '/api/' resolves against the page, and the page origin receives credentials", async () => {
      server.route('/api/orders', modes.echo());
      const api = createClient({ baseUrl: '/api/', auth: bearer('page-token') });
      expect(await api.get('orders').json()).toMatchObject({ url: '/api/orders' });
      expect(server.requestsTo('/api/orders')[0]!.headers.authorization).toBe('Bearer page-token');
    });
  });

  test('without a page, a relative baseUrl is a TypeError naming baseUrl', () => {
    expect(() => createClient({ baseUrl: '/api/' })).toThrow(/option `baseUrl` must be an absolute URL/);
  });
});

describe('with onEvent set, a URL that cannot be resolved is the real TypeError', () => {
  test.each([
    [
      'a relative URL without baseUrl',
      'orders',
      /sturdy: cannot resolve url "orders": pass an absolute URL or set baseUrl/,
    ],
    ['a malformed absolute URL', 'http://[bad/x', /Failed to parse URL from http:\/\/\[bad\/x|Invalid URL/],
  ])('%s', async (_name, input, message) => {
    const events: SturdyEvent[] = [];
    const api = createClient({ onEvent: (event) => events.push(event) });
    const { error } = await elapsed(() => api.get(input).json());
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toMatch(/Cannot read properties/);
    expect(events.filter((event) => event.type === 'request')).toEqual([]);
    expect(events.filter((event) => event.type === 'error').map((event) => event.reason)).toEqual([
      `TypeError: ${(error as Error).message}`,
    ]);
  });
});

test('a relative URL without baseUrl keeps the TypeError of another mistake (json with GET)', () => {
  const api = createClient();
  expect(() => api.get('orders', { json: { a: 1 } })).toThrow(/a GET request cannot have a body/);
});
