/**
 * Standalone: `node bench/limit.ts [rounds]`. Per-call cost of sturdy/limit on
 * loopback (POST JSON + parse against bench/server.ts in its own process):
 * without a limiter, with the local window, with a RateLimiterMemory store and
 * with a RateLimiterRedis store on a loopback redis-server (issue 17's target:
 * Redis <= 1.5x the in-memory store). The quota is far above the load, so
 * every figure is the limiter's own cost, never a wait. On a loaded machine
 * trust the CPU column (time this process ran) over wall time.
 */
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { createClient } from '../src/index.ts';
import { limit } from '../src/limit/index.ts';
import { startRedis } from '../test/helpers/redis.ts';
import { startBenchServer } from './spawn.ts';
import { alternate, cpuSince, fixed, median, pairedRatio, type Samples } from './stats.ts';

const rounds = Number(process.argv[2] ?? 8);
const PAYLOAD = { sku: 'A1', quantity: 2, note: 'bench' };
const RATE = { requests: 1_000_000, interval: 1_000 };

const server = await startBenchServer();
const redisServer = await startRedis();
const redis = new Redis({ host: '127.0.0.1', port: redisServer.port });
await redis.ping();

const client = (use: ReturnType<typeof limit>[]) => createClient({ baseUrl: `${server.url}/`, retry: false, use });
const apis = {
  'no limiter': client([]),
  'limit(): local window': client([limit({ concurrency: 64, rateLimit: RATE })]),
  'limit() + RateLimiterMemory': client([
    limit({
      concurrency: 64,
      rateLimit: { ...RATE, store: new RateLimiterMemory({ points: RATE.requests, duration: 1 }) },
    }),
  ]),
  'limit() + RateLimiterRedis': client([
    limit({
      concurrency: 64,
      rateLimit: { ...RATE, store: new RateLimiterRedis({ storeClient: redis, points: RATE.requests, duration: 1 }) },
    }),
  ]),
};

/** Wall us per call for `total` calls, `concurrency` at a time; CPU us per call goes to `cpu`. */
async function perCall(
  api: ReturnType<typeof createClient>,
  total: number,
  concurrency: number,
  cpu: number[],
): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next++ < total) await api.post('json', { json: PAYLOAD }).json();
  };
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, worker));
  cpu.push(cpuSince(cpuStarted) / total);
  return ((performance.now() - started) * 1000) / total;
}

const run = async (total: number, concurrency: number) => {
  const cpu: Samples = Object.fromEntries(Object.keys(apis).map((name) => [name, []]));
  const wall = await alternate(
    Object.fromEntries(
      Object.entries(apis).map(([name, api]) => [name, () => perCall(api, total, concurrency, cpu[name]!)]),
    ),
    rounds,
  );
  return { wall, cpu };
};

try {
  const sequential = await run(300, 1);
  const concurrent = await run(1_200, 16);
  const base = 'limit() + RateLimiterMemory';
  console.log(
    `sturdy/limit per call, loopback, ${rounds} rounds (medians; ratios paired per round against "${base}")\n`,
  );
  console.log('| case | seq us/call | seq CPU us/call | conc 16 us/call | seq ratio | seq CPU ratio | conc ratio |');
  console.log('|---|--:|--:|--:|--:|--:|--:|');
  for (const name of Object.keys(apis)) {
    console.log(
      `| ${name} | ${fixed(median(sequential.wall[name]!))} | ${fixed(median(sequential.cpu[name]!))} | ${fixed(median(concurrent.wall[name]!))} | ` +
        `${fixed(pairedRatio(sequential.wall[name]!, sequential.wall[base]!), 2)}x | ${fixed(pairedRatio(sequential.cpu[name]!, sequential.cpu[base]!), 2)}x | ${fixed(pairedRatio(concurrent.wall[name]!, concurrent.wall[base]!), 2)}x |`,
    );
  }
} finally {
  redis.disconnect();
  await redisServer.stop();
  server.close();
}
