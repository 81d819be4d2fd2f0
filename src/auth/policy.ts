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
  /**
   * The body the first attempt sends instead of ky's request stream (a JSON string: no stream piped through
   * the copy); undefined to send ky's request body.
   */
  sendBody: (() => BodyInit | null | undefined) | undefined;
  /** ky's request carries no body (sturdy adds it per attempt): a request sent on without credentials gets `sendBody` too. */
  bodyless: boolean;
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

/** `request` sent to `url` with `headers` and `body` (a URL cannot change in `new Request(request, init)`). */
function copyTo(
  request: Request,
  url: URL,
  headers: Headers,
  body: BodyInit | null | undefined,
  redirect: RequestRedirect,
  method = request.method,
): Request {
  const init: RequestInit & { duplex?: 'half' } = { method, headers, signal: request.signal, redirect };
  if (body !== undefined && body !== null) {
    init.body = body;
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

/** `names` plus every header and query parameter `authorize` added to or changed on ky's request. */
function withAuthorized(
  names: { headers: string[]; query: string[] },
  request: Request,
  into: AuthTarget,
): { headers: string[]; query: string[] } {
  const headers = [...names.headers];
  for (const [name, value] of into.headers)
    if (request.headers.get(name) !== value && !headers.includes(name)) headers.push(name);
  const query = [...names.query];
  const before = new URL(request.url).searchParams;
  for (const [name, value] of into.url.searchParams)
    if (!before.getAll(name).includes(value) && !query.includes(name)) query.push(name);
  return { headers, query };
}

/**
 * The credential middleware for `auth` (sturdy adds it to every call that has a strategy).
 * @example
 * const chain = [credentialPolicy(bearer(token), { origins, allowInsecure: false, fetch, replay, sendBody: replay, bodyless: false, onRepeat() {} }), ...use];
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
    const first = new URL(request.url);
    // The one place CallInfo.credential is written: what this attempt carries.
    const carried = info as { credential: CredentialNames | undefined };
    carried.credential = undefined;
    if (!mayReceive(first))
      return next(call.bodyless && call.sendBody ? new Request(request, { body: call.sendBody() ?? null }) : request);
    const target = (): AuthTarget => ({
      url: new URL(request.url),
      headers: new Headers(request.headers),
      signal: info.signal,
      fetch: call.fetch,
    });

    const attempt = async (
      body: BodyInit | null | undefined,
    ): Promise<{ response: Response; used: unknown; left: boolean }> => {
      const into = target();
      // A strategy with the credential at hand (a fixed token) answers synchronously: no await then.
      const pending = auth.authorize(into);
      const used =
        typeof (pending as PromiseLike<unknown> | undefined)?.then === 'function'
          ? await abortable(pending as Promise<unknown>, info.signal)
          : pending;
      // What the strategy registered, and whatever its authorize set besides (a custom strategy may register nothing).
      const authorized = withAuthorized(names, request, into);
      carried.credential = authorized;
      let left = false;
      const followHere = request.redirect === 'follow' && canFollowRedirects();
      if (!followHere) {
        const sameUrl = into.url.href === request.url;
        const outgoing =
          sameUrl && body === request.body
            ? new Request(request, { headers: into.headers })
            : copyTo(request, into.url, into.headers, body, request.redirect);
        return { response: await next(outgoing), used, left };
      }
      const hop: Hop = { url: into.url, method: request.method, headers: into.headers, body };
      const response = await followRedirects(
        hop,
        (h) => next(copyTo(request, h.url, h.headers, h.body, 'manual', h.method)),
        {
          keepsCredentials: mayReceive,
          names: authorized,
          replayBody: call.replay,
          describe: (url) => info.redact.url(url),
          onLeave: () => (left = true),
        },
      );
      return { response, used, left };
    };

    const result = await attempt(call.sendBody ? call.sendBody() : request.body);
    const { response, used, left } = result;
    // A 401 from beyond the credential origins never saw the credential: nothing to refresh.
    if (response.status !== 401 || !auth.refresh || left || !call.replay) return response;
    // A credential step stops waiting when the caller aborts; time is bounded by ky's timeout racing this middleware.
    const refreshed = await abortable(auth.refresh(used, target()), info.signal);
    if (!refreshed) return response;
    void response.body?.cancel().catch(() => {});
    call.onRepeat();
    return (await attempt(call.replay())).response;
  };
}
