/**
 * sturdy's clock: the one `now()` every deadline is measured on, the longest timer, and waits
 * that stop when a signal aborts. Side-effect free and tiny, so any module (sturdy/limit, the
 * auth strategies) can use it without bundling the stream modules' idle guard.
 */

/**
 * Milliseconds on a monotonic clock where there is one (`performance.now()`), else wall time.
 * @example
 * const deadline = now() + 5_000;
 */
export const now = (): number => globalThis.performance?.now() ?? Date.now();

/**
 * The longest delay setTimeout takes (2^31-1 ms); longer ones fire at once, so waits are clamped to it.
 * @example
 * setTimeout(wake, Math.min(ms, MAX_TIMER));
 */
export const MAX_TIMER = 2_147_483_647;

/**
 * Waits `ms`, or rejects at once with the reason of the first of `signals` that aborts; the timer
 * and listeners are cleared either way, so nothing keeps the process alive.
 * @example
 * await sleep(250, callerSignal, requestSignal);
 */
export function sleep(ms: number, ...signals: ReadonlyArray<AbortSignal | undefined>): Promise<void> {
  const aborted = signals.find((signal) => signal?.aborted);
  if (aborted) return Promise.reject(aborted.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const finish = (error?: unknown) => {
      clearTimeout(timer);
      for (const signal of signals) signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onAbort = (event: Event) => finish((event.target as AbortSignal).reason);
    const timer = setTimeout(finish, Math.min(ms, MAX_TIMER));
    for (const signal of signals) signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Waits for `promise`, but lets `signal` stop this waiter (the promise itself, perhaps shared, goes on).
 * @example
 * const token = await abortable(sharedRefresh, call.signal);
 */
export const abortable = <T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> =>
  // Without a signal there is nothing to race: no promise and listener per call (a token provider's every call).
  signal
    ? new Promise<T>((resolve, reject) => {
        const stop = () => reject(signal.reason);
        if (signal.aborted) stop();
        signal.addEventListener('abort', stop, { once: true });
        promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
      })
    : promise;
