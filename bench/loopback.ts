/**
 * Loopback throughput: POST JSON + parse against a real node:http server in
 * another process, sequentially and with 32 calls in flight, as requests/s
 * (wall clock), and the client's CPU time per request (robust to other load).
 */
import ky from 'ky';
import { ofetch } from 'ofetch';
import { alternate, cpuSince, meets, median, pairedRatio, type Samples } from './stats.ts';
import { PAYLOAD, ROWS, rawPost, sturdyDefaults, sturdyOff } from './stub.ts';

/** Requests per second for `total` calls of `op`, `concurrency` at a time; the CPU us per request goes to `cpu`. */
async function throughput(
  op: () => Promise<unknown>,
  total: number,
  concurrency: number,
  cpu: number[],
): Promise<number> {
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

export async function benchLoopback(sturdy: Record<string, any>, baseUrl: string, rounds = 6): Promise<LoopbackResult> {
  const url = `${baseUrl}/json`;
  const api = sturdyDefaults(sturdy, globalThis.fetch, `${baseUrl}/`);
  const off = sturdyOff(sturdy, globalThis.fetch, `${baseUrl}/`);
  // ky resolves the same relative path against the same baseUrl as sturdy's clients: the same work per call.
  const kyDefaults = ky.create({ baseUrl: `${baseUrl}/` });
  const kyFloor = ky.create({ retry: 0, timeout: false, baseUrl: `${baseUrl}/` });
  const ops: Record<string, () => Promise<unknown>> = {
    [ROWS.fetch]: () => rawPost(fetch, url),
    [ROWS.ky]: () => kyDefaults.post('json', { json: PAYLOAD }).json(),
    [ROWS.kyFloor]: () => kyFloor.post('json', { json: PAYLOAD }).json(),
    [ROWS.ofetch]: () => ofetch(url, { method: 'POST', body: PAYLOAD }),
    [ROWS.full]: () => api.post('json', { json: PAYLOAD }).json(),
    [ROWS.off]: () => off.post('json', { json: PAYLOAD }).json(),
  };
  // CPU per request is taken from the sequential rounds (warmup rounds included, then dropped).
  const cpu: Samples = Object.fromEntries(Object.keys(ops).map((name) => [name, []]));
  const casesFor = (total: number, concurrency: number, record: boolean) =>
    Object.fromEntries(
      Object.entries(ops).map(([name, op]) => [
        name,
        () => throughput(op, total, concurrency, record ? cpu[name]! : []),
      ]),
    );
  const sequential = await alternate(casesFor(300, 1, true), rounds);
  for (const name of Object.keys(cpu)) cpu[name] = cpu[name]!.slice(-rounds);
  return { sequential, concurrent: await alternate(casesFor(1200, 32, false), rounds), cpu };
}

/** DESIGN's loopback target: sturdy's full defaults + bearer at least ky defaults' req/s, sequential and at concurrency 32. */
const met = (samples: Samples, name: string) =>
  name === ROWS.full ? meets(pairedRatio(samples[name]!, samples[ROWS.ky]!), 1.0) : '-';

/** Rows: req/s and its multiple of raw fetch's and ky defaults' (per-round ratios), target met?, client CPU per request. */
export function loopbackRows({ sequential, concurrent, cpu }: LoopbackResult): string[][] {
  const figures = (samples: Samples, name: string) => [
    Math.round(median(samples[name]!)).toString(),
    pairedRatio(samples[name]!, samples[ROWS.fetch]!).toFixed(2),
    pairedRatio(samples[name]!, samples[ROWS.ky]!).toFixed(2),
    met(samples, name),
  ];
  return Object.keys(sequential).map((name) => [
    name,
    ...figures(sequential, name),
    ...figures(concurrent, name),
    Math.round(median(cpu[name]!)).toString(),
  ]);
}
