/**
 * Loopback throughput: POST JSON + parse against a real node:http server in
 * another process, sequentially and with 32 calls in flight, as requests/s
 * (wall clock), and the client's CPU time per request (robust to other load).
 */
import ky from 'ky';
import { alternate, cpuSince, median, pairedRatio, type Samples } from './stats.ts';
import { BARE_ROW, sturdyBare, sturdyDefaults } from './stub.ts';

const PAYLOAD = { sku: 'A1', quantity: 2, note: 'bench' };

/** Requests per second for `total` calls of `op`, `concurrency` at a time; the CPU us per request goes to `cpu`. */
async function throughput(op: () => Promise<unknown>, total: number, concurrency: number, cpu: number[]): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next += 1;
      await op();
    }
  };
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, worker));
  cpu.push(cpuSince(cpuStarted) / total);
  return total / ((performance.now() - started) / 1000);
}

export type LoopbackResult = { sequential: Samples; concurrent: Samples; cpu: Samples };

export async function benchLoopback(sturdy: Record<string, any>, baseUrl: string, rounds = 8): Promise<LoopbackResult> {
  const url = `${baseUrl}/json`;
  const api = sturdyDefaults(sturdy, globalThis.fetch, `${baseUrl}/`);
  const bare = sturdyBare(sturdy, globalThis.fetch, `${baseUrl}/`);
  const ops: Record<string, () => Promise<unknown>> = {
    'raw fetch': async () => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(PAYLOAD),
      });
      return response.json();
    },
    'ky defaults': () => ky.post(url, { json: PAYLOAD }).json(),
    'sturdy full defaults': () => api.post('json', { json: PAYLOAD }).json(),
    [BARE_ROW]: () => bare.post('json', { json: PAYLOAD }).json(),
  };
  // CPU per request is taken from the sequential rounds (warmup rounds included, then dropped).
  const cpu: Samples = Object.fromEntries(Object.keys(ops).map((name) => [name, []]));
  const casesFor = (total: number, concurrency: number, record: boolean) =>
    Object.fromEntries(Object.entries(ops).map(([name, op]) => [name, () => throughput(op, total, concurrency, record ? cpu[name]! : [])]));
  const sequential = await alternate(casesFor(300, 1, true), rounds);
  for (const name of Object.keys(cpu)) cpu[name] = cpu[name]!.slice(-rounds);
  return { sequential, concurrent: await alternate(casesFor(1200, 32, false), rounds), cpu };
}

export function loopbackRows({ sequential, concurrent, cpu }: LoopbackResult): string[][] {
  const raw = (samples: Samples) => samples['raw fetch']!;
  return Object.keys(sequential).map((name) => [
    name,
    Math.round(median(sequential[name]!)).toString(),
    pairedRatio(sequential[name]!, raw(sequential)).toFixed(2),
    Math.round(median(concurrent[name]!)).toString(),
    pairedRatio(concurrent[name]!, raw(concurrent)).toFixed(2),
    Math.round(median(cpu[name]!)).toString(),
    pairedRatio(raw(cpu), cpu[name]!).toFixed(2),
  ]);
}
