/**
 * The credential policy, as the outermost middleware of a call with `auth`: credentials go only to credential
 * origins and only over https (or loopback), redirects of a credentialed request are followed here so they never
 * carry a credential elsewhere, and a 401 gets one refresh and one repeat. Credentials are added per attempt to
 * the attempt's own headers: on fetch's init when nothing sits between this policy and fetch, else on a copy of
 * ky's request. So no hook, error or log of ky's ever holds them.
 */
import { AuthError } from '../core/errors.ts';
import type { CredentialNames } from '../core/middleware.ts';
import { abortable } from '../shared/clock.ts';
import type {} from '../shared/platform.ts';
import { canFollowRedirects, followRedirects, stripQuery } from './redirect.ts';
import { assertSecureTransport } from './scope.ts';
import type { AuthStrategy, AuthTarget } from './types.ts';

/**
 * What an auth strategy's `policy` is: `credentialPolicy` (strategies bring it, so the core does not). It is built
 * once per strategy; everything of a call it reads from the call it gets on each attempt.
 * @example
 * const strategy: AuthStrategy = { kind: 'sturdy.auth', type: 'custom', policy: credentialPolicy, authorize: ({ headers }) => headers.set('x-token', token) };
 */
export type CredentialPolicy = (auth: AuthStrategy) => PolicyMiddleware;

/** The credential step of every attempt of a call with `auth`, outermost (the core calls it with its call). */
export type PolicyMiddleware = (request: Request, next: PolicyNext, call: PolicyCall) => Promise<Response>;

/** Sends an attempt on; `init`, when `call.direct`, is fetch's init (it then carries the credential). */
export type PolicyNext = (request: Request, init?: RequestInit) => Promise<Response>;

/** What the policy reads of its call (the core's call state). */
export type PolicyCall = {
  readonly signal: AbortSignal | undefined;
  readonly redact: { url(url: string | URL): string };
  /** Where credentials may go: the baseUrl's origin (else the page's), `credentialOrigins`, the strategy's `origins`. */
  readonly origins: ReadonlySet<string>;
  readonly options: { readonly allowInsecure?: boolean | undefined };
  /** The fetch token requests use (the caller's fetch option, else the global one). */
  readonly fetch: typeof globalThis.fetch;
  /** The request body once more (a 401 repeat, a 307/308 hop); undefined when it cannot be sent again (a stream). */
  readonly replay: (() => BodyInit | null | undefined) | undefined;
  /** The body of each attempt when ky's request holds none (a JSON string, a body factory); undefined to send ky's. */
  readonly sendBody: (() => BodyInit | null | undefined) | undefined;
  /**
   * Nothing sits between the policy and fetch (no `use` middleware): `next` then takes fetch's init as a second
   * argument, and the credential goes there instead of on a second Request.
   */
  readonly direct: boolean;
  /** The names this attempt's credential is in (`CallInfo.credential`): the policy is the one place that writes it. */
  credential: CredentialNames | undefined;
  /** Told before the repeat that follows a refresh. */
  repeat(): void;
};

type Body = BodyInit | null | undefined;

/** Request fields a copy to another URL keeps, when they differ from a plain request's. */
const KEPT = ['signal', 'credentials', 'cache', 'referrerPolicy', 'integrity', 'keepalive'] as const;
/** A request with fetch's defaults (made once, when first needed). */
let plain: Request | undefined;

/**
 * What `new Request(...)` (or fetch) takes to send `request` to `url` with `headers`, `body` (undefined: the
 * request's own; null: none), `redirect` and `method`: the request itself and an init when the URL is the same
 * and no body of it is dropped, else the URL and an init that keeps the request's fields.
 */
function requestArgs(
  request: Request,
  url: URL,
  headers: Headers,
  body: Body,
  redirect: RequestRedirect,
  method: string,
): [Request | URL, RequestInit] {
  // An undefined member counts as not given, so `body: undefined` sends the request's own.
  const init: Record<string, unknown> = { method, headers, redirect, body, duplex: 'half' };
  if (url.href === request.url && (body !== null || !request.body)) return [request, init];
  init.body = body === undefined ? request.body : body;
  plain ??= new Request('http://x');
  // Some runtimes (workerd) refuse fields they do not implement: only what differs from the runtime's own default
  // is copied. (`mode` is not: a copy to another URL is a new request, and 'navigate' cannot be set.)
  for (const name of KEPT) if (request[name] !== plain[name]) init[name] = request[name];
  return [url, init];
}

/**
 * `request` sent to `url` with `headers` (undefined: its own), `body` (undefined: its own; null: none), `redirect`
 * and `method`.
 * @example
 * const hop = copyTo(request, new URL('/next', request.url), headers, null, 'manual', 'GET');
 */
export const copyTo = (
  request: Request,
  url: URL,
  headers: Headers | undefined,
  body: Body,
  redirect: RequestRedirect,
  method = request.method,
): Request => new Request(...requestArgs(request, url, headers ?? request.headers, body, redirect, method));

/** `known`, plus every name `after` holds with a value `before` did not (pair by pair: a repeated one is no news). */
function added(known: readonly string[], before: Iterable<[string, string]>, after: Iterable<[string, string]>) {
  const had = [...before];
  const names = [...known];
  for (const [name, value] of after)
    if (!names.includes(name) && !had.some((pair) => pair[0] === name && pair[1] === value)) names.push(name);
  return names;
}

/**
 * The names an attempt's credential is in (`CallInfo.credential`), worked out only when read (rarely): what the
 * strategy registered, and whatever its authorize added to or changed on the request (a custom strategy may
 * register nothing). What it reads is private: a middleware that prints it sees no credential. A class, not an
 * object literal with getters: with retries and timeouts off, such a literal per attempt measured about 17 us of
 * mean CPU a call, most of it garbage collection (bearer, a caller's fetch, single-client processes).
 */
class Carried implements CredentialNames {
  #known: CredentialNames;
  #request: Request;
  #target: AuthTarget;
  constructor(known: CredentialNames, request: Request, target: AuthTarget) {
    this.#known = known;
    this.#request = request;
    this.#target = target;
  }
  get headers(): string[] {
    return added(this.#known.headers, this.#request.headers, this.#target.headers);
  }
  get query(): string[] {
    return added(this.#known.query, new URL(this.#request.url).searchParams, this.#target.url.searchParams);
  }
}

/** Each strategy's policy, built once (a call with a strategy builds nothing for it). */
const policies = /* @__PURE__ */ new WeakMap<AuthStrategy, PolicyMiddleware>();

/**
 * The credential step for `auth` (sturdy runs it on every attempt of a call that has a strategy).
 * @example
 * const response = await credentialPolicy(bearer(token))(request, send, call);
 */
export function credentialPolicy(auth: AuthStrategy): PolicyMiddleware {
  let policy = policies.get(auth);
  if (!policy) policies.set(auth, (policy = policyOf(auth)));
  return policy;
}

function policyOf(auth: AuthStrategy): PolicyMiddleware {
  const { type } = auth;
  // Custom strategies are covered too: the names are stripped from a redirect that leaves the credential origins.
  const headers: string[] = [];
  const query: string[] = [];
  auth.register?.({
    addHeader: (name) => headers.push(name.toLowerCase()),
    addQuery: (name) => query.push(name),
    addSecret() {},
    removeSecret() {},
  });
  const known: CredentialNames = { headers, query };

  return async (request, next, call) => {
    const { origins, fetch, sendBody, direct, signal } = call;
    if (!origins.size) throw new AuthError(`${type} credentials need baseUrl or credentialOrigins`);
    const allowInsecure = auth.allowInsecure ?? call.options.allowInsecure;
    const mayReceive = (url: URL): boolean =>
      origins.has(url.origin) && assertSecureTransport(url, type, allowInsecure);
    call.credential = undefined;
    const { method } = request;
    const body = sendBody?.();
    const url = new URL(request.url);
    const credentialed = mayReceive(url);
    // Where code can see redirects, a credentialed request follows them here, so they never carry it elsewhere. A
    // browser's fetch hides them and applies its own rules: its build has no follower, and a server runtime running
    // that build (a jsdom test setup) refuses the redirect rather than let its fetch carry the credential on.
    const follow = credentialed && request.redirect === 'follow' && canFollowRedirects();
    const redirect = follow ? (globalThis.__STURDY_BROWSER__ ? 'error' : 'manual') : request.redirect;
    // `from`'s fields and body (undefined: its own) to `to`: straight to fetch, fetch builds the one request from
    // ky's and an init; else a Request goes down the chain.
    const send = (to: URL, headers: Headers, sent: Body, hop = method, from = request) => {
      const [input, init] = requestArgs(from, to, headers, sent, redirect, hop);
      return direct && input === request ? next(request, init) : next(new Request(input, init));
    };
    if (!credentialed) {
      // No credential at all beyond the credential origins: not even a query parameter a server copied into a link.
      stripQuery(url, known.query);
      return send(url, request.headers, body);
    }
    // What the last attempt authorized: `refresh` gets the value authorize returned and its target.
    let used: unknown;
    let target: AuthTarget;
    let left = false;

    // The credential goes into this attempt's own headers (and URL), never onto ky's request.
    const attempt = async (sent: Body, to: URL): Promise<Response> => {
      // Not straight to fetch: the request that goes down the chain is made first and the strategy writes into its
      // headers (one Headers copy, not two).
      const copy = direct
        ? undefined
        : new Request(...requestArgs(request, to, request.headers, sent, redirect, method));
      const into: AuthTarget = (target = {
        url: to,
        headers: copy?.headers ?? new Headers(request.headers),
        signal,
        fetch,
      });
      // A strategy with the credential at hand (a fixed token) answers synchronously: no await then.
      const pending = auth.authorize(into);
      used =
        typeof (pending as PromiseLike<unknown> | undefined)?.then === 'function'
          ? await abortable(pending as Promise<unknown>, signal)
          : pending;
      const carried: CredentialNames = (call.credential = new Carried(known, request, into));
      // A strategy that changed the URL (a query key) gets a copy of the copy: the request's body went into the first.
      const response = await (copy && into.url.href === copy.url
        ? next(copy)
        : send(into.url, into.headers, copy ? undefined : sent, method, copy));
      // (The flag again, where the bundler sees it: a browser bundle then carries no redirect code at all.) Only a
      // 3xx goes to the follower, so the usual response costs no hop and policy objects.
      return !globalThis.__STURDY_BROWSER__ && follow && response.status >= 300 && response.status < 400
        ? followRedirects(
            // The answer, and the request that got it.
            response,
            into.url,
            method,
            into.headers,
            sent ?? request.body,
            // The hops: how they go out, and what they may carry.
            send,
            (hop) => {
              // Asked no more once it says no: the chain has left, and its final answer never saw the credential.
              left = !mayReceive(hop);
              return !left;
            },
            carried,
            // The call: its body again, and its URLs as they may be shown.
            () => call.replay,
            call.redact.url,
          )
        : response;
    };

    const response = await attempt(body, url);
    // A 401 from beyond the credential origins never saw the credential: nothing to refresh.
    // A credential step stops waiting when the caller aborts; time is bounded by ky's timeout racing this middleware.
    if (
      response.status !== 401 ||
      !auth.refresh ||
      left ||
      !call.replay ||
      !(await abortable(auth.refresh(used, target!), signal))
    )
      return response;
    void response.body?.cancel().catch(() => {});
    call.repeat();
    return attempt(call.replay() ?? null, new URL(request.url));
  };
}
