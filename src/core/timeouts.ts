/**
 * Every timeout sturdy names itself: the one TimeoutError builder (which limit ran out, and its configured
 * value, worded through `reword`, which a NetworkError's cause uses too), the whole-call deadline, and the idle
 * guard between body chunks (ky has none).
 */
import { now } from '../shared/clock.ts';
import { copyMeta } from './body.ts';
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

/**
 * Names which limit ran out on a TimeoutError (ky's, or a new one): its message says `timeout`,
 * `totalTimeout` or `idleTimeout` and the configured limit, and `error.timeout` is the kind.
 * @example
 * throw nameTimeout(new TimeoutError(request), 'total', 60_000, 'GET https://api.example.com/orders');
 */
export const nameTimeout = (error: TimeoutError, kind: TimeoutKind, ms: number, described: string): TimeoutError =>
  reword(error, `Request timed out (${kind === 'attempt' ? 'timeout' : `${kind}Timeout`} of ${ms} ms): ${described}`, {
    timeout: kind,
  });

/**
 * A TimeoutError naming the request (URL already redacted) and which limit ran out.
 * @example
 * throw timeoutError('GET', 'https://api.example.com/feed', 'idle', 45_000);
 */
export const timeoutError = (method: string, url: string, kind: TimeoutKind, ms: number): TimeoutError =>
  nameTimeout(new TimeoutError(new Request(url || 'about:blank', { method })), kind, ms, `${method} ${url}`);

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

/**
 * The response with a body that fails with the call's TimeoutError when no chunk arrives for `idleTimeout` while
 * someone reads it (or the call's deadline passes), and with `request`'s NetworkError when the connection breaks
 * mid-body. Nothing is read ahead: an unread body never times out.
 * @example
 * return guardBody(response, call, request);
 */
export function guardBody(response: Response, call: Call, request: Request): Response {
  const reader = response.body!.getReader();
  const idle = call.options.idleTimeout || Infinity;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const remaining = call.remaining();
        let timedOut: Error | undefined;
        // Cancelling the source ends the pending read (done), which then fails with the timeout.
        const timer = setTimeout(
          () => {
            timedOut = call.timeoutError(remaining < idle ? 'total' : 'idle');
            reader.cancel(timedOut).catch(() => {});
          },
          // Within a timer's range: idleTimeout is checked against it, and ky refuses a longer totalTimeout.
          Math.min(remaining, idle),
        );
        try {
          const { done, value } = await reader.read();
          if (timedOut) throw timedOut;
          if (done) controller.close();
          else controller.enqueue(value);
        } catch (error) {
          // A read our cancel ended is the timeout's; fetch rejects a broken body with a bare TypeError; an abort
          // (DOMException) stays as it is.
          throw timedOut ?? (error instanceof TypeError ? call.brokenBody(error, request) : error);
        } finally {
          clearTimeout(timer);
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
  return copyMeta(new Response(stream, response), response);
}
