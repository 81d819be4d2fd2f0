/**
 * What a queued attempt gets when its deadline falls inside a server-asked pause: the call then fails at once
 * with an HTTPError holding the status and the wait left (`retryAfter`) instead of a TimeoutError.
 */
import { now } from '../shared/clock.ts';

/**
 * A maker of answers for the attempts a pause refuses: `status` and `Retry-After` (the wait left until `until`,
 * whole seconds rounded up), nothing else. The answer that paused the origin may have been another user's
 * (one `limit()` serves every client given it): its body and headers are never passed on.
 * @example
 * const reply = pausedReply(429, now() + 2_000);
 * reply(); // a Response: 429, retry-after: 2, no body
 */
export function pausedReply(status: number, until: number): () => Response {
  return () =>
    new Response(null, {
      status,
      headers: { 'retry-after': String(Math.max(1, Math.ceil((until - now()) / 1000))) },
    });
}
