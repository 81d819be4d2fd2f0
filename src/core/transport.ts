/**
 * The innermost step of every attempt, right above fetch: `request` / `response` events, the retry budget's
 * refill, and the 1 MiB bound on error bodies and on a body `.json()` finds is not JSON. ky has none of these (it
 * bounds error bodies by time and 10 MiB).
 */
import { now } from '../shared/clock.ts';
import { boundBody } from './body.ts';
import type { Call } from './call.ts';
import { jsonText } from './json.ts';
import type { Redactor } from './redact.ts';
import { reword } from './timeouts.ts';

/** Statuses whose Response cannot carry a body (a 304 from a service worker has an empty stream all the same). */
const NULL_BODY = [204, 205, 304];

/**
 * Sends one request with `fetch`: `request` / `response` events and the budget's refill.
 * @example
 * const response = await transport(call, request, fetch, init);
 */
export async function transport(
  call: Call,
  request: Request,
  fetch: typeof globalThis.fetch,
  init?: RequestInit,
): Promise<Response> {
  const started = now();
  const url = call.options.onEvent && call.redact.url(request.url);
  if (url) call.emit({ type: 'request', url });
  const response = await fetch(request, init);
  if (url) call.emit({ type: 'response', url, status: response.status, durationMs: Math.round(now() - started) });
  if (!throwsFor(call, response)) call.client.budget.success();
  return response;
}

/** Would ky throw an HTTPError for this response (then its body is read only for `HTTPError.data`)? */
const throwsFor = ({ options }: Call, { status }: Response): boolean => {
  const throws = options.throwHttpErrors ?? true;
  return status >= 400 && (typeof throws === 'function' ? throws(status) : throws);
};

/**
 * The response as its call receives it (after the middleware chain, so a response one middleware hands to several
 * calls, as dedupe does, is bound by each call's own limits): an error body bound to 1 MiB, and a body `.json()`
 * finds is not JSON read at most 1 MiB. A shortcut's body read is bounded by ky (`timeout`, `totalTimeout`); a
 * stream module bounds the stall between chunks itself (`guardedReader`).
 * @example
 * return guardResponse(call, await runChain(chain, request, send, call));
 */
export function guardResponse(call: Call, received: Response): Response {
  if (throwsFor(call, received)) return boundBody(received);
  if (call.readsJson && received.body && !NULL_BODY.includes(received.status))
    received.text = () => jsonText(received, call.redact);
  return received;
}

/** Cause texts that say nothing: none, or fetch's generic wrappers. */
const GENERIC = /^(|fetch failed|terminated|network error|Failed to fetch|Load failed)$/;

/**
 * Appends a NetworkError's cause to its message, `(ECONNREFUSED)` or the innermost cause's own words (`(bad
 * port)`, redacted before they are cut): fetch hides it at `error.cause.cause`.
 * @example
 * describeNetworkCause(error, redactor).message // 'Request failed due to a network error: GET http://127.0.0.1:9/x (ECONNREFUSED)'
 */
export function describeNetworkCause<E extends Error>(error: E, redactor: Redactor): E {
  let detail = '';
  for (let cause = error.cause, depth = 4; cause instanceof Error && depth--; cause = cause.cause) {
    const { code, message } = cause as Error & { code?: unknown };
    // A system code (ECONNREFUSED, ENOTFOUND, ECONNRESET) is what the user searches for; undici's own codes are not.
    if (typeof code === 'string' && /^E[A-Z\d_]+$/.test(code)) {
      detail = code;
      break;
    }
    if (!GENERIC.test(message)) detail = redactor.text(message).slice(0, 80);
  }
  return !detail || error.message.endsWith(`(${detail})`) ? error : reword(error, `${error.message} (${detail})`);
}
