/**
 * Loopback throughput: POST JSON + parse against a real node:http server in
 * another process, sequentially and with 32 calls in flight, as requests/s.
 */
import ky from 'ky';
import { alternate, median, pairedRatio, type Samples } from './stats.ts';
import { sturdyDefaults } from './stub.ts';

const PAYLOAD = { sku: 'A1', quantity: 2, note: 'bench' };

/** Requests per second for `total` calls of `op`, `concurrency` at a time. */
async function throughput(op: () => Promise<unknown>, total: number, concurrency: number): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next += 1;
      await op();
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return total / ((performance.now() - started) / 1000);
}

export type LoopbackResult = { sequential: Samples; concurrent: Samples };

export async function benchLoopback(sturdy: Record<string, any>, baseUrl: string, rounds = 8): Promise<LoopbackResult> {
  const url = `${baseUrl}/json`;
  const api = sturdyDefaults(sturdy, globalThis.fetch, `${baseUrl}/`);
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
  };
  const casesFor = (total: number, concurrency: number) =>
    Object.fromEntries(Object.entries(ops).map(([name, op]) => [name, () => throughput(op, total, concurrency)]));
  return {
    sequential: await alternate(casesFor(300, 1), rounds),
    concurrent: await alternate(casesFor(1200, 32), rounds),
  };
}

export function loopbackRows({ sequential, concurrent }: LoopbackResult): string[][] {
  const raw = (samples: Samples) => samples['raw fetch']!;
  return Object.keys(sequential).map((name) => [
    name,
    Math.round(median(sequential[name]!)).toString(),
    pairedRatio(sequential[name]!, raw(sequential)).toFixed(2),
    Math.round(median(concurrent[name]!)).toString(),
    pairedRatio(concurrent[name]!, raw(concurrent)).toFixed(2),
  ]);
}
