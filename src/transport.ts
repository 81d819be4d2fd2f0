/**
 * The innermost step of every attempt, right above fetch: `request` / `response` events,
 * the retry budget's refill, the 1 MiB bound on error bodies and the idle / total
 * guard on every body read. ky has none of these (it bounds error bodies by time and
 * 10 MiB, and has no timeout between body chunks).
 */
import { boundBody } from './body.ts';
import type { CallState } from './call.ts';
import { TimeoutError } from './errors.ts';
import { DEFAULTS, type CallOptions, type ClientOptions } from './options.ts';
import { nameTimeout } from './timeouts.ts';
import { withIdleTimeout } from './timeouts.ts';

const now = () => globalThis.performance?.now() ?? Date.now();

/** Would ky throw an HTTPError for this status? (then its body is read only for `HTTPError.data`) */
export function throwsFor(options: CallOptions & ClientOptions, client: ClientOptions, status: number): boolean {
  const setting = options.throwHttpErrors ?? client.throwHttpErrors ?? true;
  return typeof setting === 'function' ? setting(status) : setting;
}

/**
 * Sends one request with fetch and guards what comes back.
 * @example
 * const response = await transport(state, options, request, (r) => fetch(r));
 */
export async function transport(
  state: CallState,
  options: CallOptions & ClientOptions,
  request: Request,
  fetch: (request: Request) => Promise<Response>,
): Promise<Response> {
  const started = state.onEvent ? now() : 0;
  if (state.onEvent) state.emit({ type: 'request', url: state.redact.url(request.url) });
  const response = await fetch(request);
  if (state.onEvent) state.emit({ type: 'response', url: state.redact.url(request.url), status: response.status, durationMs: Math.round(now() - started) });
  // Only an error status has an error body to bound (a 304 has none, and a Response may not be built with one).
  const failed = response.status >= 400 && throwsFor(options, state.client.options, response.status);
  if (!failed) state.client.budget.success();
  const idle = options.idleTimeout ?? state.client.options.idleTimeout ?? DEFAULTS.idleTimeout;
  const describe = () => `${state.method} ${state.redact.url(request.url)}`;
  return withIdleTimeout(
    response,
    idle,
    state,
    (kind, ms) => nameTimeout(new TimeoutError(state.safeRequest()), kind, ms, describe()),
    failed ? boundBody(response) : response,
  );
}
