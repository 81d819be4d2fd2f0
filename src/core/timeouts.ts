/**
 * Every timeout sturdy names itself: the one TimeoutError builder (which limit ran out, and its configured
 * value), the whole-call deadline, and the idle guard between body chunks (ky has none).
 */
import { TimeoutError } from 'ky';
import { MAX_TIMER, now } from '../shared/clock.ts';
import { copyMeta } from './body.ts';

/** Which limit ran out, on a TimeoutError sturdy names. */
export type TimeoutKind = 'attempt' | 'total' | 'idle';

/**
 * Names which limit ran out on a TimeoutError (ky's, or a new one): its message says `timeout`,
 * `totalTimeout` or `idleTimeout` and the configured limit, and `error.timeout` is the kind.
 * @example
 * throw nameTimeout(new TimeoutError(request), 'total', 60_000, 'GET https://api.example.com/orders');
 */
export function nameTimeout(error: TimeoutError, kind: TimeoutKind, ms: number, described: string): TimeoutError {
  try {
    error.message = `Request timed out (${kind === 'attempt' ? 'timeout' : `${kind}Timeout`} of ${ms} ms): ${described}`;
    Object.defineProperty(error, 'timeout', { value: kind, enumerable: true, configurable: true });
  } catch {
    // A frozen error keeps ky's message.
  }
  return error;
}

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

/** What guards a body: the idle limit, the call's clock, the error for each limit, and for a connection broken mid-body. */
export type BodyGuard = {
  idleMs: number | false;
  deadline: Deadline;
  /** The error when `kind` ran out. */
  onTimeout(kind: 'idle' | 'total'): Error;
  /** The error for a body the connection broke mid-way (fetch's bare `TypeError: terminated`). */
  onBreak(error: TypeError): Error;
};

/**
 * Reads one chunk, or fails with the guard's TimeoutError (and cancels the source) when none comes in time.
 * @example
 * const { done, value } = await readChunk(reader, guard);
 */
function readChunk<T>(reader: ReadableStreamDefaultReader<T>, guard: BodyGuard): Promise<ReadableStreamReadResult<T>> {
  const remaining = guard.deadline.remaining();
  const idle = guard.idleMs === false ? Infinity : guard.idleMs;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => {
        const error = guard.onTimeout(remaining < idle ? 'total' : 'idle');
        reject(error);
        void reader.cancel(error).catch(() => {});
      },
      Math.min(remaining, idle, MAX_TIMER),
    );
    reader.read().then(
      (result) => {
        clearTimeout(timer);
        resolve(result);
      },
      (error: unknown) => {
        clearTimeout(timer);
        // fetch rejects a broken body with a bare TypeError; an abort (DOMException) stays as it is.
        reject(error instanceof TypeError ? guard.onBreak(error) : error);
      },
    );
  });
}

/**
 * The response with a body that fails with the guard's TimeoutError when no chunk arrives for `idleMs` while
 * someone reads it (or the call's deadline passes). Nothing is read ahead: an unread body never times out.
 * @example
 * return guardBody(response, { idleMs: 15_000, deadline, onTimeout, onBreak });
 */
export function guardBody(response: Response, guard: BodyGuard): Response {
  const reader = response.body!.getReader();
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await readChunk(reader, guard);
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
  return copyMeta(new Response(stream, response), response);
}
