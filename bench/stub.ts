/**
 * Per-request cost over a stub fetch: POST a small JSON body and parse the
 * JSON reply, with nothing on the wire, so only the client's own work counts.
 */
import ky from 'ky';
import { createFetch } from 'ofetch';
import { alternate, median, pairedRatio, perOp, type Samples } from './stats.ts';

const REPLY = JSON.stringify({ id: 'ord_1', total: 20, items: [{ sku: 'A1', quantity: 2 }] });
const PAYLOAD = { sku: 'A1', quantity: 2, note: 'bench' };
const URL_ABS = 'https://api.example.com/v1/orders';

/** A fetch that answers at once. It reads a Request's body as fetch would send it (a string body is free to send). */
const stubFetch = (async (input: RequestInfo | URL) => {
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
  mod.createClient({ baseUrl, fetch: fetchFunction, retry: false, timeout: false, totalTimeout: false, idleTimeout: false, idempotencyKey: false });

/** The name of the all-off row, in every table that has one. */
export const BARE_ROW = 'sturdy, all features off';

export type StubResult = { samples: Samples; bearer: 'bearer()' | 'custom strategy' };

export async function benchStub(sturdy: Record<string, any>, rounds = 15, n = 1500): Promise<StubResult> {
  const kyFast = ky.create({ retry: 0, timeout: false });
  const ofetch = createFetch({ fetch: stubFetch, Headers, AbortController });
  const api = sturdyDefaults(sturdy, stubFetch, 'https://api.example.com/v1/');
  const bare = sturdyBare(sturdy, stubFetch, 'https://api.example.com/v1/');
  const cases = {
    'raw fetch': () =>
      perOp(async () => {
        const response = await stubFetch(URL_ABS, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(PAYLOAD),
        });
        return response.json();
      }, n),
    'ky defaults': () => perOp(() => ky.post(URL_ABS, { json: PAYLOAD, fetch: stubFetch }).json(), n),
    'ky retry:0 timeout:false': () => perOp(() => kyFast.post(URL_ABS, { json: PAYLOAD, fetch: stubFetch }).json(), n),
    ofetch: () => perOp(() => ofetch(URL_ABS, { method: 'POST', body: PAYLOAD }), n),
    'sturdy full defaults': () => perOp(() => api.post('orders', { json: PAYLOAD }).json(), n),
    [BARE_ROW]: () => perOp(() => bare.post('orders', { json: PAYLOAD }).json(), n),
  };
  // Sanity: every case really parses the reply.
  const check = (await api.post('orders', { json: PAYLOAD }).json()) as { id: string };
  if (check.id !== 'ord_1') throw new Error('sturdy stub bench: unexpected reply');
  return { samples: await alternate(cases, rounds, 2), bearer: typeof sturdy.bearer === 'function' ? 'bearer()' : 'custom strategy' };
}

/** Table rows: us/op, overhead over raw fetch, and ratios to ky defaults measured within each round. */
export function stubRows({ samples }: StubResult): string[][] {
  const raw = samples['raw fetch']!;
  const ky = samples['ky defaults']!;
  const net = (values: number[]) => values.map((value, i) => value - raw[i]!);
  return Object.entries(samples).map(([name, values]) => [
    name,
    median(values).toFixed(1),
    median(net(values)).toFixed(1),
    pairedRatio(values, ky).toFixed(2),
    name === 'raw fetch' ? '-' : pairedRatio(net(values), net(ky)).toFixed(2),
  ]);
}
