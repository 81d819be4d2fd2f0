/**
 * The walk from page to page: each page is one call of the client (so it gets retries, auth and
 * its scoping), fetched only when the consumer asks past the previous page's items.
 */
import type { Input, SturdyClient } from '../core/client.ts';
import { ValidationError, isValidationError } from '../core/errors.ts';
import type { CallInfo, Middleware } from '../core/middleware.ts';
import { defaultRedactor } from '../core/redact.ts';
import { redactorOf } from '../core/response.ts';
import { validate } from '../core/schema.ts';
import { PaginationError } from './errors.ts';
import { findLink } from './link.ts';
import type { NextPage, PageCallOptions, PageSettings, PaginatedPage } from './options.ts';

/**
 * What the client must offer: `request` (and its options, for a URL when a response has none).
 * @example
 * const api: Pageable = createClient({ baseUrl: 'https://api.example.com/v1/' });
 */
export type Pageable = Pick<SturdyClient, 'request'> & { readonly options?: SturdyClient['options'] };

type PageRequest = { input: Input; options: PageCallOptions };
/** The client's redactor, as a middleware's CallInfo or a branded Response carries it. */
type PageRedactor = { url(url: string | URL): string; text(text: string): string };
/** Each URL fetched (as sent: without its fragment), with the number of the page it gave; bounded by maxPages. */
type Seen = Map<string, number>;

/** A URL as it goes on the wire: the `#fragment` never leaves the client, so links differing only there are one request. */
const asSent = (url: string): string => {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
};

const loopError = (redact: PageRedactor, url: string, page: number, first: number) => {
  const shown = redact.url(url);
  return new PaginationError(
    'loop',
    `sturdy/paginate: page ${page} would fetch ${shown} again (it was page ${first}): the next links loop`,
    { page, url: shown },
  );
};

/**
 * The pages of a listing, lazily: page n+1 is requested only when the consumer asks for more after page n.
 * @example
 * for await (const { items } of walkPages(api, 'orders', checkPaginateOptions({}))) console.log(items.length);
 */
export async function* walkPages(
  api: Pageable,
  input: Input,
  settings: PageSettings,
): AsyncGenerator<PaginatedPage<unknown, unknown>, void, undefined> {
  const { call, maxPages, maxItems } = settings;
  const seen: Seen = new Map();
  let request: PageRequest | undefined = { input, options: call };
  let count = 0;
  for (let number = 1; request && count < maxItems; number += 1) {
    call.signal?.throwIfAborted();
    const fetched = await fetchPage(api, request, number, seen, settings);
    let items = selectItems(settings, fetched.page, number);
    if (items.length > maxItems - count) items = items.slice(0, maxItems - count);
    count += items.length;
    yield { ...fetched, items };
    if (count >= maxItems) return;
    request = await following(settings, fetched, input);
    if (request && number >= maxPages) {
      const shown = fetched.redact.url(typeof request.input === 'string' ? request.input : request.input.href);
      const message = `sturdy/paginate: there is a page ${number + 1} at ${shown} beyond maxPages (${maxPages}); raise maxPages, or use maxItems or break to stop early on purpose`;
      throw new PaginationError('maxPages', message, { page: number + 1, url: shown });
    }
  }
}

type Fetched = PaginatedPage<unknown, never> & { redact: PageRedactor };

/** One page through the whole call pipeline, with its URL checked against the ones already fetched. */
async function fetchPage(
  api: Pageable,
  request: PageRequest,
  number: number,
  seen: Seen,
  settings: PageSettings,
): Promise<Fetched> {
  let info: CallInfo | undefined;
  let sent: string | undefined;
  let refused: PaginationError | undefined;
  // Innermost of the call's middleware: sees the URL about to be sent (credentials on), before the server does.
  const capture: Middleware = (outgoing, next, call) => {
    if (refused) throw refused;
    if (sent === undefined) {
      info = call;
      sent = asSent(outgoing.url);
      const first = seen.get(sent);
      if (first !== undefined) throw (refused = loopError(call.redact, sent, number, first));
      seen.set(sent, number);
    }
    return next(outgoing);
  };
  const promise = api.request(request.input, { ...request.options, use: [...(request.options.use ?? []), capture] });
  const response = await promise;
  try {
    const redact: PageRedactor = info?.redact ?? redactorOf(response) ?? defaultRedactor;
    const url = pageUrl(response, sent, request.input, api);
    // A middleware outside ours (a cache) answered: the response's URL is all we can check.
    if (sent === undefined) {
      const key = asSent(url.href);
      const first = seen.get(key);
      if (first !== undefined) throw loopError(redact, key, number, first);
      seen.set(key, number);
    }
    const data = await promise.json();
    const page = settings.schema
      ? await validatePage(settings.schema, data, response, { number, url, redact, info })
      : data;
    return { page, items: [], response, url, number, redact };
  } finally {
    // Stopped before reading it (a loop): the unread body would hold the connection.
    if (!response.bodyUsed) await response.body?.cancel().catch(() => {});
  }
}

/** A page that fails its schema: a ValidationError naming the page, worded with the client's redaction rules. */
async function validatePage(
  schema: NonNullable<PageSettings['schema']>,
  data: unknown,
  response: Response,
  page: { number: number; url: URL; redact: PageRedactor; info: CallInfo | undefined },
) {
  try {
    return await validate(schema, data, 'response');
  } catch (error) {
    if (!isValidationError(error)) throw error;
    const { number, redact } = page;
    const url = redact.url(page.url);
    // Issues may quote the server's values: the client's redactor knows secrets the default one does not.
    const issues = error.issues.map((issue) => ({ path: issue.path, message: redact.text(issue.message) }));
    const named = Object.assign(
      new ValidationError('response', issues, { status: response.status, what: `page ${number} from ${url}` }),
      { page: number, url },
    );
    page.info?.emit({ type: 'error', status: response.status, reason: `${named.name}: ${named.message}` });
    throw named;
  }
}

/** The page's URL: the response's (after redirects), else the one sent, else the input against baseUrl. */
function pageUrl(response: Response, sent: string | undefined, input: Input, api: Pageable): URL {
  const known = response.url || sent;
  if (known) return new URL(known);
  return new URL(input, api.options?.baseUrl ?? (globalThis as { location?: { href: string } }).location?.href);
}

function selectItems(settings: PageSettings, page: unknown, number: number): readonly unknown[] {
  const items = settings.items ? settings.items(page) : page;
  if (!Array.isArray(items)) {
    const got = items === null ? 'null' : typeof items;
    const what = settings.items
      ? 'option `items` must return an array'
      : 'a page must be an array unless option `items` picks its items (items: (page) => page.data)';
    throw new TypeError(`sturdy/paginate: ${what}; page ${number} gave ${got}`);
  }
  return items;
}

/** The request for the page after `fetched`, or undefined after the last one. */
async function following(
  settings: PageSettings,
  fetched: Fetched,
  firstInput: Input,
): Promise<PageRequest | undefined> {
  const { call, next } = settings;
  if (next === 'link') {
    const link = findLink(fetched.response.headers.get('link'), 'next', fetched.url);
    return link && urlRequest(link, call);
  }
  const result: NextPage = await next({
    response: fetched.response,
    page: fetched.page,
    url: fetched.url,
    number: fetched.number,
  });
  if (result === undefined || result === null || result === false) return undefined;
  if (result instanceof URL || (typeof result === 'string' && result !== '')) return urlRequest(result, call);
  if (typeof result === 'object' && !Array.isArray(result))
    return { input: firstInput, options: mergePageOptions(call, result) };
  const got = result === '' ? 'an empty string' : typeof result;
  throw new TypeError(
    `sturdy/paginate: option \`next\` must return the next URL, call options ({ searchParams: { cursor } }) or undefined after the last page; got ${got}`,
  );
}

/**
 * A next page given as a URL: a GET of exactly that URL (a link is complete, so neither the call's
 * nor the client's searchParams are added again, and an absolute one gets no `prefix`).
 */
function urlRequest(target: string | URL, call: PageCallOptions): PageRequest {
  const { searchParams: _searchParams, json: _json, body: _body, method: _method, ...rest } = call;
  const absolute = target instanceof URL ? target : URL.canParse(target) ? new URL(target) : undefined;
  const options = { ...rest, method: 'get', searchParams: undefined, ...(absolute ? { prefix: undefined } : {}) };
  return { input: absolute ?? target, options: options as PageCallOptions };
}

type Entries = Array<[string, unknown]>;
const entriesOf = (values: object | string): Entries =>
  typeof values === 'string' || values instanceof URLSearchParams
    ? [...new URLSearchParams(values)]
    : values instanceof Headers || Array.isArray(values)
      ? [...(values as Iterable<[string, unknown]>)]
      : Object.entries(values);

/** Entries of `extra` replace those of `base` by name; an undefined value removes the name. */
function byName(base: object | string, extra: object | string, caseless: boolean): Entries {
  const key = (name: string) => (caseless ? name.toLowerCase() : name);
  const replaced = new Set(entriesOf(extra).map(([name]) => key(name)));
  const kept = entriesOf(base).filter(([name]) => !replaced.has(key(name)));
  return [...kept, ...entriesOf(extra)].filter(([, value]) => value !== undefined);
}

/**
 * A next page's call options over the first page's: `searchParams` and `headers` merge by name (so
 * `{ searchParams: { cursor } }` keeps `limit`), every other option is replaced.
 */
function mergePageOptions(base: PageCallOptions, extra: PageCallOptions): PageCallOptions {
  const merged: PageCallOptions = { ...base, ...extra };
  if (base.searchParams && extra.searchParams) {
    merged.searchParams = new URLSearchParams(
      byName(base.searchParams, extra.searchParams, false).map(([name, value]) => [name, String(value)]),
    );
  }
  if (base.headers && extra.headers)
    merged.headers = byName(base.headers, extra.headers, true) as Array<[string, string]>;
  return merged;
}
