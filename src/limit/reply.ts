/**
 * The server's answer that paused an origin, replayed to a queued attempt
 * whose deadline falls inside the pause: the call then fails at once with the
 * server's HTTPError (status, data, retryAfter) instead of a TimeoutError.
 */
import { now } from '../shared/clock.ts';

/** Error bodies of 429/503 are small; a larger one is replayed without its body rather than held. */
const MAX_REPLY_BYTES = 64 * 1024;
/** A body that has not arrived by then is replayed without it: a stalled server cannot hold queued calls. */
const MAX_REPLY_WAIT_MS = 1_000;

/**
 * Keeps what `response` says (status, headers, a bounded copy of its body) and
 * returns a maker of fresh copies whose Retry-After is the wait left until `until`.
 * @example
 * const reply = pausedReply(response, now() + 2_000);
 * return reply(); // a Response: 429, retry-after: 2
 */
export function pausedReply(response: Response, until: number): () => Promise<Response> {
  const body = readBounded(response.clone());
  return async () => {
    const blob = await body;
    const headers = new Headers(response.headers);
    // The copy's body is already decoded and may be absent.
    headers.delete('content-encoding');
    headers.delete('content-length');
    headers.set('retry-after', String(Math.max(1, Math.ceil((until - now()) / 1000))));
    return new Response(blob ?? null, { status: response.status, statusText: response.statusText, headers });
  };
}

async function readBounded(response: Response): Promise<Blob | undefined> {
  const reader = response.body?.getReader();
  if (!reader) return undefined;
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let size = 0;
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    reader.cancel().catch(() => {});
  }, MAX_REPLY_WAIT_MS);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_REPLY_BYTES) {
        await reader.cancel();
        return undefined;
      }
      chunks.push(value);
    }
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
  // A body cut short is not the server's answer: replay without it.
  return late ? undefined : new Blob(chunks);
}
