/**
 * dedupe(): concurrent identical GET/HEAD requests share one network request. Each caller gets its
 * own Response whose body is fanned out from the one upstream body (fan-out.ts).
 */
import type { Middleware, Next } from '../core/middleware.ts';
import { optionError } from '../shared/option-error.ts';
import { responseWith } from './body.ts';
import { fanOut } from './fan-out.ts';
import { assertWebCrypto, createHasher, identityText } from './key.ts';

/**
 * Options of `dedupe()`.
 * @example
 * const options: DedupeOptions = { headers: ['x-tenant'], bufferBytes: 1 << 20 };
 */
export type DedupeOptions = {
  /**
   * More request headers that make two requests different (names). Always compared: the method, the full
   * URL, every credential header (the auth strategy's included), `accept`, `accept-encoding`,
   * `accept-language`, and the conditional and range headers (`if-none-match`, `if-modified-since`,
   * `if-match`, `if-unmodified-since`, `if-range`, `range`).
   * @default []
   */
  headers?: readonly string[];
  /** Body bytes that may wait for the slowest caller before the shared download pauses. @default 256 KiB */
  bufferBytes?: number;
};

/**
 * Before a response there is no Vary to read: the headers responses commonly vary on, and those that change
 * which response comes back (conditional and range requests: a 304 or 206 answers only who asked for it).
 */
const KEY_HEADERS = [
  'accept',
  'accept-encoding',
  'accept-language',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'range',
];
const DEFAULT_BUFFER_BYTES = 256 * 1024;

type Waiter = { signal: AbortSignal; deliver(response: Response): void; fail(error: unknown): void };
type Flight = { waiters: Set<Waiter>; upstream: AbortController };

/**
 * Shares one upstream request among concurrent identical GET/HEAD calls (same URL, same credentials,
 * same content negotiation, same conditional and range headers). One caller aborting, or its own
 * `timeout`, `idleTimeout` or `totalTimeout` running out, leaves the others untouched; the upstream
 * request is cancelled only when every caller has gone. Unsafe methods are never shared.
 * @example
 * const api = createClient({ baseUrl, use: [dedupe(), httpCache()] });
 * const [a, b] = await Promise.all([api.get('me').json(), api.get('me').json()]); // one request
 */
/* @__NO_SIDE_EFFECTS__ */
export function dedupe(options: DedupeOptions = {}): Middleware {
  const { keyHeaders, bufferBytes } = checkOptions(options);
  assertWebCrypto('dedupe');
  const flights = new Map<string, Flight>();
  const hash = createHasher();

  const start = (key: string, request: Request, next: Next): Flight => {
    const flight: Flight = { waiters: new Set(), upstream: new AbortController() };
    flights.set(key, flight);
    // Every caller left: a newcomer starts its own request rather than get this one's failure (another caller's abort).
    flight.upstream.signal.addEventListener('abort', () => flights.get(key) === flight && flights.delete(key), {
      once: true,
    });
    // The upstream has its own signal: no single caller's abort or timeout may end it.
    next(new Request(request, { signal: flight.upstream.signal })).then(
      (response) => {
        // From here a newcomer would miss the start of the body: it starts its own request.
        flights.delete(key);
        const waiters = [...flight.waiters];
        flight.waiters.clear();
        if (waiters.length === 0) return void response.body?.cancel().catch(() => {});
        const fan = response.body ? fanOut(response.body, bufferBytes) : undefined;
        for (const waiter of waiters) {
          const init = {
            status: response.status,
            statusText: response.statusText,
            headers: new Headers(response.headers),
          };
          waiter.deliver(responseWith(fan ? fan.add(waiter.signal) : null, init, response.url || request.url));
        }
      },
      (error: unknown) => {
        flights.delete(key);
        for (const waiter of flight.waiters) waiter.fail(error);
        flight.waiters.clear();
      },
    );
    return flight;
  };

  return async (request, next, call) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next(request);
    const key = await hash(identityText(request, call, keyHeaders));
    const flight = flights.get(key) ?? start(key, request, next);
    return join(flight, request.signal);
  };
}

/** Waits for the shared response; this caller's abort before it arrives leaves only this caller. */
function join(flight: Flight, signal: AbortSignal): Promise<Response> {
  return new Promise((resolve, reject) => {
    const waiter: Waiter = {
      signal,
      deliver: (response) => {
        signal.removeEventListener('abort', onAbort);
        resolve(response);
      },
      fail: (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    };
    const onAbort = () => {
      flight.waiters.delete(waiter);
      reject(signal.reason);
      if (flight.waiters.size === 0) flight.upstream.abort(signal.reason);
    };
    if (signal.aborted) {
      if (flight.waiters.size === 0) flight.upstream.abort(signal.reason);
      return reject(signal.reason);
    }
    flight.waiters.add(waiter);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function checkOptions(options: DedupeOptions): { keyHeaders: string[]; bufferBytes: number } {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('sturdy/cache: dedupe(options) takes an object, e.g. dedupe({ headers: ["x-tenant"] })');
  const { headers = [], bufferBytes = DEFAULT_BUFFER_BYTES } = options;
  if (
    !Array.isArray(headers) ||
    headers.some((name) => typeof name !== 'string' || !/^[!#$%&'*+.^_`|~0-9a-z-]+$/i.test(name))
  ) {
    throw optionError('/cache', 'headers', 'an array of header names like ["x-tenant"]', headers);
  }
  if (!Number.isSafeInteger(bufferBytes) || bufferBytes <= 0)
    throw optionError('/cache', 'bufferBytes', 'a positive integer', bufferBytes);
  return {
    keyHeaders: [...new Set([...KEY_HEADERS, ...headers.map((name) => name.toLowerCase())])].sort(),
    bufferBytes,
  };
}
