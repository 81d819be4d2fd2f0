import { TimeoutError } from './errors.ts';

/** Which limit ran out, on a TimeoutError sturdy raises. */
export type TimeoutKind = 'attempt' | 'total' | 'idle';

/** The whole-call clock: `totalTimeout` counted from the call's start. */
export type Deadline = {
  /** Milliseconds left, or Infinity without a total timeout. */
  remaining(): number;
};

/** setTimeout fires at once beyond this; longer waits are clamped to it. */
export const MAX_TIMER = 2_147_483_647;

const now = () => globalThis.performance?.now() ?? Date.now();

export function startDeadline(totalTimeout: number | false): Deadline {
  if (totalTimeout === false) return { remaining: () => Infinity };
  const end = now() + totalTimeout;
  return { remaining: () => Math.max(0, end - now()) };
}

/** A TimeoutError naming the request (URL already redacted) and which limit ran out. */
export function timeoutError(method: string, url: string, kind: TimeoutKind, ms: number): TimeoutError {
  const error = new TimeoutError({ method, url } as Request);
  error.message = `Request timed out (${kind === 'attempt' ? 'timeout' : `${kind}Timeout`} of ${ms} ms): ${method} ${url}`;
  Object.defineProperty(error, 'timeout', { value: kind, enumerable: true });
  return error;
}

/**
 * Waits `ms`, or rejects at once with the signal's reason when it aborts.
 * The timer is cleared on abort so nothing keeps the process alive.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.min(ms, MAX_TIMER));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Returns the response with a body that fails with TimeoutError when no chunk
 * arrives for `idleMs` while someone is reading (or the call's deadline passes).
 * Nothing is read ahead: an unread body never times out.
 */
export function withIdleTimeout(
  response: Response,
  idleMs: number | false,
  deadline: Deadline,
  onTimeout: (kind: TimeoutKind, ms: number) => Error,
): Response {
  const body = response.body;
  if (!body || (idleMs === false && deadline.remaining() === Infinity)) return response;
  const reader = body.getReader();
  let failure: Error | undefined;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const remaining = deadline.remaining();
        const idle = idleMs === false ? Infinity : idleMs;
        const kind: TimeoutKind = remaining < idle ? 'total' : 'idle';
        const ms = Math.min(remaining, idle, MAX_TIMER);
        return new Promise<void>((resolve, reject) => {
          let timedOut = false;
          const timer = setTimeout(() => {
            timedOut = true;
            const error = onTimeout(kind, kind === 'idle' ? idle : ms);
            failure = error;
            // Error the stream before cancelling, so the cancelled read cannot close it cleanly.
            controller.error(error);
            void reader.cancel(error).catch(() => {});
            resolve();
          }, ms);
          reader.read().then(
            ({ done, value }) => {
              clearTimeout(timer);
              if (timedOut) return;
              if (done) controller.close();
              else controller.enqueue(value);
              resolve();
            },
            (error: unknown) => {
              clearTimeout(timer);
              reject(error);
            },
          );
        });
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return new GuardedResponse(stream, response, () => failure);
}

/**
 * What withIdleTimeout hands out: the guarded body, with the original's url,
 * redirected and type. A subclass, so a response costs one construction and no
 * per-instance properties or closures (this is on every call's path).
 */
class GuardedResponse extends Response {
  readonly #source: Response;
  readonly #failure: () => Error | undefined;

  constructor(stream: ReadableStream<Uint8Array>, source: Response, failure: () => Error | undefined) {
    super(stream, { status: source.status, statusText: source.statusText, headers: source.headers });
    this.#source = source;
    this.#failure = failure;
  }

  override get url(): string {
    return this.#source.url;
  }

  override get redirected(): boolean {
    return this.#source.redirected;
  }

  override get type(): ResponseType {
    return this.#source.type;
  }

  // Chromium rejects text()/json()/... of an errored stream with its own
  // TypeError ("Failed to fetch"), dropping the TimeoutError: restore it.
  #rethrow<T>(read: Promise<T>): Promise<T> {
    return read.catch((error: unknown) => {
      throw this.#failure() ?? error;
    });
  }

  override arrayBuffer() {
    return this.#rethrow(super.arrayBuffer());
  }

  override blob() {
    return this.#rethrow(super.blob());
  }

  override bytes() {
    return this.#rethrow(super.bytes());
  }

  override formData() {
    return this.#rethrow(super.formData());
  }

  override json() {
    return this.#rethrow(super.json());
  }

  override text() {
    return this.#rethrow(super.text());
  }
}

// A runtime without Response#bytes keeps not having it.
if (typeof Response.prototype.bytes !== 'function') delete (GuardedResponse.prototype as { bytes?: unknown }).bytes;
