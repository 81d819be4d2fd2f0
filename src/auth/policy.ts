/**
 * The credential policy, as the outermost middleware of a call with `auth`: credentials go only to credential
 * origins and only over https (or loopback), redirects of a credentialed request are followed here so they never
 * carry a credential elsewhere, and a 401 gets one refresh and one repeat. Credentials are added per attempt to
 * the attempt's own headers: on fetch's init when nothing sits between this policy and fetch, else on a copy of
 * ky's request. So no hook, error or log of ky's ever holds them.
 */
import { AuthError } from '../core/errors.ts';
import type { CredentialNames, Middleware } from '../core/middleware.ts';
import { abortable } from '../shared/clock.ts';
import { canFollowRedirects, followRedirects, isRedirect, stripQuery } from './redirect.ts';
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
  /**
   * Nothing sits between the policy and fetch (no `use` middleware): `next` then takes fetch's init as a second
   * argument, and the credential goes there instead of on a second Request.
   */
  direct?: boolean | undefined;
};

type Body = BodyInit | null | undefined;

/** Request properties a copy with another URL must keep, when they differ from fetch's defaults. */
const KEPT = { credentials: 'same-origin', cache: 'default', referrerPolicy: '', integrity: '', keepalive: false };

/** The init that sends `request` with `headers`, `body` (undefined: the request's own) and `redirect`. */
function requestInit(
  headers: Headers,
  body: Body,
  redirect: RequestRedirect,
  method: string,
): RequestInit & { duplex?: 'half' } {
  return body == null ? { method, headers, redirect } : { method, headers, redirect, body, duplex: 'half' };
}

/** Is `new Request(request, init)` the request to send: the same URL, and no body of the request to drop? */
const sameTarget = (request: Request, url: URL, body: Body): boolean =>
  url.href === request.url && (body !== null || !request.body);

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
  body: Body,
  redirect: RequestRedirect,
  method = request.method,
): Request {
  const init = requestInit(headers ?? request.headers, body, redirect, method);
  if (sameTarget(request, url, body)) return new Request(request, init);
  init.signal = request.signal;
  if (body === undefined && request.body) {
    init.body = request.body;
    init.duplex = 'half';
  }
  for (const [name, fallback] of Object.entries(KEPT)) {
    const value = (request as unknown as Record<string, unknown>)[name];
    // Some runtimes (workerd) refuse fields they do not implement: only what differs from the default is copied.
    // (`mode` is not: a copy to another URL is a new request, and 'navigate' cannot be set.)
    if (value !== undefined && value !== fallback) (init as Record<string, unknown>)[name] = value;
  }
  return new Request(url, init);
}

/** `known`, plus every name `after` holds with a value `before` did not. */
function added(known: readonly string[], before: Iterable<[string, string]>, after: Iterable<[string, string]>) {
  const had = [...before];
  const names = [...known];
  for (const [name, value] of after)
    if (!names.includes(name) && !had.some((pair) => pair[0] === name && pair[1] === value)) names.push(name);
  return names;
}

/**
 * The names this attempt's credential is in: what the strategy registered, and whatever its authorize added to
 * or changed on ky's request (a custom strategy may register nothing). Worked out only when read (rarely).
 */
const authorizedNames = (names: CredentialNames, before: Request, after: AuthTarget): CredentialNames => ({
  get headers() {
    return added(names.headers, before.headers, after.headers);
  },
  get query() {
    return added(names.query, new URL(before.url).searchParams, after.url.searchParams);
  },
});

/**
 * The credential middleware for `auth` (sturdy adds it to every call that has a strategy).
 * @example
 * const chain = [credentialPolicy(bearer(token), { origins, allowInsecure: false, fetch, replay, sendBody: replay, onRepeat() {} }), ...use];
 */
export function credentialPolicy(auth: AuthStrategy, call: PolicyCall): Middleware {
  if (!call.origins.size) {
    throw new AuthError(`${auth.type} credentials have no origin to go to: set baseUrl or credentialOrigins`);
  }
  const names = credentialNames(auth);
  const { fetch, replay } = call;
  const mayReceive = (url: URL): boolean => {
    if (!call.origins.has(url.origin)) return false;
    assertSecureTransport(url, auth.type, call.allowInsecure);
    return true;
  };

  return async (request, next: (request: Request, init?: RequestInit) => Promise<Response>, info) => {
    // The one place the call's record of its credential is written (CallInfo.credential reads it).
    const record = info as { credential: CredentialNames | undefined };
    record.credential = undefined;
    const { signal } = info;
    // Straight to fetch, fetch builds the one request from ky's and an init; else a copy goes down the chain.
    const send = (url: URL, headers: Headers, body: Body, redirect: RequestRedirect) =>
      call.direct && sameTarget(request, url, body)
        ? next(request, requestInit(headers, body, redirect, request.method))
        : next(copyTo(request, url, headers, body, redirect));
    const url = new URL(request.url);
    const body = call.sendBody?.();
    if (!mayReceive(url)) {
      // No credential at all beyond the credential origins: not even a query parameter a server copied into a link.
      stripQuery(url, names.query);
      return body === undefined && url.href === request.url
        ? next(request)
        : send(url, request.headers, body, request.redirect);
    }
    // Where code can see redirects, a credentialed request follows them here, so they never carry it elsewhere.
    const follow = request.redirect === 'follow' && canFollowRedirects();
    const redirect = follow ? 'manual' : request.redirect;
    // What the last attempt authorized: `refresh` gets the value authorize returned and its target.
    let used: unknown;
    let target: AuthTarget;
    let left = false;

    const attempt = async (sent: Body, to: URL): Promise<Response> => {
      // The credential goes into this attempt's own headers (and URL), never onto ky's request: on fetch's init when
      // nothing sits between here and fetch, else the strategy writes straight into a copy's headers.
      const copy = call.direct ? undefined : copyTo(request, to, undefined, sent, redirect);
      const into: AuthTarget = { url: to, headers: copy?.headers ?? new Headers(request.headers), signal, fetch };
      target = into;
      // A strategy with the credential at hand (a fixed token) answers synchronously: no await then.
      const pending = auth.authorize(into);
      used =
        typeof (pending as PromiseLike<unknown> | undefined)?.then === 'function'
          ? await abortable(pending as Promise<unknown>, signal)
          : pending;
      const carried = authorizedNames(names, request, into);
      record.credential = carried;
      const response = await (copy
        ? next(into.url.href === copy.url ? copy : copyTo(copy, into.url, copy.headers, undefined, redirect))
        : send(into.url, into.headers, sent, redirect));
      if (!follow || !isRedirect(response)) return response;
      return followRedirects(
        { url: into.url, method: request.method, headers: into.headers, body: sent ?? request.body },
        (hop) => next(copyTo(request, hop.url, hop.headers, hop.body ?? null, 'manual', hop.method)),
        {
          keepsCredentials: mayReceive,
          names: carried,
          replayBody: replay,
          describe: (shown) => info.redact.url(shown),
          onLeave: () => (left = true),
        },
        response,
      );
    };

    const response = await attempt(body, url);
    // A 401 from beyond the credential origins never saw the credential: nothing to refresh.
    if (response.status !== 401 || !auth.refresh || left || !replay) return response;
    // A credential step stops waiting when the caller aborts; time is bounded by ky's timeout racing this middleware.
    if (!(await abortable(auth.refresh(used, target!), signal))) return response;
    void response.body?.cancel().catch(() => {});
    call.onRepeat();
    return attempt(replay() ?? null, new URL(request.url));
  };
}
