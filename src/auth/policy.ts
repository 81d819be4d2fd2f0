/**
 * The credential policy, as the outermost middleware of a call with `auth`: credentials
 * go only to credential origins and only over https (or loopback), redirects of a
 * credentialed request are followed here so they never carry a credential elsewhere,
 * and a 401 gets one refresh and one repeat. Credentials are added per attempt on a copy
 * of ky's request, so no hook, error or log of ky's ever holds them.
 */
import { abortable } from '../shared/clock.ts';
import { AuthError } from '../core/errors.ts';
import type { CredentialNames, Middleware } from '../core/middleware.ts';
import { canFollowRedirects, followRedirects, type Hop } from './redirect.ts';
import { assertSecureTransport } from './scope.ts';
import { credentialNames } from './strategy.ts';
import type { AuthStrategy, AuthTarget } from './types.ts';

/**
 * What an auth strategy's `policy` is: `credentialPolicy` (strategies bring it, so the core does not).
 * @example
 * const strategy: AuthStrategy = { kind: 'sturdy.auth', type: 'custom', policy: credentialPolicy, authorize: ({ headers }) => headers.set('x-token', token) };
 */
export type CredentialPolicy = (auth: AuthStrategy, call: PolicyCall) => Middleware;

/** What the policy needs to know about its call. */
export type PolicyCall = {
  origins: ReadonlySet<string>;
  allowInsecure: boolean;
  /** The fetch token requests use (the caller's fetch option, else the global one). */
  fetch: typeof globalThis.fetch;
  /** The request body once more (a 401 repeat, a 307/308 hop); undefined when it cannot be sent again (a stream). */
  replay: (() => BodyInit | null | undefined) | undefined;
  /** The body of each attempt when ky's request holds none (a JSON string, a body factory); undefined to send ky's. */
  sendBody: (() => BodyInit | null | undefined) | undefined;
  /** Told before the repeat that follows a refresh. */
  onRepeat(): void;
};

/** Request properties a copy with another URL must keep, when they differ from fetch's defaults. */
const KEPT: Array<[keyof Request & keyof RequestInit, unknown]> = [
  ['credentials', 'same-origin'],
  ['cache', 'default'],
  ['referrerPolicy', ''],
  ['integrity', ''],
  ['keepalive', false],
];

/**
 * `request` sent to `url` with `headers`, `body` (undefined: the request's own) and `redirect`. The common case
 * (same URL) is one `new Request(request, init)`; another URL needs a new request that keeps the fields.
 * @example
 * const hop = copyTo(request, new URL('/next', request.url), headers, null, 'manual', 'GET');
 */
export function copyTo(
  request: Request,
  url: URL,
  headers: Headers | undefined,
  body: BodyInit | null | undefined,
  redirect: RequestRedirect,
  method = request.method,
): Request {
  // Without `headers`, the copy takes the request's own.
  const init: RequestInit & { duplex?: 'half' } = { method, headers: headers ?? request.headers, redirect };
  if (body != null) {
    init.body = body;
    init.duplex = 'half';
  }
  if (url.href === request.url && (body !== null || !request.body)) return new Request(request, init);
  init.signal = request.signal;
  if (body === undefined && request.body) {
    init.body = request.body;
    init.duplex = 'half';
  }
  for (const [name, fallback] of KEPT) {
    const value = (request as unknown as Record<string, unknown>)[name];
    // Some runtimes (workerd) refuse fields they do not implement: only what differs from the default is copied.
    // (`mode` is not: a copy to another URL is a new request, and 'navigate' cannot be set.)
    if (value !== undefined && value !== fallback) (init as Record<string, unknown>)[name] = value;
  }
  return new Request(url, init);
}

const REDIRECTS = [301, 302, 303, 307, 308];

/**
 * The names this attempt's credential is in: what the strategy registered, and whatever its authorize added to
 * or changed on ky's request (a custom strategy may register nothing). Worked out only when read.
 */
function authorizedNames(names: CredentialNames, before: Request, after: AuthTarget): CredentialNames {
  let worked: CredentialNames | undefined;
  const work = (): CredentialNames => {
    if (worked) return worked;
    const headers = [...names.headers];
    for (const [name, value] of after.headers)
      if (before.headers.get(name) !== value && !headers.includes(name)) headers.push(name);
    const query = [...names.query];
    const sent = new URL(before.url).searchParams;
    for (const [name, value] of after.url.searchParams)
      if (!sent.getAll(name).includes(value) && !query.includes(name)) query.push(name);
    return (worked = { headers, query });
  };
  return {
    get headers() {
      return work().headers;
    },
    get query() {
      return work().query;
    },
  };
}

/**
 * The credential middleware for `auth` (sturdy adds it to every call that has a strategy).
 * @example
 * const chain = [credentialPolicy(bearer(token), { origins, allowInsecure: false, fetch, replay, sendBody: replay, onRepeat() {} }), ...use];
 */
export function credentialPolicy(auth: AuthStrategy, call: PolicyCall): Middleware {
  if (call.origins.size === 0) {
    throw new AuthError(
      `${auth.type} credentials have no origin to go to: set baseUrl, credentialOrigins or the strategy's origins`,
    );
  }
  const names = credentialNames(auth);
  const mayReceive = (url: URL): boolean => {
    if (!call.origins.has(url.origin)) return false;
    assertSecureTransport(url, auth.type, call.allowInsecure);
    return true;
  };

  return async (request, next, info) => {
    // The one place the call's record of its credential is written (CallInfo.credential reads it).
    const record = info as { credential: CredentialNames | undefined };
    record.credential = undefined;
    const url = new URL(request.url);
    const body = call.sendBody?.();
    if (!mayReceive(url)) {
      // No credential at all beyond the credential origins: not even a query parameter a server copied into a link.
      for (const name of names.query) url.searchParams.delete(name);
      const changed = url.href !== request.url;
      return next(
        changed || body !== undefined ? copyTo(request, url, request.headers, body, request.redirect) : request,
      );
    }
    // Where code can see redirects, a credentialed request follows them here, so they never carry it elsewhere.
    const follow = request.redirect === 'follow' && canFollowRedirects();
    const redirect = follow ? 'manual' : request.redirect;

    const attempt = async (
      sent: BodyInit | null | undefined,
      target: URL,
    ): Promise<{ response: Response; used: unknown; left: boolean; into: AuthTarget }> => {
      // The copy that carries the credential: the strategy writes straight into its headers (one copy of them).
      let outgoing = copyTo(request, url, undefined, sent, redirect);
      const into: AuthTarget = { url: target, headers: outgoing.headers, signal: info.signal, fetch: call.fetch };
      // A strategy with the credential at hand (a fixed token) answers synchronously: no await then.
      const pending = auth.authorize(into);
      const used =
        typeof (pending as PromiseLike<unknown> | undefined)?.then === 'function'
          ? await abortable(pending as Promise<unknown>, info.signal)
          : pending;
      record.credential = authorizedNames(names, request, into);
      // A strategy that put its credential in the URL (a query parameter): the copy goes there.
      if (into.url.href !== request.url) outgoing = copyTo(outgoing, into.url, outgoing.headers, undefined, redirect);
      const response = await next(outgoing);
      if (!follow || !REDIRECTS.includes(response.status) || !response.headers.has('location'))
        return { response, used, left: false, into };
      let left = false;
      const hop: Hop = { url: into.url, method: request.method, headers: into.headers, body: sent ?? request.body };
      const send = (h: Hop) => next(copyTo(request, h.url, h.headers, h.body ?? null, 'manual', h.method));
      const policy = {
        keepsCredentials: mayReceive,
        names: info.credential!,
        replayBody: call.replay,
        describe: (shown: URL) => info.redact.url(shown),
        onLeave: () => (left = true),
      };
      const final = await followRedirects(hop, send, policy, response);
      return { response: final, used, left, into };
    };

    const { response, used, left } = await attempt(body, url);
    // A 401 from beyond the credential origins never saw the credential: nothing to refresh.
    if (response.status !== 401 || !auth.refresh || left || !call.replay) return response;
    // A credential step stops waiting when the caller aborts; time is bounded by ky's timeout racing this middleware.
    const fresh = (): AuthTarget => ({
      url: new URL(request.url),
      headers: new Headers(request.headers),
      signal: info.signal,
      fetch: call.fetch,
    });
    const refreshed = await abortable(auth.refresh(used, fresh()), info.signal);
    if (!refreshed) return response;
    void response.body?.cancel().catch(() => {});
    call.onRepeat();
    return (await attempt(call.replay() ?? null, new URL(request.url))).response;
  };
}
