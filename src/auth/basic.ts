/**
 * `basic`: HTTP Basic authentication (RFC 7617) with UTF-8 credentials in every
 * runtime. `btoa` alone throws on characters outside Latin-1 (`✓`) and would
 * send Latin-1 for `é`, so the text is encoded to UTF-8 bytes first.
 */
import { optionError } from '../shared/option-error.ts';
import { checkCredential, type ScopeOptions, strategy } from './strategy.ts';
import type { AuthStrategy } from './types.ts';

/**
 * Options of `basic`: the user-id and password (any Unicode; no ':' in the user-id).
 * @example
 * { username: 'José', password: process.env.PASSWORD! }
 */
export type BasicOptions = ScopeOptions & { username: string; password: string };

/**
 * Base64 of the UTF-8 bytes of `text` (RFC 7617 section 2.1, charset UTF-8).
 * @example
 * utf8Base64('José:pässwörd✓') // 'Sm9zw6k6cMOkc3N3w7ZyZOKckw=='
 */
export function utf8Base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  // Chunked so a long value cannot overflow the argument limit of fromCharCode.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * The `Authorization` value for a user-id and password.
 * @example
 * basicCredentials('aladdin', 'open sesame') // 'Basic YWxhZGRpbjpvcGVuIHNlc2FtZQ=='
 */
export const basicCredentials = (username: string, password: string): string =>
  `Basic ${utf8Base64(`${username}:${password}`)}`;

/**
 * Sends `Authorization: Basic ...` to the client's credential origins.
 * @example
 * createClient({
 *   baseUrl: 'https://registry.example.com/',
 *   auth: basic({ username: process.env.REGISTRY_USER!, password: process.env.REGISTRY_PASSWORD! }),
 * });
 */
export function basic(options: BasicOptions): AuthStrategy {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('sturdy: basic() takes { username, password }');
  const { username, password } = options;
  // RFC 7617: the first colon ends the user-id; neither part may hold a control character. Neither is echoed.
  if (typeof username !== 'string' || /[:\0-\x1f\x7f]/.test(username))
    throw optionError('', 'basic({ username })', 'a string without ":" or control characters', username, 1);
  checkCredential(password, 'basic({ password })');
  if (/[\0-\x1f\x7f]/.test(password))
    throw optionError('', 'basic({ password })', 'a string without control characters', password, 1);
  const value = basicCredentials(username, password);
  return strategy('basic', options, {
    authorize({ headers }) {
      headers.set('authorization', value);
      return value;
    },
    register(redactor) {
      redactor.addSecret(password);
      redactor.addSecret(value.slice('Basic '.length));
    },
  });
}
