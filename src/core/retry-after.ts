/**
 * When the server asked us to come back, read by ky 2.1's rules (its retry-timing module, which ky does not
 * export): `Retry-After`, then `RateLimit-Reset`, `X-RateLimit-Retry-After`, `X-RateLimit-Reset`,
 * `X-Rate-Limit-Reset`; delta-seconds, an HTTP-date (IMF-fixdate, RFC 850, asctime; leap seconds, RFC 9110's
 * two-digit years), and for reset headers an epoch time. The retry rules and sturdy/limit both read it here, so
 * sturdy and ky agree on every header.
 */

/** The months as HTTP-dates name them, each at 4 * its index (0-11) + 1. */
const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
/**
 * IMF-fixdate, RFC 850 or asctime, each capturing day, month, year, hours, minutes, seconds in that order
 * (asctime's day and year through lookaheads); group 6 is RFC 850's two-digit year.
 */
const HTTP_DATE =
  /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d\d) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4})|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, (\d\d)-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-(\d\d)) (\d\d):(\d\d):(\d\d) GMT$|^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?=\w{3} (\d\d| \d))(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)(?=.* (\d{4})$) .. (\d\d):(\d\d):(\d\d) \d{4}$/;

/** What HTTP_DATE captures, as numbers (the month 0-11): the regex guarantees all seven. */
type DateParts = [
  whole: number,
  day: number,
  month: number,
  year: number,
  hours: number,
  minutes: number,
  seconds: number,
];

/**
 * An HTTP-date (RFC 9110 section 5.6.7) as epoch ms, or undefined: only the three forms the RFC names, always
 * GMT. An RFC 850 two-digit year is the latest century's that is not more than 50 years ahead.
 * @example
 * parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT') // 784111777000
 */
function parseHttpDate(value: string): number | undefined {
  // No match: every part is undefined, so no candidate below is a date.
  const match = HTTP_DATE.exec(value) ?? [];
  const [, day, month, year, hours, minutes, seconds] = match
    .filter(Boolean)
    .map((part) => (+part >= 0 ? +part : MONTH.indexOf(part) >> 2)) as DateParts;
  const now = new Date();
  const thisYear = now.getUTCFullYear();
  const century = thisYear - (thisYear % 100) + year;
  const latest = match[6] ? now.setUTCFullYear(thisYear + 50) : Infinity;
  return (match[6] ? [century + 100, century, century - 100] : [year])
    .map((year) => {
      // ky's checks: a real day of that month (Date.UTC reads years 0-99 as 19xx, as ky's does), :60 a leap second.
      const date = new Date(Date.UTC(year, month, day));
      return date.getUTCDate() === day && hours < 24 && minutes < 60 && seconds < 61
        ? date.setUTCFullYear(year) + ((hours * 60 + minutes) * 60 + seconds) * 1000
        : NaN;
    })
    .find((time) => time <= latest);
}

/** The headers that may say when to come back, in ky's order; those named `reset` may hold an epoch time. */
const TIMING_HEADERS = [
  'retry-after',
  'ratelimit-reset',
  'x-ratelimit-retry-after',
  'x-ratelimit-reset',
  'x-rate-limit-reset',
];

/**
 * The timing header that decides (the first one present, readable or not), or undefined when there is none.
 * @example
 * retryTimingHeader(new Headers({ 'retry-after': 'soon' })) // 'retry-after'
 */
export const retryTimingHeader = (headers: Headers): string | undefined =>
  TIMING_HEADERS.find((name) => headers.has(name));

/**
 * Milliseconds the server asked us to wait, or undefined when it named no wait (or named it in a form ky does
 * not read: then the usual backoff applies). The first timing header present decides.
 * @example
 * retryAfterMs(new Headers({ 'retry-after': '2' })) // 2000
 */
export function retryAfterMs(headers: Headers): number | undefined {
  const name = retryTimingHeader(headers);
  // No header reads 'undefined', and no date in it: NaN, as an empty or unreadable value.
  const value = String(name && headers.get(name));
  // Reset headers may hold an epoch time instead of a delay: values from 2024-01-01 on are times.
  const wait = /^\d+$/.test(value)
    ? +value * 1000 - (+value >= 1_704_067_200 && name!.includes('reset') ? Date.now() : 0)
    : Number(parseHttpDate(value)) - Date.now();
  return wait >= 0 ? wait : wait < 0 ? 0 : undefined;
}
