/**
 * Would `value` break out of its header line (CR, LF) or be refused by fetch's Headers (NUL)? The one
 * rule for every header value sturdy is given: `headers`, `idempotencyKey`, a strategy's credential.
 * @example
 * breaksHeader('abc\r\nX-Evil: 1') // true
 */
export const breaksHeader = (value: string): boolean => /[\r\n\0]/.test(value);

/** The headers fetch itself sends credentials in: always stripped when a redirect leaves, always part of a cache key. */
export const CREDENTIAL_HEADERS: readonly string[] = ['authorization', 'proxy-authorization', 'cookie'];
