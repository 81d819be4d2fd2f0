import type { Options as KyOptions } from 'ky';

export type SearchParams = KyOptions['searchParams'];

/**
 * Resolves a call's URL with ky's rules: `prefix` is joined as a path, then
 * `new URL(input, baseUrl)`; `searchParams` are appended (undefined dropped).
 */
export function resolveUrl(input: string | URL, baseUrl: string | undefined, prefix: string | undefined, searchParams: SearchParams): URL {
  if (typeof input !== 'string' && !(input instanceof URL)) {
    throw new TypeError(`sturdy: the url must be a string or URL; got ${input === null ? 'null' : typeof input}`);
  }
  let text = typeof input === 'string' ? input : input.href;
  if (prefix) text = `${prefix.replace(/\/+$/, '')}/${text.replace(/^\/+/, '')}`;
  let url: URL;
  try {
    url = new URL(text, baseUrl ?? (globalThis as { location?: { href: string } }).location?.href);
  } catch {
    throw new TypeError(`sturdy: cannot resolve url ${JSON.stringify(text)}: pass an absolute URL or set the baseUrl option`);
  }
  if (searchParams !== undefined) appendSearchParams(url, searchParams);
  return url;
}

function appendSearchParams(url: URL, searchParams: NonNullable<SearchParams>): void {
  if (typeof searchParams === 'string') {
    for (const [name, value] of new URLSearchParams(searchParams)) url.searchParams.append(name, value);
    return;
  }
  const entries =
    searchParams instanceof URLSearchParams ? [...searchParams] : Array.isArray(searchParams) ? searchParams : Object.entries(searchParams);
  for (const [name, value] of entries as Array<[string, unknown]>) {
    if (value !== undefined) url.searchParams.append(String(name), String(value));
  }
}
