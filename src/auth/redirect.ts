/**
 * Redirects sturdy follows itself when a request carries credentials, so they
 * never reach an origin they do not belong to (DESIGN.md section 3). The rules
 * are the Fetch standard's "HTTP-redirect fetch": at most 20 redirects, 303
 * (and 301/302 after POST) become GET without a body, 307/308 keep both.
 */
import { CREDENTIAL_HEADERS } from '../shared/header-value.ts';
import { SturdyError, isSturdyError } from '../core/errors.ts';

/**
 * The Fetch standard's redirect limit: the 21st redirect in a row is an error.
 * @example
 * if (redirects === MAX_REDIRECTS) throw new RedirectError(...)
 */
export const MAX_REDIRECTS = 20;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Fetch's request-body-header names, dropped with the body when a redirect becomes GET. */
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

/**
 * A redirect sturdy would not follow: more than 20 in a row (a loop), a
 * Location that is not an http(s) URL, or a streaming body a 307/308 would
 * have to send again.
 * @example
 * catch (e) { if (isRedirectError(e)) console.log(e.redirects, e.status) }
 */
export class RedirectError extends SturdyError {
  override name = 'RedirectError';
  /** How many redirects were followed before stopping. */
  readonly redirects: number;
  /** Status of the redirect that was not followed. */
  readonly status: number;
  constructor(message: string, details: { redirects: number; status: number }) {
    super(message);
    this.redirects = details.redirects;
    this.status = details.status;
  }
}

/**
 * True for a RedirectError, across realms.
 * @example
 * catch (e) { if (isRedirectError(e)) console.log(`gave up after ${e.redirects} redirects`) }
 */
export const isRedirectError = (error: unknown): error is RedirectError =>
  isSturdyError(error) && error.name === 'RedirectError';

/**
 * Can code here see and follow redirects? Decided by the runtime, not by a `document` global (jsdom,
 * happy-dom and SSR shims define one in Node): Node, Deno, Bun, Vercel edge and Cloudflare workers
 * can; a browser page or browser worker gets an opaque response for `redirect: 'manual'` and applies
 * its own rules (it drops Authorization on a cross-origin redirect).
 * @example
 * const redirect = canFollowRedirects() ? 'manual' : 'follow';
 */
export const canFollowRedirects = (): boolean => {
  const runtime = globalThis as {
    process?: { versions?: { node?: unknown } };
    Deno?: unknown;
    Bun?: unknown;
    EdgeRuntime?: unknown;
    navigator?: { userAgent?: string };
  };
  return (
    typeof runtime.process?.versions?.node === 'string' ||
    typeof runtime.Deno === 'object' ||
    typeof runtime.Bun === 'object' ||
    typeof runtime.EdgeRuntime === 'string' ||
    runtime.navigator?.userAgent === 'Cloudflare-Workers'
  );
};

/**
 * The redirect mode of a request that must never follow a redirect: `'error'`
 * (with it, Node's fetch also keeps no copy of a streamed body), except in
 * Cloudflare workerd, which rejects `'error'`: there `'manual'`, and a 3xx
 * response is the failure.
 * @example
 * await fetch(tokenUrl, { method: 'POST', body, redirect: refuseRedirects() });
 */
export const refuseRedirects = (): 'error' | 'manual' =>
  (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent === 'Cloudflare-Workers'
    ? 'manual'
    : 'error';

/**
 * One request of a redirect chain.
 * @example
 * { url: new URL('https://api.example.com/a'), method: 'POST', headers, body: '{"a":1}' }
 */
export type Hop = { url: URL; method: string; headers: Headers; body: BodyInit | null | undefined };

/**
 * What the chain needs to know about the credentials it carries.
 * @example
 * { keepsCredentials: (url) => origins.has(url.origin), names: { headers: ['x-api-key'], query: [] }, replayBody: () => json, describe: String }
 */
export type RedirectPolicy = {
  /** May `url` still receive the credentials? May throw (AuthError for plain http). */
  keepsCredentials(url: URL): boolean;
  /** Header and query names of the strategy's credential, removed once the chain leaves. */
  names: { headers: readonly string[]; query: readonly string[] };
  /** The body again, for a 307/308; undefined when it cannot be replayed (a stream). */
  replayBody: (() => BodyInit | null | undefined) | undefined;
  /** A URL as it may appear in a message (redacted). */
  describe(url: URL): string;
  /** Told when the chain leaves the credential origins (the final answer then never saw the credentials). */
  onLeave?(): void;
};

/**
 * Sends `first` with redirects handled by `send` returning them unfollowed
 * (`redirect: 'manual'`), and follows them here by the rules above.
 * @example
 * const response = await followRedirects(hop, send, policy); // or with the first hop's response already at hand
 */
export async function followRedirects(
  first: Hop,
  send: (hop: Hop) => Promise<Response>,
  policy: RedirectPolicy,
  firstResponse?: Response,
): Promise<Response> {
  let hop = first;
  let credentialed = true;
  for (let redirects = 0; ; redirects++) {
    const response = (redirects === 0 && firstResponse) || (await send(hop));
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || location === null) return response;
    // The body of a redirect is never read; free the connection.
    void response.body?.cancel().catch(() => {});
    const fail = (why: string) =>
      new RedirectError(`${why} (${response.status} from ${hop.method} ${policy.describe(hop.url)})`, {
        redirects,
        status: response.status,
      });
    if (redirects === MAX_REDIRECTS)
      throw fail(`stopped after ${MAX_REDIRECTS} redirects, the limit: the server redirects in a loop`);
    let url: URL;
    try {
      url = new URL(location, hop.url);
    } catch {
      throw fail('the redirect Location is not a valid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw fail(`the redirect points to a ${url.protocol} URL; only http and https are followed`);

    const headers = new Headers(hop.headers);
    let { method } = hop;
    let body: Hop['body'];
    const status = response.status;
    if (
      ((status === 301 || status === 302) && method === 'POST') ||
      (status === 303 && method !== 'GET' && method !== 'HEAD')
    ) {
      method = 'GET';
      for (const name of BODY_HEADERS) headers.delete(name);
    } else if (hop.body !== undefined && hop.body !== null) {
      if (!policy.replayBody)
        throw fail(
          'cannot send a streaming body again to follow the redirect; pass `body` as a function returning a fresh body',
        );
      body = policy.replayBody();
    }
    // Once the chain has left the credential origins, credentials never come back.
    if (credentialed && !policy.keepsCredentials(url)) {
      credentialed = false;
      policy.onLeave?.();
    }
    if (!credentialed) {
      for (const name of [...CREDENTIAL_HEADERS, ...policy.names.headers]) headers.delete(name);
      for (const name of policy.names.query) if (url.searchParams.has(name)) url.searchParams.delete(name);
    }
    hop = { url, method, headers, body };
  }
}
