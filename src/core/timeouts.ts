import { concatBytes } from '../shared/bytes.ts';
import { MAX_TIMER, now } from '../shared/clock.ts';
import { TimeoutError } from './errors.ts';

/** Which limit ran out, on a TimeoutError sturdy raises. */
export type TimeoutKind = 'attempt' | 'total' | 'idle';

/** The whole-call clock: `totalTimeout` counted from the call's start. */
export type Deadline = {
  /** Milliseconds left, or Infinity without a total timeout. */
  remaining(): number;
};

export function startDeadline(totalTimeout: number | false): Deadline {
  if (totalTimeout === false) return { remaining: () => Infinity };
  const end = now() + totalTimeout;
  return { remaining: () => Math.max(0, end - now()) };
}

/**
 * Names which limit ran out on a TimeoutError (ky's, or a new one for `request`): its message says
 * `timeout`, `totalTimeout` or `idleTimeout` and the limit, and `error.timeout` is the kind.
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
export function timeoutError(method: string, url: string, kind: TimeoutKind, ms: number): TimeoutError {
  return nameTimeout(new TimeoutError(new Request(url || 'about:blank', { method })), kind, ms, `${method} ${url}`);
}

/**
 * Returns the response with a body that fails with TimeoutError when no chunk
 * arrives for `idleMs` while someone is reading (or the call's deadline passes),
 * and with `onBreak`'s error when the connection breaks mid-body.
 * Nothing is read ahead: an unread body never times out.
 * @example
 * return withIdleTimeout(response, 15_000, deadline, (kind, ms) => timeoutError('GET', url, kind, ms));
 */
export function withIdleTimeout(
  response: Response,
  idleMs: number | false,
  deadline: Deadline,
  onTimeout: (kind: TimeoutKind, ms: number) => Error,
  source: Response = response,
  onBreak?: (error: TypeError) => Error,
): Response {
  if (!response.body || (source === response && idleMs === false && deadline.remaining() === Infinity)) return response;
  return new GuardedResponse(source, response, { idleMs, deadline, onTimeout, onBreak });
}

/** `onBreak`: the error for a body the connection broke mid-way (fetch's bare `TypeError: terminated`). */
type Guard = {
  idleMs: number | false;
  deadline: Deadline;
  onTimeout: (kind: TimeoutKind, ms: number) => Error;
  onBreak?: ((error: TypeError) => Error) | undefined;
};

/** Reads one chunk, or fails with the guard's TimeoutError (and cancels the source) when none comes in time. */
function readChunk(
  reader: ReadableStreamDefaultReader<Uint8Array<ArrayBuffer>>,
  guard: Guard,
): Promise<ReadableStreamReadResult<Uint8Array<ArrayBuffer>>> {
  const remaining = guard.deadline.remaining();
  const idle = guard.idleMs === false ? Infinity : guard.idleMs;
  const kind: TimeoutKind = remaining < idle ? 'total' : 'idle';
  const ms = Math.min(remaining, idle, MAX_TIMER);
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      const error = guard.onTimeout(kind, kind === 'idle' ? idle : ms);
      reject(error);
      void reader.cancel(error).catch(() => {});
    }, ms);
    reader.read().then(
      (result) => {
        clearTimeout(timer);
        if (!timedOut) resolve(result);
      },
      (error: unknown) => {
        clearTimeout(timer);
        // fetch rejects a broken body with a bare TypeError; an abort (DOMException) stays as it is.
        reject(error instanceof TypeError && guard.onBreak ? guard.onBreak(error) : error);
      },
    );
  });
}

/** The source's body as a stream guarded chunk by chunk (for `.body`, streaming readers and clones). */
function guardedStream(
  source: ReadableStream<Uint8Array<ArrayBuffer>>,
  guard: Guard,
): ReadableStream<Uint8Array<ArrayBuffer>> {
  const reader = source.getReader();
  return new ReadableStream<Uint8Array<ArrayBuffer>>(
    {
      async pull(controller) {
        const { done, value } = await readChunk(reader, guard);
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

// Pure-annotated: a bundle that never reads a guarded body drops it (dist/chunks/core.js is one module).
const decoder = /* @__PURE__ */ new TextDecoder();
const NO_GUARD: Guard = {
  idleMs: false,
  deadline: { remaining: () => Infinity },
  onTimeout: () => new Error('unreachable'),
};

/**
 * What withIdleTimeout hands out: the source's status, headers (the same object), url,
 * redirected and type, with every way of reading the body guarded. The body
 * methods read the source directly, one timer per chunk; `.body` (a wrapping
 * stream) is made only when asked for. A subclass, so a response costs one
 * construction and no per-instance closures (this is on every call's path).
 * Made in a pure-annotated function: `extends Response` would otherwise keep the class (and the
 * stream guard it uses) in every bundle of the core module, used or not.
 */
const GuardedResponse = /* @__PURE__ */ (() => {
  class GuardedResponse extends Response {
    readonly #source: Response;
    readonly #meta: Response;
    readonly #guard: Guard;
    #stream: ReadableStream<Uint8Array<ArrayBuffer>> | null | undefined;

    constructor(source: Response, meta: Response, guard: Guard) {
      // The headers are not copied: the getter hands out the source's own (as immutable as fetch made them).
      super(null, { status: meta.status, statusText: meta.statusText });
      this.#source = source;
      this.#meta = meta;
      this.#guard = guard;
    }

    override get headers(): Headers {
      return this.#meta.headers;
    }

    override get url(): string {
      return this.#meta.url;
    }

    override get redirected(): boolean {
      return this.#meta.redirected;
    }

    override get type(): ResponseType {
      return this.#meta.type;
    }

    override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
      if (this.#stream === undefined) {
        const body = this.#source.body;
        this.#stream = body && !this.#source.bodyUsed && !body.locked ? guardedStream(body, this.#guard) : body;
      }
      return this.#stream;
    }

    override get bodyUsed(): boolean {
      return this.#source.bodyUsed;
    }

    override clone(): Response {
      if (this.#stream === undefined) return new GuardedResponse(this.#source.clone(), this.#meta, this.#guard);
      if (!this.#stream || this.#stream.locked || this.bodyUsed)
        throw new TypeError('Response.clone: Body has already been consumed.');
      // The stream is already guarded: its tee branches are too.
      const [mine, theirs] = this.#stream.tee();
      this.#stream = mine;
      return new GuardedResponse(new Response(theirs), this.#meta, NO_GUARD);
    }

    /** The whole body, one idle timer per chunk. */
    async #read(): Promise<Uint8Array<ArrayBuffer>> {
      const source = this.#source.body;
      if (this.#stream !== undefined || !source || this.#source.bodyUsed || source.locked) {
        // `.body` was handed out (or the body is gone): read that, with the platform's own errors.
        return new Uint8Array(await new Response(this.body, { headers: this.headers }).arrayBuffer());
      }
      const reader = source.getReader();
      const chunks: Uint8Array<ArrayBuffer>[] = [];
      let length = 0;
      for (;;) {
        const { done, value } = await readChunk(reader, this.#guard);
        if (done) break;
        chunks.push(value);
        length += value.byteLength;
      }
      // One chunk that is its whole buffer is handed on as it is: nobody else holds it.
      if (chunks.length === 1 && chunks[0]!.byteLength === chunks[0]!.buffer.byteLength) return chunks[0]!;
      return concatBytes(chunks, length);
    }

    override arrayBuffer(): Promise<ArrayBuffer> {
      return this.#read().then((bytes) => bytes.buffer);
    }

    override async blob(): Promise<Blob> {
      return new Response(await this.#read(), { headers: this.headers }).blob();
    }

    override bytes(): Promise<Uint8Array<ArrayBuffer>> {
      return this.#read();
    }

    override async formData(): Promise<FormData> {
      return new Response(await this.#read(), { headers: this.headers }).formData();
    }

    override json(): Promise<unknown> {
      return this.#read().then((bytes) => JSON.parse(decoder.decode(bytes)));
    }

    override text(): Promise<string> {
      return this.#read().then((bytes) => decoder.decode(bytes));
    }
  }
  // A runtime without Response#bytes keeps not having it.
  if (typeof Response.prototype.bytes !== 'function') delete (GuardedResponse.prototype as { bytes?: unknown }).bytes;
  return GuardedResponse;
})();
