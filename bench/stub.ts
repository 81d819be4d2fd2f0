/**
 * Per-request cost over a stub fetch: POST a small JSON body and parse the
 * JSON reply, with nothing on the wire, so only the client's own work counts.
 */
import ky from 'ky';
import { createFetch } from 'ofetch';
import { runJson } from './spawn.ts';
import { alternate, median, pairedRatio, perOp, type Samples, within } from './stats.ts';

const REPLY = JSON.stringify({ id: 'ord_1', total: 20, items: [{ sku: 'A1', quantity: 2 }] });
export const PAYLOAD = { sku: 'A1', quantity: 2, note: 'bench' };
const BASE_URL = 'https://api.example.com/v1/';
const URL_ABS = `${BASE_URL}orders`;

/** A fetch that answers at once. It reads a Request's body as fetch would send it (a string body is free to send). */
export const stubFetch = (async (input: RequestInfo | URL) => {
  if (input instanceof Request && input.body) await input.arrayBuffer();
  return new Response(REPLY, { status: 200, headers: { 'content-type': 'application/json' } });
}) as typeof fetch;

/**
 * A stub that does what the platform's fetch does with its arguments: one `new Request(input, init)` (fetch
 * always builds its own request, also from a Request), whose body it reads, then the reply. Installed as
 * `globalThis.fetch`, so every client takes the path it takes with the real fetch.
 */
export const platformStub = (async (input: RequestInfo | URL, init?: RequestInit) => {
  const request = new Request(input, init);
  if (request.body) await request.arrayBuffer();
  return new Response(REPLY, { status: 200, headers: { 'content-type': 'application/json' } });
}) as typeof fetch;

/** sturdy with every default on (retry, timeouts, idempotency key) plus `bearer()`. */
export const sturdyDefaults = (mod: Record<string, any>, fetchFunction: typeof fetch | undefined, baseUrl: string) =>
  mod.createClient({ baseUrl, fetch: fetchFunction, auth: mod.bearer('bench-token') });

/** sturdy with retries and every timeout off, no auth (the idempotency key stays on): the row set against ky's floor. */
export const sturdyOff = (mod: Record<string, any>, fetchFunction: typeof fetch | undefined, baseUrl: string) =>
  mod.createClient({
    baseUrl,
    fetch: fetchFunction,
    retry: false,
    timeout: false,
    totalTimeout: false,
    idleTimeout: false,
  });

/** Row names shared by the stub and loopback tables. */
export const ROWS = {
  fetch: 'raw fetch',
  ky: 'ky defaults',
  kyFloor: 'ky retry:0 timeout:false',
  ofetch: 'ofetch',
  full: 'sturdy full defaults + bearer',
  off: 'sturdy, retries and timeouts off',
} as const;

/** `processes`: each fresh process's own samples, for the spread of a ratio between processes (pooled runs only). */
export type StubResult = { samples: Samples; processes?: Samples[] };

/**
 * The stub table. `platform`: the stub is `globalThis.fetch` and builds its request from fetch's arguments as
 * the platform does (no client is given a `fetch` option); else it is every client's `fetch` option, a caller's
 * fetch that reads only the Request it is given.
 */
export async function benchStub(
  sturdy: Record<string, any>,
  rounds = 15,
  n = 1500,
  platform = false,
  rows?: readonly string[],
): Promise<StubResult> {
  const saved = globalThis.fetch;
  if (platform) globalThis.fetch = platformStub;
  try {
    return await stubCases(sturdy, platform, rounds, n, rows);
  } finally {
    globalThis.fetch = saved;
  }
}

/**
 * One call of each stub-table client, by row name. `platform`: the stub is (to be) installed as
 * `globalThis.fetch` and no client gets a `fetch` option; else every client gets it as its `fetch`.
 * @example
 * const clients = stubClients(await import('../src/index.ts'), false); await clients[ROWS.full]!();
 */
export function stubClients(sturdy: Record<string, any>, platform: boolean): Record<string, () => Promise<unknown>> {
  const stub = platform ? platformStub : stubFetch;
  const given = platform ? {} : { fetch: stubFetch };
  // ky resolves the same relative path against the same baseUrl as sturdy's clients: the same work per call.
  const kyDefaults = ky.create({ baseUrl: BASE_URL });
  const kyFast = ky.create({ retry: 0, timeout: false, baseUrl: BASE_URL });
  const ofetch = createFetch({ fetch: stub, Headers, AbortController });
  const api = sturdyDefaults(sturdy, given.fetch, BASE_URL);
  const off = sturdyOff(sturdy, given.fetch, BASE_URL);
  return {
    [ROWS.fetch]: () => rawPost(stub, URL_ABS),
    [ROWS.ky]: () => kyDefaults.post('orders', { json: PAYLOAD, ...given }).json(),
    [ROWS.kyFloor]: () => kyFast.post('orders', { json: PAYLOAD, ...given }).json(),
    [ROWS.ofetch]: () => ofetch(URL_ABS, { method: 'POST', body: PAYLOAD }),
    [ROWS.full]: () => api.post('orders', { json: PAYLOAD }).json(),
    [ROWS.off]: () => off.post('orders', { json: PAYLOAD }).json(),
  };
}

/**
 * The raw-fetch row's call: POST the payload as JSON with both JSON headers and parse the reply, by hand.
 * @example
 * await rawPost(fetch, 'http://127.0.0.1:8080/json');
 */
export const rawPost = async (fetchFunction: typeof fetch, url: string): Promise<unknown> => {
  const response = await fetchFunction(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(PAYLOAD),
  });
  return response.json();
};

/** Every row name of the stub table, in its order. */
export const CASE_NAMES: readonly string[] = Object.values(ROWS);

async function stubCases(
  sturdy: Record<string, any>,
  platform: boolean,
  rounds: number,
  n: number,
  rows?: readonly string[],
): Promise<StubResult> {
  // Only the rows asked for are ever called: an "alone" process runs one sturdy client, as an app with one does.
  const clients = Object.entries(stubClients(sturdy, platform)).filter(([name]) => !rows || rows.includes(name));
  // Sanity: every sturdy case really parses the reply.
  for (const [name, call] of clients)
    if (name === ROWS.full || name === ROWS.off) {
      const check = (await call()) as { id: string };
      if (check.id !== 'ord_1') throw new Error('sturdy stub bench: unexpected reply');
    }
  const cases = Object.fromEntries(clients.map(([name, call]) => [name, () => perOp(call, n)]));
  return { samples: await alternate(cases, rounds, WARM_ROUNDS) };
}

/**
 * Warm-up rounds of every client before the measured ones. With every client in one process, V8 was still
 * optimizing undici's and ky's functions 3,500-5,500 calls into a row: 2 warm rounds of 1,500 calls measured
 * that tier-up (a row read 1.5x where a long run reads 1.3x), so the measured rounds start after 6,000 calls.
 */
const WARM_ROUNDS = 4;
/** Fresh processes and measured rounds of each (a multiple of 6: every order of the balanced square, `alternate`). */
const PROCESSES = 4;
const ROUNDS = 12;

/**
 * The stub table from `processes` fresh processes of `rounds` rounds each, their rounds pooled (each round's
 * rows stay paired, so per-round ratios are still taken within one process and one round). Each process's own
 * samples are kept too: the spread of a ratio between processes is the figure's uncertainty.
 * @example
 * const result = await benchStubProcesses(bundlePath, false); // a caller's fetch
 */
export async function benchStubProcesses(
  bundle: string,
  platform: boolean,
  processes = PROCESSES,
  rounds = ROUNDS,
  n = 1500,
  rows?: readonly string[],
): Promise<StubResult> {
  const samples: Samples = {};
  const each: Samples[] = [];
  for (let index = 0; index < processes; index++) {
    const part = await runJson<StubResult>('stub-child.ts', [
      bundle,
      platform ? 'platform' : 'caller',
      `${rounds}`,
      `${n}`,
      ...(rows ? [JSON.stringify(rows)] : []),
    ]);
    each.push(part.samples);
    for (const [row, values] of Object.entries(part.samples)) (samples[row] ??= []).push(...values);
  }
  return { samples, processes: each };
}

/** DESIGN "Lean core": CPU time per call of a row at most `at` times a reference row's, measured within each round. */
const TARGETS: Record<string, { of: string; at: number }> = {
  [ROWS.full]: { of: ROWS.ky, at: 1.2 },
  [ROWS.off]: { of: ROWS.kyFloor, at: 1.25 },
};

/** A target row measured against its reference alone: the pooled ratio and the lowest and highest per process. */
export type TargetRatio = { ratio: number; low: number; high: number };

/**
 * Each target row against its reference in fresh processes that run only those two clients, as an app with one
 * client does. With every client in one process, each row also pays for the garbage of the rows before it: the
 * balanced orders of `alternate` spread that over every row, and both figures are printed.
 * @example
 * const targets = await benchStubTargets(bundlePath, false);
 */
export async function benchStubTargets(bundle: string, platform: boolean): Promise<Record<string, TargetRatio>> {
  const targets: Record<string, TargetRatio> = {};
  for (const [row, { of }] of Object.entries(TARGETS)) {
    const { samples, processes = [] } = await benchStubProcesses(bundle, platform, PROCESSES, ROUNDS, 1500, [row, of]);
    const each = processes.map((own) => pairedRatio(own[row]!, own[of]!));
    targets[row] = { ratio: pairedRatio(samples[row]!, samples[of]!), low: Math.min(...each), high: Math.max(...each) };
  }
  return targets;
}

/**
 * Table rows: CPU us/op, ops/s (1 / CPU time), time per call as a multiple of ky defaults' and of ky's floor
 * (medians of per-round ratios, so drift between rounds cancels; every client in each process), then for a
 * target row: the target, the ratio measured alone (`benchStubTargets`) with its per-process range, and whether
 * each way meets it (the issue's own method put every client in one process).
 */
export function stubRows({ samples }: StubResult, targets: Record<string, TargetRatio>): string[][] {
  const timeOver = (values: number[], reference: string) => pairedRatio(values, samples[reference]!);
  return Object.entries(samples).map(([name, values]) => {
    const target = TARGETS[name];
    const alone = targets[name];
    return [
      name,
      median(values).toFixed(1),
      Math.round(1e6 / median(values)).toLocaleString('en'),
      timeOver(values, ROWS.ky).toFixed(2),
      timeOver(values, ROWS.kyFloor).toFixed(2),
      target ? `<= ${target.at.toFixed(2)}x ${target.of}` : '-',
      alone ? `${alone.ratio.toFixed(2)} (${alone.low.toFixed(2)}-${alone.high.toFixed(2)})` : '-',
      target && alone
        ? `alone ${within(alone.ratio, target.at)}; every client in one process ${within(timeOver(values, target.of), target.at)}`
        : '-',
    ];
  });
}
