/**
 * Fault scenarios for msw: a server that fails N times, rate-limits, answers
 * slowly, or stalls halfway through a body. Each is one msw handler that counts
 * its calls, so a test can assert how often the client tried.
 */
import { HttpResponse } from 'msw';
import type { Path } from 'msw';
import { optionError } from '../shared/option-error.ts';
import {
  checkNumber,
  defineScenario,
  errorBody,
  reply,
  wait,
  type Reply,
  type ScenarioHandler,
  type ScenarioOptions,
} from './scenario.ts';

/**
 * Options of {@link flaky}.
 * @example
 * { failures: 2, status: 'network', method: 'post' }
 */
export type FlakyOptions = ScenarioOptions & {
  /** How many requests fail before the reply is sent. @default 1 */
  failures?: number;
  /** The failure: an HTTP status, or `'network'` for a dropped connection. @default 503 */
  status?: number | 'network';
};

/**
 * Fails the first `failures` requests (503 by default, or a network error),
 * then sends the reply. The count runs across requests; `reset()` restarts it.
 * @example
 * const orders = flaky('https://api.test/orders', { failures: 2, method: 'post' }, { id: 'ord_1' });
 * server.use(orders);
 * await api.post('orders', { json: { sku: 'A1' } }).json(); // succeeds on the third attempt
 * expect(orders.calls).toBe(3);
 */
export function flaky(path: Path, options: FlakyOptions = {}, then?: Reply): ScenarioHandler {
  const failures = checkNumber('failures', options.failures, 1, { integer: true });
  const status = options.status ?? 503;
  return defineScenario(path, options, (info) => {
    if (info.call > failures) return reply(then, info);
    if (status === 'network') return HttpResponse.error();
    return HttpResponse.json(errorBody(status, `failure ${info.call} of ${failures}`), { status });
  });
}

/**
 * Options of {@link rateLimited}.
 * @example
 * { times: 2, retryAfter: new Date(Date.now() + 5_000), header: 'retry-after' }
 */
export type RateLimitedOptions = ScenarioOptions & {
  /** How many requests are refused before the reply is sent. @default 1 */
  times?: number;
  /** The wait asked for: seconds, or a Date (sent as an HTTP-date). @default 1 */
  retryAfter?: number | Date;
  /** Which header carries the wait. @default 'retry-after' */
  header?: 'retry-after' | 'ratelimit-reset';
  /** @default 429 */
  status?: number;
};

/**
 * Refuses the first `times` requests with 429 and a `Retry-After` (or
 * `RateLimit-Reset`) header, then sends the reply.
 * @example
 * server.use(rateLimited('https://api.test/search', { retryAfter: 2 }, { hits: [] }));
 * await api.get('search').json(); // waits about 2 s, then succeeds
 */
export function rateLimited(path: Path, options: RateLimitedOptions = {}, then?: Reply): ScenarioHandler {
  const times = checkNumber('times', options.times, 1, { integer: true });
  const status = options.status ?? 429;
  const retryAfter = options.retryAfter ?? 1;
  const value = retryAfter instanceof Date ? retryAfter.toUTCString() : String(retryAfter);
  return defineScenario(path, options, (info) => {
    if (info.call > times) return reply(then, info);
    return HttpResponse.json(errorBody(status, 'rate limited'), {
      status,
      headers: { [options.header ?? 'retry-after']: value },
    });
  });
}

/**
 * Options of {@link slow}.
 * @example
 * { delayMs: 5_000, times: 1 }
 */
export type SlowOptions = ScenarioOptions & {
  /** How long before the response headers are sent, in ms. */
  delayMs: number;
  /** Only the first N requests are slow; later ones answer at once. @default every request */
  times?: number;
};

/**
 * Answers after `delayMs` (the wait ends early when the client aborts), for
 * testing `timeout` and `totalTimeout`.
 * @example
 * server.use(slow('https://api.test/report', { delayMs: 5_000, times: 1 }, { rows: 3 }));
 * await api.get('report', { timeout: 1_000 }).json(); // attempt 1 times out, attempt 2 answers at once
 */
export function slow(path: Path, options: SlowOptions, then?: Reply): ScenarioHandler {
  if (typeof options?.delayMs !== 'number')
    throw optionError('/testing', 'delayMs', 'the wait in milliseconds (slow() needs it)', options?.delayMs);
  const delayMs = checkNumber('delayMs', options.delayMs, 0);
  const times = checkNumber('times', options.times, Infinity, { integer: true });
  return defineScenario(path, options, async (info) => {
    if (info.call <= times) await wait(delayMs, info.request.signal);
    return reply(then, info);
  });
}

/**
 * Options of {@link stalledBody}.
 * @example
 * { head: '{"rows":[1,', stallMs: 2_000, tail: '2]}' }
 */
export type StalledBodyOptions = ScenarioOptions & {
  /** What is sent before the stall. @default '{"items":[' */
  head?: string;
  /** How long the body stalls; after that it is completed with `tail`. @default forever */
  stallMs?: number;
  /** What completes the body after the stall. @default ']}' */
  tail?: string;
  /** @default 200 */
  status?: number;
};

/**
 * Sends headers and the start of a JSON body, then stalls (forever by
 * default): the fault a shortcut's `timeout` (ky's, per body read) and a
 * stream's `idleTimeout` (sturdy/ndjson, sturdy/sse) exist for.
 * @example
 * server.use(stalledBody('https://api.test/export'));
 * await api.get('export', { timeout: 500 }).json(); // TimeoutError (timeout: 'attempt') after ~500 ms
 * for await (const row of ndjsonRecords(api.get('export', { idleTimeout: 500 }))); // TimeoutError (timeout: 'idle')
 */
export function stalledBody(path: Path, options: StalledBodyOptions = {}): ScenarioHandler {
  const encoder = new TextEncoder();
  const head = encoder.encode(options.head ?? '{"items":[');
  const tail = encoder.encode(options.tail ?? ']}');
  // The full length is declared, as a real server would: without it msw's Node
  // interceptor ends the fake socket as if the body were complete after a cancel.
  const contentLength = String(head.byteLength + tail.byteLength);
  return defineScenario(path, options, () => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(head);
        if (options.stallMs === undefined) return;
        timer = setTimeout(() => {
          controller.enqueue(tail);
          controller.close();
        }, options.stallMs);
      },
      cancel() {
        clearTimeout(timer);
      },
    });
    return new HttpResponse(body, {
      status: options.status ?? 200,
      headers: { 'content-type': 'application/json', 'content-length': contentLength },
    });
  });
}
