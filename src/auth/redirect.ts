/**
 * Redirects sturdy follows itself when a request carries credentials, so they never reach an origin they do not
 * belong to. The rules are the Fetch standard's "HTTP-redirect fetch": at most 20 redirects, 303 (and 301/302
 * after POST) become GET without a body, 307/308 keep both.
 */
import { SturdyError, isSturdyError } from '../core/errors.ts';
import type { CredentialNames } from '../core/middleware.ts';
import { CREDENTIAL_HEADERS } from '../shared/header-value.ts';

/**
 * A redirect sturdy would not follow: more than 20 in a row (a loop), a Location that is not an http(s) URL, or a
 * streaming body a 307/308 would have to send again.
 * @example
 * catch (e) { if (isRedirectError(e)) console.log(e.redirects, e.status) }
 */
export class RedirectError extends SturdyError {
  override name = 'RedirectError';
  /** How many redirects were followed before stopping. */
  declare readonly redirects: number;
  /** Status of the redirect that was not followed. */
  declare readonly status: number;
  constructor(message: string, details: { redirects: number; status: number }) {
    super(message, details);
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
 * Can code here see and follow redirects? Decided by the runtime, not by a `document` global (jsdom, happy-dom
 * and SSR shims define one in Node): Node, Deno, Bun (which reports a Node version), Vercel edge and Cloudflare
 * workers can; a browser page or worker gets an opaque response for `redirect: 'manual'` and applies its own rules
 * (it drops Authorization on a cross-origin redirect).
 * @example
 * const redirect = canFollowRedirects() ? 'manual' : 'follow';
 */
export const canFollowRedirects = (): boolean => {
  const runtime = globalThis as {
    process?: { versions?: { node?: string } };
    Deno?: object;
    EdgeRuntime?: string;
    navigator?: { userAgent?: string };
  };
  return Boolean(
    runtime.process?.versions?.node ||
      runtime.Deno ||
      runtime.EdgeRuntime ||
      runtime.navigator?.userAgent === 'Cloudflare-Workers',
  );
};

/**
 * The redirect mode of a request that must never follow a redirect: `'error'` (with it, Node's fetch also keeps
 * no copy of a streamed body), except in Cloudflare workerd, which rejects `'error'`: there `'manual'`, and a 3xx
 * response is the failure.
 * @example
 * await fetch(tokenUrl, { method: 'POST', body, redirect: refuseRedirects() });
 */
export const refuseRedirects = (): 'error' | 'manual' =>
  (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent === 'Cloudflare-Workers'
    ? 'manual'
    : 'error';

/**
 * Deletes the query parameters `names` from `url`, touching the URL only when one is there (deleting re-encodes
 * the whole query).
 * @example
 * stripQuery(url, ['api_key']);
 */
export const stripQuery = (url: URL, names: readonly string[]): void => {
  for (const name of names) if (url.searchParams.has(name)) url.searchParams.delete(name);
};

/**
 * One request of a redirect chain (`body: null`: none).
 * @example
 * { url: new URL('https://api.example.com/a'), method: 'POST', headers, body: '{"a":1}' }
 */
export type Hop = { url: URL; method: string; headers: Headers; body: BodyInit | null };

/**
 * Sends a hop of a redirect chain with redirects returned unfollowed (`redirect: 'manual'`).
 * @example
 * const send: SendHop = (url, headers, body, method) => fetch(url, { method, headers, body, redirect: 'manual' });
 */
export type SendHop = (url: URL, headers: Headers, body: BodyInit | null, method: string) => Promise<Response>;

/**
 * Follows the redirects `response` asks for by the rules above. Its arguments come in three groups:
 * - the request that got `response`: `url`, `method`, `headers` and `body` (null: none);
 * - the hops: each is sent by `send`; `keeps(url)` says whether `url` may still receive the credential (it may
 *   throw: AuthError for plain http). Once it says no the chain has left the credential origins: it is not asked
 *   again, the header and query `names` of the credential go from every later hop, and the final answer never saw
 *   them;
 * - the call: `replay` gives the body again for a 307/308 (undefined: it cannot, a stream), read only then, as a
 *   caller's replay may be known only once the body was sent; `describe` shows a URL in a message (redacted).
 * Positional, not an object: the credential policy calls it with values it holds, and an object of them would
 * cost its bundle a set of property names (measured +23 B gz for the first request alone).
 * @example
 * const response = await followRedirects(await send(url, headers, body, 'GET'), url, 'GET', headers, body, send, keeps, names, replay, String);
 */
export async function followRedirects(
  // The answer, and the request that got it.
  response: Response,
  url: URL,
  method: string,
  headers: Headers,
  body: BodyInit | null,
  // The hops.
  send: SendHop,
  keeps: (url: URL) => boolean,
  names: CredentialNames,
  // The call.
  replay: () => (() => BodyInit | null | undefined) | undefined,
  describe: (url: URL) => string,
): Promise<Response> {
  let credentialed = true;
  for (let redirects = 0; ; redirects++) {
    const { status } = response;
    const location = response.headers.get('location');
    if (![301, 302, 303, 307, 308].includes(status) || location === null) return response;
    // The body of a redirect is never read; free the connection.
    void response.body?.cancel().catch(() => {});
    const fail = (why: string) =>
      new RedirectError(`${why} (${status} from ${method} ${describe(url)})`, { redirects, status });
    // The Fetch standard's limit: the 21st redirect in a row is an error.
    if (redirects === 20) throw fail('over 20 redirects');
    const next = URL.canParse(location, url) && new URL(location, url);
    if (!next || !/^https?:$/.test(next.protocol)) throw fail('Location is not http(s)');
    headers = new Headers(headers);
    if (status === 303 ? method !== 'GET' && method !== 'HEAD' : status < 303 && method === 'POST') {
      method = 'GET';
      body = null;
      // Fetch's request-body-header names go with the body.
      for (const name of ['type', 'length', 'encoding', 'language', 'location']) headers.delete(`content-${name}`);
    } else if (body != null) {
      const again = replay();
      if (!again) throw fail('pass `body` as a function to resend a stream');
      body = again() ?? null;
    }
    url = next;
    // Once the chain has left the credential origins, credentials never come back.
    credentialed &&= keeps(url);
    if (!credentialed) {
      for (const name of [...CREDENTIAL_HEADERS, ...names.headers]) headers.delete(name);
      stripQuery(url, names.query);
    }
    response = await send(url, headers, body, method);
  }
}
