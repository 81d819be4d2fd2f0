/**
 * sturdy/outbox across processes (DESIGN 13): a process SIGKILLed while the server commits an order and
 * drops the connection, restarted on the same store (fs, Redis), leaves each order created exactly once
 * and the store empty; two processes sharing a store deliver each key once; no credential is ever stored.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { idempotentCreate, type IdempotentEndpoint } from './helpers/idempotency.ts';
import { redisAvailable, startRedis, type RedisServer } from './helpers/redis.ts';
import { startServer, type TestServer } from './helpers/server.ts';

const WORKER = fileURLToPath(new URL('./fixtures/outbox-worker.ts', import.meta.url));
const TOKEN = 'tok-9f8e7d6c-never-stored';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

type Run = { child: ChildProcess; lines: string[]; exited: Promise<number | null>; stderr: () => string };

/** Starts the worker with Node 24 (this process's binary). */
function worker(env: Record<string, string>): Run {
  const child = spawn(process.execPath, [WORKER], {
    env: { ...process.env, SERVER: server.url, TOKEN, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buffered = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited, stderr: () => stderr };
}

const storedKeys = (run: Run) =>
  run.lines.filter((line) => line.startsWith('stored ')).map((line) => line.split(' ')[2]!);

/** The kill test for one store: `raw()` reads everything the store holds, as text per key. */
async function killAndRestart(store: string, raw: () => Promise<Record<string, string>>) {
  let victim: Run | undefined;
  const endpoint: IdempotentEndpoint = idempotentCreate({
    // The 8th order is committed, then the process dies and the connection drops: it never hears back.
    afterCommit: (order) => {
      if (order.id !== 8) return 'answer';
      victim!.child.kill('SIGKILL');
      return 'drop';
    },
  });
  // The worker posts to `orders` under SERVER: a route of this test's own.
  const path = `/kill-${store.slice(0, store.indexOf(':'))}`;
  server.route(`${path}/orders`, endpoint.handler);
  const env = { STORE: store, LEASE: '1000', SERVER: `${server.url}${path}` };
  victim = worker({ ...env, JOBS: '20' });
  expect(await victim.exited).toBe(null);
  expect(victim.child.signalCode).toBe('SIGKILL');
  const stored = storedKeys(victim);
  expect(stored.length).toBeGreaterThanOrEqual(8);
  expect(endpoint.orders).toHaveLength(8);

  // What a crash leaves: the jobs not yet ended, and not one credential.
  const left = await raw();
  expect(Object.keys(left).some((key) => key.includes('job'))).toBe(true);
  expect(JSON.stringify(left)).toMatch(/order.{1,9}20/);
  expect(JSON.stringify(left)).not.toContain(TOKEN);

  const restarted = worker({ ...env, ALONE: '1' });
  expect(await restarted.exited, restarted.stderr()).toBe(0);
  expect(restarted.lines.at(-1)).toBe('drained');

  const created = endpoint.orders.map((order) => order.key);
  expect(new Set(created).size).toBe(created.length);
  for (const key of stored) expect(created.filter((item) => item === key)).toHaveLength(1);
  // The 8th was repeated with its key and got the stored answer.
  expect(endpoint.answers.filter((answer) => answer.key === created[7]).map((answer) => answer.status)).toEqual([
    'drop',
    201,
  ]);
  expect(JSON.parse(endpoint.orders[7]!.body)).toEqual({ order: '8' });
  expect(await raw()).toEqual({});
  for (const request of server.requestsTo(`${path}/orders`))
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
}

/** Every file under `dir`, as text by relative path. */
const readTree = (dir: string, prefix = ''): Record<string, string> => {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) Object.assign(files, readTree(path, `${prefix}${name}/`));
    else files[`${prefix}${name}`] = readFileSync(path, 'utf8');
  }
  return files;
};

describe('a process killed mid-way through 20 jobs, restarted on the same store', () => {
  test('fs store: each order exists exactly once, the store ends empty, no credential in it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sturdy-outbox-'));
    try {
      await killAndRestart(`fs:${dir}`, async () => readTree(dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  describe.skipIf(!redisAvailable())('Redis', () => {
    let redis: RedisServer;
    let client: Redis;
    beforeAll(async () => {
      redis = await startRedis();
      client = new Redis({ host: '127.0.0.1', port: redis.port });
    });
    afterAll(async () => {
      client?.disconnect();
      await redis?.stop();
    });
    const raw = async () => {
      const all: Record<string, string> = {};
      for (const key of await client.keys('*')) all[key] = (await client.get(key)) ?? '';
      return all;
    };

    test('Redis store: each order exists exactly once, the store ends empty, no credential in it', async () => {
      await client.flushall();
      await killAndRestart(`redis:${redis.url}`, raw);
    }, 60_000);

    test('two processes sharing the store: one delivery per key, each order once', async () => {
      await client.flushall();
      const endpoint = idempotentCreate();
      server.route('/shared/orders', endpoint.handler);
      const env = { STORE: `redis:${redis.url}`, LEASE: '1000', JOBS: '10', SERVER: `${server.url}/shared` };
      const runs = [worker({ ...env, TAG: 'a' }), worker({ ...env, TAG: 'b' })];
      for (const run of runs) expect(await run.exited, run.stderr()).toBe(0);
      const keys = runs.flatMap(storedKeys);
      expect(keys).toHaveLength(20);
      expect(endpoint.orders.map((order) => order.key).sort()).toEqual([...keys].sort());
      const deliveries = server.requestsTo('/shared/orders').map((request) => request.headers['idempotency-key']);
      expect(deliveries.sort()).toEqual([...keys].sort());
      expect(await raw()).toEqual({});
    }, 60_000);
  });
});
