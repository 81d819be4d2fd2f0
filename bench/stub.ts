/**
 * Per-request cost over a stub fetch: POST a small JSON body and parse the
 * JSON reply, with nothing on the wire, so only the client's own work counts.
 */
import ky from 'ky';
import { createFetch } from 'ofetch';
import { alternate, median, pairedRatio, perOp, type Samples } from './stats.ts';

const REPLY = JSON.stringify({ id: 'ord_1', total: 20, items: [{ sku: 'A1', quantity: 2 }] });
export const PAYLOAD = { sku: 'A1', quantity: 2, note: 'bench' };
const URL_ABS = 'https://api.example.com/v1/orders';

/** A fetch that answers at once. It reads a Request's body as fetch would send it (a string body is free to send). */
export const stubFetch = (async (input: RequestInfo | URL) => {
  if (input instanceof Request && input.body) await input.arrayBuffer();
  return new Response(REPLY, { status: 200, headers: { 'content-type': 'application/json' } });
}) as typeof fetch;

/** A minimal bearer strategy, used when sturdy's own `bearer` is not exported yet. */
export const tinyBearer = {
  kind: 'sturdy.auth',
  type: 'bearer',
  authorize({ headers }: { headers: Headers }) {
    headers.set('authorization', 'Bearer bench-token');
    return 'bench-token';
  },
} as const;

/** sturdy with every default on (retry, timeouts, idempotency key) plus bearer auth. */
export function sturdyDefaults(mod: Record<string, any>, fetchFunction: typeof fetch, baseUrl: string) {
  const auth = typeof mod.bearer === 'function' ? mod.bearer('bench-token') : tinyBearer;
  return mod.createClient({ baseUrl, fetch: fetchFunction, auth });
}

/** sturdy with every feature off: what its layer costs over one ky call by itself. */
export const sturdyBare = (mod: Record<string, any>, fetchFunction: typeof fetch, baseUrl: string) =>
  mod.createClient({
    baseUrl,
    fetch: fetchFunction,
    retry: false,
    timeout: false,
    totalTimeout: false,
    idleTimeout: false,
    idempotencyKey: false,
  });

/** sturdy's defaults with retries off (no auth): the row set against ky's floor. */
export const sturdyNoRetry = (mod: Record<string, any>, fetchFunction: typeof fetch, baseUrl: string) =>
  mod.createClient({ baseUrl, fetch: fetchFunction, retry: false });

/** Row names shared by the stub and loopback tables. */
export const ROWS = {
  fetch: 'raw fetch',
  ky: 'ky defaults',
  kyFloor: 'ky retry:0 timeout:false',
  ofetch: 'ofetch',
  full: 'sturdy full defaults + bearer',
  noRetry: 'sturdy, retries off',
  bare: 'sturdy, all features off',
} as const;
/** The name of the all-off row, in every table that has one. */
export const BARE_ROW = ROWS.bare;

export type StubResult = { samples: Samples; bearer: 'bearer()' | 'custom strategy' };

export async function benchStub(sturdy: Record<string, any>, rounds = 15, n = 1500): Promise<StubResult> {
  const kyFast = ky.create({ retry: 0, timeout: false });
  const ofetch = createFetch({ fetch: stubFetch, Headers, AbortController });
  const api = sturdyDefaults(sturdy, stubFetch, 'https://api.example.com/v1/');
  const bare = sturdyBare(sturdy, stubFetch, 'https://api.example.com/v1/');
  const noRetry = sturdyNoRetry(sturdy, stubFetch, 'https://api.example.com/v1/');
  const cases = {
    [ROWS.fetch]: () =>
      perOp(async () => {
        const response = await stubFetch(URL_ABS, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(PAYLOAD),
        });
        return response.json();
      }, n),
    [ROWS.ky]: () => perOp(() => ky.post(URL_ABS, { json: PAYLOAD, fetch: stubFetch }).json(), n),
    [ROWS.kyFloor]: () => perOp(() => kyFast.post(URL_ABS, { json: PAYLOAD, fetch: stubFetch }).json(), n),
    [ROWS.ofetch]: () => perOp(() => ofetch(URL_ABS, { method: 'POST', body: PAYLOAD }), n),
    [ROWS.full]: () => perOp(() => api.post('orders', { json: PAYLOAD }).json(), n),
    [ROWS.noRetry]: () => perOp(() => noRetry.post('orders', { json: PAYLOAD }).json(), n),
    [ROWS.bare]: () => perOp(() => bare.post('orders', { json: PAYLOAD }).json(), n),
  };
  // Sanity: every sturdy case really parses the reply.
  for (const client of [api, noRetry, bare]) {
    const check = (await client.post('orders', { json: PAYLOAD }).json()) as { id: string };
    if (check.id !== 'ord_1') throw new Error('sturdy stub bench: unexpected reply');
  }
  return {
    samples: await alternate(cases, rounds, 2),
    bearer: typeof sturdy.bearer === 'function' ? 'bearer()' : 'custom strategy',
  };
}

/** The stub targets: ops/s of a row as a multiple of a reference row's, measured within each round. */
const TARGETS: Record<string, { of: string; at: number }> = {
  [ROWS.full]: { of: ROWS.ky, at: 1.0 },
  [ROWS.noRetry]: { of: ROWS.kyFloor, at: 0.9 },
};

/** `yes`, or `no` with the gap, for a measured ratio against its target (higher is better). */
export const meets = (ratio: number, target: number): string => (ratio >= target ? 'yes' : `no (${ratio.toFixed(2)}x)`);

/**
 * Table rows: CPU us/op, ops/s (1 / CPU time), ops/s as a multiple of ky defaults' and of
 * ky's floor (medians of per-round ratios, so drift between rounds cancels), target, met?.
 */
export function stubRows({ samples }: StubResult): string[][] {
  const ratioTo = (values: number[], reference: string) => pairedRatio(samples[reference]!, values);
  return Object.entries(samples).map(([name, values]) => {
    const target = TARGETS[name];
    const ratio = target ? ratioTo(values, target.of) : undefined;
    return [
      name,
      median(values).toFixed(1),
      Math.round(1e6 / median(values)).toLocaleString('en'),
      ratioTo(values, ROWS.ky).toFixed(2),
      ratioTo(values, ROWS.kyFloor).toFixed(2),
      target ? `>= ${target.at.toFixed(1)}x ${target.of}` : '-',
      target ? meets(ratio!, target.at) : '-',
    ];
  });
}
