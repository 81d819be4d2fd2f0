/**
 * Every timeout sturdy names itself: the one TimeoutError builder (which limit ran out, and its configured
 * value, worded through `reword`, which a NetworkError's cause uses too), the whole-call deadline, and the idle
 * guard between a stream's chunks (ky has none), which only the stream modules (sse, ndjson) apply.
 */
import { MAX_TIMER, now } from '../shared/clock.ts';
import type { Call } from './call.ts';
import { TimeoutError } from './errors.ts';

/** Which limit ran out, on a TimeoutError sturdy names. */
export type TimeoutKind = 'attempt' | 'total' | 'idle';

/**
 * Gives `error` a new message, and its stack the same header (V8 formats `stack` on first read: it is read
 * before the message changes); `extra` properties are set with it. A frozen error keeps its words.
 * @example
 * reword(error, `${error.message} (ECONNREFUSED)`);
 */
export function reword<E extends Error>(error: E, message: string, extra?: object): E {
  try {
    const { stack, message: original } = error;
    error.message = message;
    if (stack) error.stack = stack.replace(original, message);
    Object.assign(error, extra);
  } catch {}
  return error;
}

/** The limits a TimeoutError is named with (a call's options, a stream's settings). */
export type TimeoutLimits = {
  readonly timeout?: unknown;
  readonly totalTimeout?: unknown;
  readonly idleTimeout?: unknown;
};

/**
 * Names which limit ran out on a TimeoutError (ky's, or a new one): its message says `timeout`,
 * `totalTimeout` or `idleTimeout` and that limit's value in `limits`, and `error.timeout` is the kind.
 * @example
 * throw nameTimeout(new TimeoutError(request), 'total', api.options, 'GET https://api.example.com/orders');
 */
export function nameTimeout(error: TimeoutError, kind: TimeoutKind, limits: TimeoutLimits, described: string) {
  const option = kind === 'attempt' ? 'timeout' : (`${kind}Timeout` as const);
  return reword(error, `Request timed out (${option} of ${limits[option]} ms): ${described}`, { timeout: kind });
}

/**
 * A TimeoutError naming the request (URL already redacted) and which limit (of `limits`) ran out.
 * @example
 * throw timeoutError('GET', 'https://api.example.com/feed', 'idle', { idleTimeout: 45_000 });
 */
export const timeoutError = (method: string, url: string, kind: TimeoutKind, limits: TimeoutLimits): TimeoutError =>
  nameTimeout(new TimeoutError(new Request(url || 'about:blank', { method })), kind, limits, `${method} ${url}`);

/** The whole-call clock: `totalTimeout` counted from the call's start. */
export type Deadline = {
  /** Milliseconds left, or Infinity without a total timeout. */
  remaining(): number;
};

/**
 * Starts the whole-call clock.
 * @example
 * const deadline = startDeadline(60_000); deadline.remaining(); // 59999.8
 */
export function startDeadline(totalTimeout: number | false): Deadline {
  const end = totalTimeout === false ? Infinity : now() + totalTimeout;
  return { remaining: () => Math.max(0, end - now()) };
}

/** What a stream module reads a body with: the body's own reader, or one {@link guardedReader} bounds. */
export type BodyReader = Pick<ReadableStreamDefaultReader<Uint8Array>, 'read' | 'cancel'>;

/**
 * A reader of a stream's body for the module that reads it (sturdy/sse, sturdy/ndjson; the core bounds only body
 * shortcuts, through ky): a read fails with the call's TimeoutError when no chunk arrives for its `idleTimeout` (or its
 * `totalTimeout` runs out), and with its NetworkError when the connection breaks mid-body. Nothing is read ahead:
 * an unread body never times out. Without a call (a Response sturdy did not make), the body's own reader.
 * @example
 * const reader = guardedReader(response.body, callOf(source));
 */
export function guardedReader(body: ReadableStream<Uint8Array>, call: Call | undefined): BodyReader {
  const reader = body.getReader();
  if (!call) return reader;
  const idle = call.options.idleTimeout || Infinity;
  return {
    async read() {
      const remaining = call.remaining();
      const ms = Math.min(remaining, idle);
      let timedOut: Error | undefined;
      // Cancelling the source ends the pending read (done), which then fails with the timeout. A longer wait than a
      // timer holds (it would fire at once) is no limit: ky refuses a longer totalTimeout, so only idleTimeout is.
      const timer =
        ms <= MAX_TIMER
          ? setTimeout(() => {
              timedOut = call.timeoutError(remaining < idle ? 'total' : 'idle');
              reader.cancel(timedOut).catch(() => {});
            }, ms)
          : undefined;
      try {
        const result = await reader.read();
        if (timedOut) throw timedOut;
        return result;
      } catch (error) {
        // A read our cancel ended is the timeout's; fetch rejects a broken body with a bare TypeError; an abort
        // (DOMException) stays as it is.
        throw timedOut ?? (error instanceof TypeError ? call.brokenBody(error) : error);
      } finally {
        clearTimeout(timer);
      }
    },
    cancel: (reason) => reader.cancel(reason),
  };
}
