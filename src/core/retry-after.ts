/**
 * When the server asked us to come back: `Retry-After` (RFC 9110: delta-seconds or an
 * HTTP-date, strictly) and the rate-limit reset headers. Used by the retry rules and by
 * flow control (sturdy/limit), so both read a server's wait the same way.
 */

/** Reset headers (not Retry-After) may hold an epoch time instead of a delay: values past this are dates. */
const EPOCH_THRESHOLD_MS = 1_704_067_200_000; // Date.UTC(2024, 0, 1), as a literal so bundlers can drop it unused
const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';
// RFC 9110 HTTP-date: IMF-fixdate, and the obsolete RFC 850 and asctime forms; all in GMT.
const IMF_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC850_DATE =
  /^(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ( \d|\d{2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

const utc = (
  year: number,
  month: string,
  day: string,
  hours: string,
  minutes: string,
  seconds: string,
): number | undefined => {
  const monthIndex = MONTHS.indexOf(month) / 3;
  if (!Number.isInteger(monthIndex) || Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 60)
    return undefined;
  const time = Date.UTC(year, monthIndex, Number(day), Number(hours), Number(minutes), Math.min(Number(seconds), 59));
  // Date.UTC rolls Feb 30 into March: a date that does not round-trip is not a date.
  return new Date(time).getUTCDate() === Number(day) ? time : undefined;
};

/**
 * An HTTP-date (RFC 9110 section 5.6.7) as epoch ms, or undefined: only the three forms the RFC
 * names, always GMT (asctime dates are GMT too, never local time).
 * @example
 * parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT') // 784111777000
 */
export function parseHttpDate(value: string, nowMs = Date.now()): number | undefined {
  let match = IMF_DATE.exec(value);
  if (match) return utc(Number(match[3]), match[2]!, match[1]!, match[4]!, match[5]!, match[6]!);
  match = RFC850_DATE.exec(value);
  if (match) {
    // Two-digit years: the latest century that is not more than 50 years ahead (RFC 9110).
    const now = new Date(nowMs).getUTCFullYear();
    let year = Math.floor(now / 100) * 100 + Number(match[3]);
    if (year > now + 50) year -= 100;
    return utc(year, match[2]!, match[1]!, match[4]!, match[5]!, match[6]!);
  }
  match = ASCTIME_DATE.exec(value);
  if (match) return utc(Number(match[6]), match[1]!, match[2]!.trim(), match[3]!, match[4]!, match[5]!);
  return undefined;
}

/** `value` as a wait in ms: delta-seconds (integers), an HTTP-date, or (reset headers only) an epoch time. */
function parseWait(value: string, nowMs: number, epochAllowed: boolean): number | undefined {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    const ms = Number(trimmed) * 1000;
    // Retry-After numbers are always delta-seconds (RFC 9110); only reset headers carry epoch seconds.
    return epochAllowed && ms >= EPOCH_THRESHOLD_MS ? Math.max(0, ms - nowMs) : ms;
  }
  const date = parseHttpDate(trimmed, nowMs);
  return date === undefined ? undefined : Math.max(0, date - nowMs);
}

/**
 * Milliseconds the server asked us to wait, or undefined: `Retry-After`
 * (delta-seconds or HTTP-date) first, then rate-limit reset headers
 * (`RateLimit: ...;t=N`, `RateLimit-Reset`, `X-RateLimit-Reset`, delay or epoch),
 * which count only when no quota is left (a 503 from an API that reports a
 * quota on every response is not a rate limit).
 * @example
 * retryAfterMs(new Headers({ 'retry-after': '2' })) // 2000
 */
export function retryAfterMs(headers: Headers, nowMs = Date.now()): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null) return parseWait(retryAfter, nowMs, false);
  // IETF draft: `RateLimit: "default";r=0;t=30` (draft 8+) or `limit=10, remaining=0, reset=30` (draft 7).
  const structured = headers.get('ratelimit') ?? '';
  const param = (names: string) => new RegExp(`(?:^|[;,\\s])(?:${names})=(\\d+)`).exec(structured)?.[1];
  const remaining =
    param('r|remaining') ??
    headers.get('ratelimit-remaining') ??
    headers.get('x-ratelimit-remaining') ??
    headers.get('x-rate-limit-remaining');
  if (remaining != null && Number(remaining) > 0) return undefined;
  const reset =
    param('t|reset') ??
    headers.get('ratelimit-reset') ??
    headers.get('x-ratelimit-reset') ??
    headers.get('x-rate-limit-reset');
  return reset === null ? undefined : parseWait(reset, nowMs, true);
}
