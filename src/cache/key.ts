/**
 * Cache and de-duplication keys: hashes of what makes two requests the same, never the credential
 * itself. Shared by httpCache and dedupe so both agree on "same request, same user".
 */
import type { CallInfo } from '../core/middleware.ts';

import { REDACTED } from '../core/redact.ts';
import { CREDENTIAL_HEADERS } from '../shared/header-value.ts';
import { sha256Hex } from '../shared/sha256.ts';

/**
 * Hashes text to hex; synchronous when the same text was hashed recently.
 * @example
 * const hash: Hasher = createHasher();
 */
export type Hasher = (text: string) => Promise<string> | string;

/**
 * A SHA-256 hasher that remembers its last `limit` results: a repeat request (every cache hit) costs a
 * Map lookup instead of a Web Crypto round trip (~10-100 us). The memo lives in this process only,
 * next to the credentials the client already holds; it is never stored or shown.
 * @example
 * const hash = createHasher();
 * const key = await hash(identityText(request, call));
 */
export function createHasher(limit = 1000): Hasher {
  // A text being hashed maps to its pending digest, so concurrent callers of one text share it and resume
  // together: dedupe's first caller then starts the flight before any other looks, however slow digests are.
  const memo = new Map<string, string | Promise<string>>();
  return (text) => {
    const known = memo.get(text);
    if (known !== undefined) return known;
    const pending = sha256Hex(text).then(
      (hex) => {
        if (memo.get(text) === pending) memo.set(text, hex);
        return hex;
      },
      (error: unknown) => {
        if (memo.get(text) === pending) memo.delete(text);
        throw error;
      },
    );
    memo.set(text, pending);
    // Oldest first out: bounded whatever the number of distinct requests.
    if (memo.size > limit) memo.delete(memo.keys().next().value!);
    return pending;
  };
}

/**
 * Throws a clear error where Web Crypto is missing (a browser page on plain http:), since keys need it.
 * @example
 * assertWebCrypto('httpCache');
 */
export function assertWebCrypto(what: string): void {
  if (typeof globalThis.crypto?.subtle?.digest !== 'function') {
    throw new TypeError(
      `sturdy/cache: ${what}() needs crypto.subtle (Web Crypto) to hash credentials into its keys; in a browser it exists only in secure contexts (https: or localhost)`,
    );
  }
}

/**
 * Is `name` a header that carries a credential on this attempt: fetch's own credential headers, one the
 * redactor knows, or one the call's auth strategy set (registered or not)?
 * @example
 * isCredentialHeader('authorization', call) // true
 */
export function isCredentialHeader(name: string, call: CallInfo): boolean {
  // Credential headers are always part of a key, whatever the client's redactor says.
  return (
    CREDENTIAL_HEADERS.includes(name) ||
    call.credential?.headers.includes(name) === true ||
    call.redact.isSensitiveHeader(name)
  );
}

/**
 * The URL without its fragment, which never reaches the server.
 * @example
 * requestUrl(new Request('https://a.example/x#top')) // 'https://a.example/x'
 */
export const requestUrl = (request: Request): string => {
  const hash = request.url.indexOf('#');
  return hash === -1 ? request.url : request.url.slice(0, hash);
};

/**
 * Who asks for what, as text to hash (never to store): the method, the full URL (a query API key is a
 * credential too), every credential header and the values of `headers` (names, lower case). Two
 * requests share a key only when all of these are equal.
 * @example
 * const key = await hash(identityText(request, call, ['accept']));
 */
export function identityText(request: Request, call: CallInfo, headers: readonly string[] = []): string {
  let text = `${request.method}\n${requestUrl(request)}\n`;
  // Headers iterate sorted and lower-cased, so the text does not depend on the order they were set in.
  for (const [name, value] of request.headers) if (isCredentialHeader(name, call)) text += `${name}: ${value}\n`;
  text += '\n';
  for (const name of headers) text += `${name}: ${request.headers.get(name) ?? ''}\n`;
  return text;
}

/**
 * What groups every entry stored for one URL, for any user: the URL redacted (no secret query value, the
 * call's strategy's own parameters included), so an unsafe method can invalidate every user's entry for it.
 * @example
 * const group = urlGroup('https://api.example.com/v1/orders/1?token=x', call); // '…/orders/1?token=[REDACTED]'
 */
export function urlGroup(url: string, call: CallInfo): string {
  const names = call.credential?.query;
  const start = url.indexOf('?');
  if (!names?.length || start === -1) return call.redact.url(url);
  // Pair by pair, so the rest of the query stays exactly as sent.
  const pairs = url
    .slice(start + 1)
    .split('&')
    .map((pair) => {
      const name = pair.split('=', 1)[0]!;
      return names.includes(decodeName(name)) ? `${name}=${REDACTED}` : pair;
    });
  return call.redact.url(`${url.slice(0, start)}?${pairs.join('&')}`);
}

/** A query parameter name as URLSearchParams reads it ('+' is a space); a malformed escape stays as it is. */
function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replaceAll('+', ' '));
  } catch {
    return name;
  }
}

/**
 * Headers as a plain object without credentials: what http-cache-semantics sees of a request and
 * what a stored entry keeps of a response (the key already separates credentials; no set-cookie is replayed).
 * @example
 * new CachePolicy({ method: 'GET', url, headers: withoutCredentials(request.headers, call) }, response);
 */
export function withoutCredentials(headers: Headers, call: CallInfo): Record<string, string> {
  const plain: Record<string, string> = {};
  for (const [name, value] of headers) if (!isCredentialHeader(name, call)) plain[name] = value;
  return plain;
}
