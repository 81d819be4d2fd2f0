/** What `onEvent` receives: plain objects, URLs redacted, never a credential. */
export type SturdyEvent = {
  type: 'request' | 'response' | 'retry' | 'error' | 'cache';
  method: string;
  /** The request URL with sensitive query values redacted. */
  url: string;
  /** 1 for the first attempt, 2 for the first retry, ... */
  attempt: number;
  status?: number;
  /** Time the attempt took, on `response` and `error`. */
  durationMs?: number;
  /** How long sturdy waits before the next attempt, on `retry`. */
  delayMs?: number;
  /** Why: on `retry` (`status 503`, `network error`, `timeout`, `401 refresh`) and `error` (the error's name and message). */
  reason?: string;
  /** On `cache` events (sturdy/cache): what the cache did. */
  outcome?: 'hit' | 'miss' | 'revalidated' | 'stale';
};

export type EventListener = (event: SturdyEvent) => void;

/** Delivers an event; a listener that throws must not break the request. */
export function emit(listener: EventListener | undefined, event: SturdyEvent): void {
  if (!listener) return;
  try {
    listener(event);
  } catch {
    // A broken logger is not the request's failure.
  }
}
