/**
 * httpCache(): a private HTTP cache (RFC 9111) as `use` middleware. http-cache-semantics decides
 * freshness, revalidation and storability; this module keys, stores and serves.
 */
import CachePolicy from 'http-cache-semantics';
import type { CallInfo, Middleware, Next } from '../core/middleware.ts';
import { retryAfterMs } from '../core/retry.ts';
import { captureBody, drain, responseWith } from './body.ts';
import {
  assertWebCrypto,
  createHasher,
  identityText,
  requestUrl,
  urlGroup,
  withoutCredentials,
  type Hasher,
} from './key.ts';
import { checkOptions, type HttpCacheOptions } from './options.ts';
import { memoryStore, storageStore, type CacheEntry, type CacheStore } from './store.ts';

export type { HttpCacheOptions } from './options.ts';

/** A stale entry with a validator stays this long at least: a 304 can still refresh it. */
const KEEP_REVALIDATABLE_MS = 24 * 60 * 60 * 1000;
/** The longest a background (stale-while-revalidate) refresh may take. */
const REFRESH_TIMEOUT_MS = 60_000;
/** Headers that describe the bytes on the wire, not the decoded body a cache holds. */
const WIRE_HEADERS = ['content-encoding', 'content-length', 'transfer-encoding'];

type Outcome = 'hit' | 'miss' | 'revalidated' | 'stale';
/** Where a request's entry lives: its URL group, the per-user id, the variant id (with Vary), and what was found. */
type Lookup = { group: string; base: string; key: string; entry: CacheEntry | undefined; request: CachePolicy.Request };

/**
 * A private HTTP cache for GET and HEAD, per RFC 9111: fresh hits make no request, stale entries are
 * revalidated (a 304 keeps the stored body), `stale-while-revalidate` and `stale-if-error` are obeyed,
 * successful unsafe methods invalidate. Entries are per credential: one user's response is never
 * served to another. Reports `{ type: 'cache', outcome }` to `onEvent`.
 * @example
 * const api = createClient({ baseUrl, use: [dedupe(), httpCache({ maxBytes: 50 << 20 })] });
 */
/* @__NO_SIDE_EFFECTS__ */
export function httpCache(options: HttpCacheOptions = {}): Middleware {
  const limits = checkOptions(options);
  assertWebCrypto('httpCache');
  const hash = createHasher();
  const store = options.store ? storageStore(options.store, hash) : memoryStore(limits);
  const refreshing = new Set<string>();

  const lookup = async (request: Request, call: CallInfo): Promise<Lookup> => {
    const group = urlGroup(requestUrl(request), call);
    const base = await hash(identityText(request, call));
    const policyRequest = { method: request.method, url: group, headers: withoutCredentials(request.headers, call) };
    let key = base;
    let record = await store.get(group, base);
    if (record && !('body' in record)) {
      key = await variantKey(hash, base, record.vary, request);
      record = await store.get(group, key);
    }
    return { group, base, key, entry: record && 'body' in record ? record : undefined, request: policyRequest };
  };

  /** Stores `response` if the policy allows it (as its reader streams it); drops what it replaces otherwise. */
  const storeResponse = async (
    response: Response,
    found: Lookup,
    request: Request,
    call: CallInfo,
  ): Promise<Response> => {
    const headers = withoutCredentials(response.headers, call);
    for (const name of WIRE_HEADERS) delete headers[name];
    const policy = new CachePolicy(found.request, { status: response.status, headers }, { shared: false });
    const vary = varyNames(response.headers.get('vary'));
    const validator = headers.etag !== undefined || headers['last-modified'] !== undefined;
    const declared = Number(response.headers.get('content-length') ?? 0);
    // An error status is never stored, whatever its freshness says: the next call asks the origin again.
    // Nor is what another URL answered after a redirect: it is not this URL's response to keep.
    const worthKeeping =
      response.status < 400 &&
      !redirected(response, request) &&
      policy.storable() &&
      vary !== '*' &&
      (policy.timeToLive() > 0 || validator);
    if (!worthKeeping || declared > limits.maxEntryBytes) {
      if (found.entry) await store.remove(found.group, found.key);
      return response;
    }
    const key = vary.length ? await variantKey(hash, found.base, vary, request) : found.base;
    const ttl = validator ? Math.max(policy.timeToLive(), KEEP_REVALIDATABLE_MS) : policy.timeToLive();
    return captureBody(response, response.url || request.url, limits.maxEntryBytes, async (body) => {
      const stored = policy.toObject();
      // The decoded length (a HEAD has no body to measure: it keeps no length).
      if (request.method === 'GET') stored.resh['content-length'] = String(body.byteLength);
      if (vary.length) await store.set(found.group, found.base, { v: 1, vary }, ttl);
      await store.set(
        found.group,
        key,
        { v: 1, url: found.request.url!, policy: stored, statusText: response.statusText, body },
        ttl,
      );
    });
  };

  /** What the origin's answer to a request for a stored entry means: merge a 304, serve stale on error, or replace. */
  const afterOrigin = async (
    response: Response,
    found: Lookup & { entry: CacheEntry },
    request: Request,
    call: CallInfo,
    last: boolean,
  ): Promise<{ response: Response; outcome: Outcome }> => {
    const policy = CachePolicy.fromObject(found.entry.policy);
    if (response.status === 304) {
      const { policy: updated, matches } = policy.revalidatedPolicy(found.request, {
        status: 304,
        headers: withoutCredentials(response.headers, call),
      });
      await response.body?.cancel();
      // Our own conditional request was answered "not modified": the stored response stands, but only a
      // 304 with matching validators may update its headers (RFC 9111 4.3.4).
      if (!matches) return { response: served(found.entry, policy, request), outcome: 'revalidated' };
      // The stored body stays: a 304 has none of its own (got#445).
      const entry: CacheEntry = { ...found.entry, policy: updated.toObject() };
      await store.set(found.group, found.key, entry, Math.max(updated.timeToLive(), KEEP_REVALIDATABLE_MS));
      return { response: served(entry, updated, request), outcome: 'revalidated' };
    }
    // An error never replaces the stored entry (got#597); the last attempt may serve it stale.
    if (response.status >= 500) {
      if (last && mayServeStale(policy, found.request, { status: response.status, headers: {} })) {
        await response.body?.cancel();
        return { response: served(found.entry, policy, request), outcome: 'stale' };
      }
      return { response, outcome: 'miss' };
    }
    return { response: await storeResponse(response, found, request, call), outcome: 'miss' };
  };

  /** stale-while-revalidate: one refresh per entry at a time, in the background, bounded in time. */
  const refreshInBackground = (
    found: Lookup & { entry: CacheEntry },
    request: Request,
    next: Next,
    call: CallInfo,
    headers: CachePolicy.Headers,
  ) => {
    if (refreshing.has(found.key)) return;
    refreshing.add(found.key);
    const timeout = AbortSignal.timeout(Math.max(1, Math.round(Math.min(call.remaining(), REFRESH_TIMEOUT_MS))));
    const conditional = conditionalRequest(request, headers, timeout);
    void next(conditional)
      .then((response) => afterOrigin(response, found, conditional, call, false))
      .then(({ response, outcome }) => (outcome === 'revalidated' ? undefined : drain(response)))
      .catch(() => {})
      .finally(() => refreshing.delete(found.key));
  };

  return async (request, next, call) => {
    const method = request.method;
    if (method !== 'GET' && method !== 'HEAD') {
      const response = await next(request);
      if (!SAFE_METHODS.has(method) && response.status >= 200 && response.status < 400)
        await invalidate(store, request, response, call);
      return response;
    }
    const found = await lookup(request, call);
    if (!found.entry) {
      const response = await next(request);
      call.emit({ type: 'cache', outcome: 'miss' });
      return storeResponse(response, found, request, call);
    }
    const entry = found.entry;
    const stored = { ...found, entry };
    const policy = CachePolicy.fromObject(entry.policy);
    const verdict = policy.evaluateRequest(found.request);
    if (verdict.response) {
      if (verdict.revalidation) refreshInBackground(stored, request, next, call, verdict.revalidation.headers);
      call.emit({ type: 'cache', outcome: verdict.revalidation ? 'stale' : 'hit' });
      return served(entry, policy, request);
    }
    const conditional = conditionalRequest(request, verdict.revalidation?.headers ?? {});
    let response: Response;
    try {
      response = await next(conditional);
    } catch (error) {
      if (isFinalAttempt(call) && mayServeStale(policy, found.request, undefined)) {
        call.emit({ type: 'cache', outcome: 'stale' });
        return served(entry, policy, request);
      }
      throw error;
    }
    const result = await afterOrigin(response, stored, request, call, isFinalAttempt(call, response));
    call.emit({ type: 'cache', outcome: result.outcome });
    return result.response;
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** A stored entry as a fresh Response (its own readable body each time), with the policy's current headers (Age). */
function served(entry: CacheEntry, policy: CachePolicy, request: Request): Response {
  // Stored headers come from a Headers object (withoutCredentials): one string per name, a valid record.
  const headers = policy.responseHeaders() as Record<string, string>;
  const body = request.method === 'HEAD' ? null : (entry.body as Uint8Array<ArrayBuffer>);
  return responseWith(body, { status: entry.policy.st, statusText: entry.statusText, headers }, requestUrl(request));
}

/** Did fetch follow a redirect to get `response` (its URL is not the request's)? */
const redirected = (response: Response, request: Request): boolean =>
  response.redirected || (response.url !== '' && response.url !== requestUrl(request));

/** The request with the validators http-cache-semantics chose (If-None-Match / If-Modified-Since). */
function conditionalRequest(request: Request, revalidation: CachePolicy.Headers, signal?: AbortSignal): Request {
  const headers = new Headers(request.headers);
  for (const name of ['if-none-match', 'if-modified-since']) {
    const value = revalidation[name];
    if (typeof value === 'string') headers.set(name, value);
    else headers.delete(name);
  }
  return new Request(request, signal ? { headers, signal } : { headers });
}

/**
 * stale-if-error, decided by http-cache-semantics (an error response, or none for a network error, keeps
 * the old policy when the entry may be served stale).
 */
function mayServeStale(
  policy: CachePolicy,
  request: CachePolicy.Request,
  error: CachePolicy.Response | undefined,
): boolean {
  try {
    return policy.revalidatedPolicy(request, error as CachePolicy.Response).policy === policy;
  } catch {
    return false;
  }
}

/**
 * Will the retry loop above give up after this attempt? Then stale-if-error may answer ("after retries"):
 * the last attempt, or a server-asked wait the call will not wait.
 */
function isFinalAttempt(call: CallInfo, response?: Response): boolean {
  if (call.attempt > call.retry.limit) return true;
  const wait = response && retryAfterMs(response.headers);
  return wait !== undefined && wait > Math.min(call.retry.maxRetryAfter, call.remaining());
}

/** RFC 9111 4.4: a successful unsafe request invalidates its URL and its same-origin Location / Content-Location. */
async function invalidate(store: CacheStore, request: Request, response: Response, call: CallInfo): Promise<void> {
  const origin = new URL(request.url).origin;
  const targets = new Set([requestUrl(request)]);
  for (const name of ['location', 'content-location']) {
    const value = response.headers.get(name);
    if (!value) continue;
    const target = parseUrl(value, request.url);
    if (target?.origin !== origin) continue;
    target.hash = '';
    targets.add(target.href);
  }
  for (const target of targets) await store.removeGroup(urlGroup(target, call));
}

/** `new URL` that gives undefined for a malformed value (URL.parse is missing before Node 22.1). */
function parseUrl(value: string, base: string): URL | undefined {
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
}

/** The Vary field's names, lower case and sorted; '*' when it varies on everything (never stored). */
function varyNames(vary: string | null): string[] | '*' {
  if (!vary) return [];
  const names = vary
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  return names.includes('*') ? '*' : [...new Set(names)].sort();
}

/** The id of one variant: the per-user id plus a hash of the request's values for the Vary names. */
async function variantKey(hash: Hasher, base: string, vary: readonly string[], request: Request): Promise<string> {
  return `${base}.${(await hash(vary.map((name) => `${name}: ${request.headers.get(name) ?? ''}`).join('\n'))).slice(0, 32)}`;
}
