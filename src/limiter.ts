/**
 * Client-side flow control per origin: at most `concurrency` attempts in
 * flight, at most `rateLimit.requests` attempt starts per `rateLimit.interval`
 * (sliding window), and a pause of the whole origin queue when the server
 * answers 429 with a wait, so queued calls wait once instead of stampeding.
 */

/**
 * At most `requests` attempts may start in any `interval` ms, per origin.
 * @example
 * createClient({ baseUrl, rateLimit: { requests: 10, interval: 1_000 } })
 */
export type RateLimitOptions = { requests: number; interval: number };

/**
 * The client options the limiter reads; both off by default (DEFAULTS in options.ts).
 * @example
 * const options: LimiterOptions = { concurrency: 4, rateLimit: { requests: 10, interval: 1_000 } };
 */
export type LimiterOptions = {
  concurrency?: number | false | undefined;
  rateLimit?: RateLimitOptions | false | undefined;
};

/**
 * Frees the slot an attempt held; calling it twice is harmless.
 * @example
 * const release: Release = await limiter.acquire(origin, {}); release();
 */
export type Release = () => void;

/**
 * Per-origin queues shared by every call of one client.
 * @example
 * const limiter = createLimiter({ concurrency: 4 })!;
 * const release = await limiter.acquire('https://api.example.com', {});
 * try { await fetch(url) } finally { release() }
 */
export type Limiter = {
  /**
   * Waits for a slot for `origin`. `first` puts the waiter at the head of the
   * queue (a retry that already waited). Rejects with the signal's reason on
   * abort, or with `onTimeout()` after `timeoutMs`.
   */
  acquire(origin: string, wait: { signal?: AbortSignal | undefined; timeoutMs?: number; first?: boolean; onTimeout?: () => Error }): Promise<Release>;
  /** Holds every queued attempt for `origin` until `ms` from now (a 429's Retry-After). */
  pause(origin: string, ms: number): void;
};

type Waiter = { grant: (release: Release) => void };

type OriginQueue = {
  origin: string;
  active: number;
  waiting: Waiter[];
  /** Start times inside the current rate window, oldest first. */
  starts: number[];
  pausedUntil: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  timerAt: number;
};

const now = () => globalThis.performance?.now() ?? Date.now();

/**
 * A limiter for the options, or undefined when both are off (the hot path then skips it entirely).
 * @example
 * const limiter = createLimiter({ concurrency: 2 }); // undefined for createLimiter({})
 */
export function createLimiter(options: LimiterOptions): Limiter | undefined {
  const concurrency = options.concurrency || Infinity;
  const rate = options.rateLimit || undefined;
  if (concurrency === Infinity && !rate) return undefined;
  const queues = new Map<string, OriginQueue>();

  const queueOf = (origin: string): OriginQueue => {
    let queue = queues.get(origin);
    if (!queue) queues.set(origin, (queue = { origin, active: 0, waiting: [], starts: [], pausedUntil: 0, timer: undefined, timerAt: 0 }));
    return queue;
  };

  /** Drops an origin's state once nothing about it can matter, so calling many origins does not grow the map. */
  const forgetIfIdle = (queue: OriginQueue, at: number): void => {
    if (queue.active > 0 || queue.waiting.length > 0 || queue.timer !== undefined || queue.pausedUntil > at) return;
    if (rate && queue.starts.length > 0 && queue.starts[queue.starts.length - 1]! > at - rate.interval) return;
    queues.delete(queue.origin);
  };

  /** When the next attempt may start, or 0 when it may start now (Infinity: only a release frees a slot). */
  const nextStart = (queue: OriginQueue, at: number): number => {
    if (queue.pausedUntil > at) return queue.pausedUntil;
    if (queue.active >= concurrency) return Infinity;
    if (rate) {
      while (queue.starts.length > 0 && queue.starts[0]! <= at - rate.interval) queue.starts.shift();
      if (queue.starts.length >= rate.requests) return queue.starts[0]! + rate.interval;
    }
    return 0;
  };

  const start = (queue: OriginQueue, at: number): Release => {
    queue.active += 1;
    if (rate) queue.starts.push(at);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      queue.active -= 1;
      drain(queue);
      forgetIfIdle(queue, now());
    };
  };

  const drain = (queue: OriginQueue): void => {
    while (queue.waiting.length > 0) {
      const at = now();
      const when = nextStart(queue, at);
      if (when === Infinity) return;
      if (when > at) return wakeAt(queue, when);
      queue.waiting.shift()!.grant(start(queue, at));
    }
  };

  const wakeAt = (queue: OriginQueue, when: number): void => {
    if (queue.timer !== undefined && queue.timerAt <= when) return;
    clearTimeout(queue.timer);
    queue.timerAt = when;
    queue.timer = setTimeout(() => {
      queue.timer = undefined;
      drain(queue);
    }, Math.max(0, when - now()));
  };

  return {
    acquire(origin, { signal, timeoutMs = Infinity, first = false, onTimeout }) {
      const queue = queueOf(origin);
      const at = now();
      if (queue.waiting.length === 0 && nextStart(queue, at) === 0) return Promise.resolve(start(queue, at));
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<Release>((resolve, reject) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const leave = (error: unknown) => {
          const index = queue.waiting.indexOf(waiter);
          if (index !== -1) queue.waiting.splice(index, 1);
          cleanup();
          reject(error);
        };
        const onAbort = () => leave(signal!.reason);
        const cleanup = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        };
        const waiter: Waiter = {
          grant(release) {
            cleanup();
            resolve(release);
          },
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        if (timeoutMs !== Infinity) timer = setTimeout(() => leave(onTimeout?.() ?? new Error('limiter wait timed out')), timeoutMs);
        if (first) queue.waiting.unshift(waiter);
        else queue.waiting.push(waiter);
        drain(queue);
      });
    },
    pause(origin, ms) {
      if (!(ms > 0)) return;
      const queue = queueOf(origin);
      queue.pausedUntil = Math.max(queue.pausedUntil, now() + ms);
      if (queue.waiting.length > 0) wakeAt(queue, queue.pausedUntil);
    },
  };
}
