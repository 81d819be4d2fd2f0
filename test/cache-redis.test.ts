/** httpCache({ store }) shared by two processes through a real Redis (DESIGN 10, issue 17). */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { createStorage } from 'unstorage';
import redisDriver from 'unstorage/drivers/redis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { httpCache } from '../src/cache/index.ts';
import { getAsTwoUsers, USER_SECRETS } from './helpers/cache-server.ts';
import { redisAvailable, startRedis, type RedisServer } from './helpers/redis.ts';
import { startServer, type TestServer } from './helpers/server.ts';

const WORKER = fileURLToPath(new URL('./fixtures/cache-worker.ts', import.meta.url));

describe.skipIf(!redisAvailable())('httpCache({ store }) through Redis', () => {
  let redis: RedisServer;
  let server: TestServer;
  beforeAll(async () => {
    [redis, server] = await Promise.all([startRedis(), startServer()]);
    server.route(
      '/catalog',
      (_request, response) =>
        void response
          .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' })
          .end(JSON.stringify({ products: ['KB-1'] })),
    );
  });
  afterAll(async () => {
    await Promise.all([redis?.stop(), server?.close()]);
  });

  const run = async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [WORKER], {
      env: { ...process.env, SERVER: server.url, REDIS_URL: redis.url },
      timeout: 15_000,
    });
    return JSON.parse(stdout.trim().split('\n').pop()!) as { body: unknown; outcomes: string[] };
  };

  test("a second process is served from the first one's entry: no second request", async () => {
    const first = await run();
    const second = await run();
    expect(first).toEqual({ body: { products: ['KB-1'] }, outcomes: ['miss'] });
    expect(second).toEqual({ body: { products: ['KB-1'] }, outcomes: ['hit'] });
    expect(server.requestsTo('/catalog')).toHaveLength(1);
  }, 40_000);

  test("Redis holds no credential in any key or value: a custom strategy's header (named by Vary) and query parameter", async () => {
    const store = createStorage({ driver: redisDriver({ url: redis.url, base: 'sturdy-cache-secrets' }) });
    const raw = new Redis(redis.url);
    try {
      const { outcomes } = await getAsTwoUsers(server, httpCache({ store }));
      expect(outcomes).toEqual(['miss', 'hit', 'miss', 'hit']);
      // Read straight from Redis, bypassing unstorage: what another tool (or an attacker with the dump) sees.
      const keys = await raw.keys('sturdy-cache-secrets:*');
      const dump = JSON.stringify([keys, await Promise.all(keys.map((key) => raw.get(key)))]);
      expect(keys.length).toBe(4);
      expect(dump).toContain('vary');
      for (const secret of USER_SECRETS) expect(dump).not.toContain(secret);
    } finally {
      raw.disconnect();
      await store.dispose();
    }
  });
});
