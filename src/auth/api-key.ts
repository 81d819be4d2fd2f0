/**
 * `apiKey`: a fixed key in a header (default `X-API-Key`) or a query parameter.
 */
import { optionError } from '../shared/option-error.ts';
import { checkCredential, type ScopeOptions, strategy } from './strategy.ts';
import type { AuthStrategy } from './types.ts';

/**
 * The header the key goes in unless `header` or `query` says otherwise.
 * @example
 * apiKey({ key }) // sends X-API-Key: <key>
 */
const DEFAULT_API_KEY_HEADER = 'X-API-Key';

/**
 * Options of `apiKey`: the key, and either the header or the query parameter
 * that carries it. A header is the safer choice: URLs end up in logs.
 * @example
 * { key: process.env.API_KEY!, header: 'X-Api-Token' } // or { key, query: 'api_key' }
 */
export type ApiKeyOptions = ScopeOptions & { key: string } & (
    | { /** Header name. @default 'X-API-Key' */ header?: string; query?: undefined }
    | { /** Query parameter name, like `api_key`. */ query: string; header?: undefined }
  );

const TOKEN_CHARS = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Sends a fixed API key to the client's credential origins.
 * @example
 * createClient({ baseUrl: 'https://api.example.com/', auth: apiKey({ key: process.env.API_KEY! }) });
 * createClient({ baseUrl: 'https://maps.example.com/', auth: apiKey({ key: process.env.MAPS_KEY!, query: 'key' }) });
 */
export function apiKey(options: ApiKeyOptions): AuthStrategy {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('sturdy: apiKey() takes { key, header } or { key, query }');
  const key = checkCredential(options.key, 'apiKey({ key })');
  const { query } = options;
  if (query !== undefined && options.header !== undefined) {
    throw new TypeError('sturdy: apiKey() takes either `header` or `query`, not both');
  }
  if (query !== undefined && (typeof query !== 'string' || query === ''))
    throw optionError('', 'apiKey({ query })', "a parameter name like 'api_key'", query);
  const header = options.header ?? DEFAULT_API_KEY_HEADER;
  if (query === undefined && (typeof header !== 'string' || !TOKEN_CHARS.test(header)))
    throw optionError('', 'apiKey({ header })', "a header name like 'X-API-Key'", header);
  return strategy('apiKey', options, {
    authorize({ url, headers }) {
      if (query === undefined) headers.set(header, key);
      else url.searchParams.set(query, key);
      return key;
    },
    register(redactor) {
      redactor.addSecret(key);
      if (query === undefined) redactor.addHeader(header);
      else redactor.addQuery(query);
    },
  });
}
