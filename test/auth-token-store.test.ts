/**
 * A token shared between instances through an unstorage Storage (DESIGN 10):
 * one token request for the fleet, one more at expiry, a killed
 * lock holder blocks nobody beyond the lock timeout, no secret in the store.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createStorage } from 'unstorage';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { clientCredentials } from '../src/index.ts';
import { tokenCache } from './helpers/token-fetch.ts';
import { sharedTokenLoader, tokenKey, type TokenStorage } from '../src/auth/token-store.ts';
import { redisAvailable, startRedis, type RedisServer } from './helpers/redis.ts';
import { modes, startServer, wait, type Handler, type TestServer } from './helpers/server.ts';

const WORKER = fileURLToPath(new URL('./fixtures/token-store-worker.ts', import.meta.url));
const SECRET = 'super-secret-client-key-7f3a';

describe('sharedTokenLoader in one process (unstorage memory driver)', () => {
  const identity = ['https://auth.example.com/token', 'shop', 'orders', undefined];

  test('two instances sharing a store: one load for both, the same token', async () => {
    const storage = createStorage();
    let loads = 0;
    const load = async () => {
      loads += 1;
      await wait(30);
      return { token: `token-${loads}`, expiresIn: 3600 };
    };
    const [a, b] = [
      tokenCache(sharedTokenLoader(load, { storage, identity })),
      tokenCache(sharedTokenLoader(load, { storage, identity })),
    ];
    const tokens = await Promise.all([a.get(), b.get(), a.get(), b.get()]);
    expect(tokens).toEqual(['token-1', 'token-1', 'token-1', 'token-1']);
    expect(loads).toBe(1);
  });

  test('a refresh after a 401 does not take the refused token back from the store; the other instance then uses the new one', async () => {
    const storage = createStorage();
    let loads = 0;
    const load = async () => ({ token: `token-${++loads}`, expiresIn: 3600 });
    const a = tokenCache(sharedTokenLoader(load, { storage, identity }));
    const b = tokenCache(sharedTokenLoader(load, { storage, identity }));
    const first = await a.use();
    expect(await b.get()).toBe('token-1');
    expect(await a.refresh(first)).toBe(true);
    expect(await a.get()).toBe('token-2');
    const refused = await b.use();
    expect(await b.refresh(refused)).toBe(true);
    // b's refresh finds a's new token in the store: no third load.
    expect(await b.get()).toBe('token-2');
    expect(loads).toBe(2);
  });

  test('a token cached locally and fresh costs no store round trip', async () => {
    const memory = createStorage();
    let reads = 0;
    const storage: TokenStorage = {
      ...memory,
      getItem: (key: string) => (reads++, memory.getItem(key)),
      setItem: memory.setItem,
      removeItem: memory.removeItem,
    };
    const cache = tokenCache(
      sharedTokenLoader(async () => ({ token: 'fresh', expiresIn: 3600 }), { storage, identity }),
    );
    await cache.get();
    const afterFirst = reads;
    for (let i = 0; i < 100; i++) await cache.get();
    expect(afterFirst).toBeGreaterThan(0);
    expect(reads).toBe(afterFirst);
  });

  test('a failing store never stops the token: it is fetched as without a store', async () => {
    const broken: TokenStorage = {
      getItem: () => Promise.reject(new Error('ECONNREFUSED')),
      setItem: () => Promise.reject(new Error('ECONNREFUSED')),
      removeItem: () => Promise.reject(new Error('ECONNREFUSED')),
    };
    const cache = tokenCache(
      sharedTokenLoader(async () => ({ token: 'local', expiresIn: 60 }), { storage: broken, identity }),
    );
    await expect(cache.get()).resolves.toBe('local');
  });

  test('a token endpoint failure is the caller error, and frees the lock for the next try', async () => {
    const storage = createStorage();
    let calls = 0;
    const load = async () => {
      if (++calls === 1) throw new Error('token endpoint answered 500');
      return { token: 'second', expiresIn: 60 };
    };
    const cache = tokenCache(sharedTokenLoader(load, { storage, identity, lockTimeout: 5_000 }));
    await expect(cache.get()).rejects.toThrow('answered 500');
    const started = performance.now();
    await expect(cache.get()).resolves.toBe('second');
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  test('the key is a hash of the identity: no client id, no secret', async () => {
    const key = await tokenKey(identity);
    expect(key).toMatch(/^sturdy:token:[0-9a-f]{64}$/);
    expect(key).not.toBe(await tokenKey([...identity.slice(0, 2), 'orders:write', undefined]));
  });
});

describe.skipIf(!redisAvailable())('clientCredentials({ cache }) across processes (real Redis)', () => {
  let redis: RedisServer;
  let server: TestServer;
  let client: Redis;
  beforeAll(async () => {
    [redis, server] = await Promise.all([startRedis(), startServer()]);
    client = new Redis({ host: '127.0.0.1', port: redis.port });
    server.route('/api', modes.echo());
  });
  afterAll(async () => {
    client?.disconnect();
    await Promise.all([redis?.stop(), server?.close()]);
  });

  /** A token endpoint issuing `token-N` with `expiresIn`; checks the client's Basic credentials. */
  const tokenEndpoint =
    (expiresIn: number, hangFirst = false): Handler =>
    (request, response, n) => {
      if (request.headers.authorization !== `Basic ${btoa(`shop:${SECRET}`)}`)
        return void response.writeHead(401).end();
      if (hangFirst && n === 0) return;
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          access_token: `token-${n + 1}-${request.url}`,
          token_type: 'Bearer',
          expires_in: expiresIn,
        }),
      );
    };

  const worker = (path: string, env: Record<string, string> = {}) => {
    const child = spawn(process.execPath, [WORKER], {
      env: {
        ...process.env,
        REDIS_PORT: String(redis.port),
        TOKEN_URL: `${server.url}${path}`,
        API_URL: `${server.url}/api`,
        CLIENT_SECRET: SECRET,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk));
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk));
    const done = new Promise<string>((resolve, reject) =>
      child.on('exit', (code, signal) => {
        if (signal) return resolve(`killed by ${signal}`);
        try {
          resolve((JSON.parse(out.trim()) as { token: string }).token);
        } catch {
          reject(new Error(`worker exited ${code}: ${err}`));
        }
      }),
    );
    return { child, done };
  };

  test('4 processes started one after another: the token endpoint sees exactly 1 request; all use its token', async () => {
    server.route('/token-long', tokenEndpoint(3600));
    const tokens: string[] = [];
    for (let i = 0; i < 4; i++) tokens.push(await worker('/token-long').done);
    expect(server.requestsTo('/token-long')).toHaveLength(1);
    expect(new Set(tokens)).toEqual(new Set(['token-1-/token-long']));
  }, 20_000);

  test('4 processes at once, then again once the shared token is gone: exactly 1 request, then exactly 1 more', async () => {
    server.route('/token-short', tokenEndpoint(3600));
    const first = await Promise.all(Array.from({ length: 4 }, () => worker('/token-short').done));
    expect(server.requestsTo('/token-short')).toHaveLength(1);
    // What the store's TTL does when the token expires (a token living no longer than the 30 s skew is never
    // shared: it serves only the call that fetched it, so expiry is not waited for here).
    for (const key of await client.keys('*'))
      if ((await client.get(key).catch(() => ''))?.includes('token-1-/token-short')) await client.del(key);
    const second = await Promise.all(Array.from({ length: 4 }, () => worker('/token-short').done));
    expect(server.requestsTo('/token-short')).toHaveLength(2);
    expect(new Set(first)).toEqual(new Set(['token-1-/token-short']));
    expect(new Set(second)).toEqual(new Set(['token-2-/token-short']));
  }, 30_000);

  test('a holder killed while holding the lock blocks the others only until the lock timeout', async () => {
    server.route('/token-holder', tokenEndpoint(3600, true));
    const holder = worker('/token-holder', { LOCK_TIMEOUT: '1500' });
    while (server.requestsTo('/token-holder').length === 0) await wait(20);
    (holder.child as ChildProcess).kill('SIGKILL');
    expect(await holder.done).toBe('killed by SIGKILL');
    const started = performance.now();
    const tokens = await Promise.all(
      Array.from({ length: 3 }, () => worker('/token-holder', { LOCK_TIMEOUT: '1500' }).done),
    );
    const took = performance.now() - started;
    expect(new Set(tokens)).toEqual(new Set(['token-2-/token-holder']));
    expect(server.requestsTo('/token-holder')).toHaveLength(2);
    // The lock ran out 1.5 s after the holder took it; process start-up is most of the rest.
    expect(took).toBeLessThan(6_000);
  }, 20_000);

  test('no Redis key or value contains the client secret', async () => {
    const keys = await client.keys('*');
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).not.toContain(SECRET);
      const value = (await client.type(key)) === 'string' ? await client.get(key) : '';
      expect(value ?? '').not.toContain(SECRET);
      expect(value ?? '').not.toContain(btoa(`shop:${SECRET}`));
    }
  });
});

test('clientCredentials({ cache }) that is not a Storage is a TypeError naming the option', () => {
  const options = { tokenUrl: 'https://auth.example.com/token', clientId: 'shop', clientSecret: SECRET };
  for (const cache of [{}, 'redis://localhost', { getItem: () => undefined }]) {
    expect(() => clientCredentials({ ...options, cache: cache as never })).toThrow(TypeError);
    expect(() => clientCredentials({ ...options, cache: cache as never })).toThrow(
      /option `clientCredentials\(\{ cache \}\)` must be an unstorage Storage.*; got (object|string) \(not shown\)$/,
    );
  }
  expect(() => clientCredentials({ ...options, cache: createStorage() })).not.toThrow();
});

test('two clientCredentials configurations that differ only in params never share a stored token (another tenant, another token)', async () => {
  const server = await startServer();
  try {
    server.route('/token', (request, response) => {
      const tenant = new URLSearchParams(request.body).get('tenant');
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ access_token: `token-for-${tenant}`, token_type: 'Bearer', expires_in: 3600 }));
    });
    server.route(
      '/api/me',
      (request, response) =>
        void response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ auth: request.headers.authorization })),
    );
    const { createClient } = await import('../src/index.ts');
    const storage = createStorage();
    const client = (tenant: string) =>
      createClient({
        baseUrl: `${server.url}/api/`,
        auth: clientCredentials({
          tokenUrl: `${server.url}/token`,
          clientId: 'shop',
          clientSecret: SECRET,
          params: { tenant },
          cache: storage,
        }),
      });
    expect(await client('acme').get('me').json()).toEqual({ auth: 'Bearer token-for-acme' });
    expect(await client('globex').get('me').json()).toEqual({ auth: 'Bearer token-for-globex' });
    expect(server.requestsTo('/token').map((request) => new URLSearchParams(request.body).get('tenant'))).toEqual([
      'acme',
      'globex',
    ]);
    // The same configuration again takes its token from the store.
    expect(await client('acme').get('me').json()).toEqual({ auth: 'Bearer token-for-acme' });
    expect(server.requestsTo('/token')).toHaveLength(2);
  } finally {
    await server.close();
  }
});

test('a holder whose lock ran out does not remove the lock another instance holds by then', async () => {
  const storage = createStorage();
  const identity = ['https://auth.example.com/token', 'shop', 'orders'];
  const key = await tokenKey(identity);
  let release!: () => void;
  // A load slower than the lock: the lock runs out while it is still fetching.
  const slow = () =>
    new Promise<{ token: string; expiresIn: number }>(
      (resolve) => (release = () => resolve({ token: 'slow-token', expiresIn: 0 })),
    );
  const loader = sharedTokenLoader(slow, { storage, identity, lockTimeout: 50 });
  const pending = loader(false, undefined as never);
  await wait(100);
  const locks = (await storage.getKeys()).filter((name) => name !== key && name.startsWith(key.split(':')[0]!));
  expect(locks).toHaveLength(1);
  // Another instance has taken the expired lock meanwhile.
  const theirs = { owner: 'another-instance', until: Date.now() + 10_000 };
  await storage.setItem(locks[0]!, theirs);
  release();
  await expect(pending).resolves.toMatchObject({ token: 'slow-token' });
  expect(await storage.getItem(locks[0]!)).toEqual(theirs);
});

test('a token in the store this instance refuses (a control character) is fetched anew, not an error for every call', async () => {
  const storage = createStorage();
  const identity = ['https://auth.example.com/token', 'shop', 'bad-stored'];
  const key = await tokenKey(identity);
  await storage.setItem(key, { token: 'bad\ntoken', expiresAt: Date.now() + 3_600_000, lifetimeMs: 3_600_000 });
  let loads = 0;
  const check = (token: string) => {
    if (/[\r\n\0]/.test(token)) throw new Error('refused: a control character');
  };
  const load = async () => ({ token: `good-token-${++loads}`, expiresIn: 3600 });
  const cache = tokenCache(sharedTokenLoader(load, { storage, identity, onToken: check }));
  expect(await cache.get()).toBe('good-token-1');
  expect(loads).toBe(1);
  expect(await storage.getItem(key)).toMatchObject({ token: 'good-token-1' });
});
