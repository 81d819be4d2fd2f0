/**
 * What every scenario handler shares: how the final reply is given, how a
 * handler counts the requests it saw, and a wait that stops when the client
 * gives up (so an aborted request leaves no timer behind).
 */
import { http, HttpResponse } from 'msw';
import type { HttpHandler, JsonBodyType, Path } from 'msw';
import { optionError } from '../shared/option-error.ts';

/**
 * HTTP methods a scenario can match; `all` matches any.
 * @example
 * flaky(url, { method: 'post' })
 */
export type ScenarioMethod = 'all' | 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options';

/**
 * The reply once a scenario lets a request through: a JSON value (sent with
 * status 200), or a function building the Response from the request.
 * @example
 * flaky('https://api.test/orders', { failures: 2 }, { id: 'ord_1' })
 * flaky('https://api.test/orders', { failures: 2 }, async ({ request }) => HttpResponse.json(await request.json(), { status: 201 }))
 */
export type Reply = JsonBodyType | ((info: ReplyInfo) => Response | Promise<Response>);

/**
 * What a reply function receives.
 * @example
 * ({ request, params, call }) => HttpResponse.json({ id: params.id, call })
 */
export type ReplyInfo = {
  request: Request;
  /** Path parameters matched by msw (`/orders/:id` gives `{ id }`). */
  params: Record<string, string | readonly string[] | undefined>;
  /** 1 for the first request this handler saw, 2 for the second, ... */
  call: number;
};

/**
 * Options every scenario accepts.
 * @example
 * { method: 'get' }
 */
export type ScenarioOptions = {
  /** Which method to match. @default 'all' */
  method?: ScenarioMethod;
};

/**
 * An msw handler that also counts the requests it handled.
 * @example
 * const orders = flaky('https://api.test/orders', { failures: 2 }, { ok: true });
 * server.use(orders);
 * await api.get('orders').json();
 * expect(orders.calls).toBe(3);
 */
export type ScenarioHandler = HttpHandler & {
  /** Requests this handler has handled so far. */
  readonly calls: number;
  /** Starts counting (and failing) from zero again. */
  reset(): void;
};

/**
 * Builds a counting msw handler for a scenario of your own; `respond` gets the
 * request and its 1-based call number.
 * @example
 * // Answers 500 on every second request.
 * const every2nd = defineScenario('https://api.test/items', { method: 'get' }, ({ call }) =>
 *   call % 2 === 0 ? HttpResponse.json({ error: 'boom' }, { status: 500 }) : HttpResponse.json([]));
 */
export function defineScenario(
  path: Path,
  options: ScenarioOptions | undefined,
  respond: (info: ReplyInfo) => Response | Promise<Response>,
): ScenarioHandler {
  const method = options?.method ?? 'all';
  if (typeof http[method] !== 'function')
    throw optionError('/testing', 'method', `one of ${Object.keys(http).join(', ')}`, method);
  let calls = 0;
  const handler = http[method](path, ({ request, params }) => {
    calls += 1;
    return respond({ request, params: params as ReplyInfo['params'], call: calls });
  });
  Object.defineProperty(handler, 'calls', { get: () => calls, enumerable: true });
  Object.defineProperty(handler, 'reset', { value: () => void (calls = 0), writable: true, configurable: true });
  return handler as ScenarioHandler;
}

/**
 * Reads a count or duration option: a non-negative number (an integer for
 * counts), or the fallback when absent; anything else is a TypeError naming it.
 * @example
 * const failures = checkNumber('failures', options.failures, 1, { integer: true });
 */
export function checkNumber(name: string, value: unknown, fallback: number, { integer = false } = {}): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0) || (integer && !Number.isInteger(value)))
    throw optionError('/testing', name, `a non-negative ${integer ? 'integer' : 'number'}`, value);
  return value;
}

/**
 * Turns a Reply into a Response: a function is called, a JSON value sent with 200, nothing is a 204.
 * @example
 * await reply({ ok: true }, info) // Response 200 {"ok":true}
 */
export async function reply(value: Reply | undefined, info: ReplyInfo): Promise<Response> {
  if (typeof value === 'function') return value(info);
  if (value === undefined) return new HttpResponse(null, { status: 204 });
  return HttpResponse.json(value);
}

/**
 * Waits `ms`, or less when the request is aborted (the client timed out or gave up).
 * @example
 * await wait(1_000, request.signal);
 */
export function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * A plain JSON error body, like the APIs sturdy talks to send.
 * @example
 * errorBody(503, 'try later') // { error: { status: 503, message: 'try later' } }
 */
export const errorBody = (status: number, message: string) => ({ error: { status, message } });
