/**
 * Can `value` not travel as a header value? CR and LF would break out of its header line (injection); NUL and
 * the other control characters but tab are outside HTTP's field-value (RFC 9110), and fetch or the socket
 * refuses them. The one rule for every header value sturdy is given or sends back: `headers`,
 * `idempotencyKey`, a strategy's credential, an event stream's Last-Event-ID.
 * @example
 * breaksHeader('abc\r\nX-Evil: 1') // true
 * breaksHeader('id\x01') // true: undici fails the request with "invalid header"
 */
export const breaksHeader = (value: string): boolean => /[\0-\x08\n-\x1f\x7f]/.test(value);

/** The headers fetch itself sends credentials in: always stripped when a redirect leaves, always part of a cache key. */
export const CREDENTIAL_HEADERS: readonly string[] = ['authorization', 'proxy-authorization', 'cookie'];
