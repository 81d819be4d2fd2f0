/**
 * When the server asked us to come back, read by ky 2.1's rules (its retry-timing module, which ky does not
 * export): `Retry-After`, then `RateLimit-Reset`, `X-RateLimit-Retry-After`, `X-RateLimit-Reset`,
 * `X-Rate-Limit-Reset`; delta-seconds, an HTTP-date (IMF-fixdate, RFC 850, asctime; leap seconds, RFC 9110's
 * two-digit years), and for reset headers an epoch time. The retry rules and sturdy/limit both read it here, so
 * sturdy and ky agree on every header.
 */

const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day';
const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '(\\d\\d):(\\d\\d):(\\d\\d)';
const IMF_DATE = /* @__PURE__ */ new RegExp(`^${DAY}, (\\d\\d) ${MONTH} (\\d{4}) ${TIME} GMT$`);
const RFC850_DATE = /* @__PURE__ */ new RegExp(`^${LONG_DAY}, (\\d\\d)-${MONTH}-(\\d\\d) ${TIME} GMT$`);
const ASCTIME_DATE = /* @__PURE__ */ new RegExp(`^${DAY} ${MONTH} (\\d\\d| \\d) ${TIME} (\\d{4})$`);
/** Reset headers may hold an epoch time instead of a delay: values from this date on (ms) are times. */
const EPOCH_THRESHOLD_MS = 1_704_067_200_000; // Date.UTC(2024, 0, 1), a literal so bundlers can drop it unused

/** Epoch ms of a date's parts, or undefined when they do not name a real moment (Feb 30, hour 24); `:60` is a leap second. */
function utc(
  year: number,
  month: string,
  day: string,
  hours: string,
  minutes: string,
  seconds: string,
): number | undefined {
  const parts = [
    MONTHS.indexOf(month) / 3,
    Number(day),
    Number(hours),
    Number(minutes),
    Math.min(Number(seconds), 59),
  ] as const;
  const date = new Date(Date.UTC(2000, parts[0], parts[1], parts[2], parts[3], parts[4]));
  date.setUTCFullYear(year, parts[0], parts[1]);
  const real = [date.getUTCMonth(), date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()];
  if (date.getUTCFullYear() !== year || real.some((value, index) => value !== parts[index]) || Number(seconds) > 60)
    return undefined;
  return date.getTime() + (seconds === '60' ? 1000 : 0);
}

/**
 * An HTTP-date (RFC 9110 section 5.6.7) as epoch ms, or undefined: only the three forms the RFC names, always
 * GMT. An RFC 850 two-digit year is the latest century's that is not more than 50 years ahead.
 * @example
 * parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT') // 784111777000
 */
export function parseHttpDate(value: string, nowMs = Date.now()): number | undefined {
  let match = IMF_DATE.exec(value);
  if (match) return utc(Number(match[3]), match[2]!, match[1]!, match[4]!, match[5]!, match[6]!);
  match = ASCTIME_DATE.exec(value);
  if (match) return utc(Number(match[6]), match[1]!, match[2]!.trim(), match[3]!, match[4]!, match[5]!);
  match = RFC850_DATE.exec(value);
  if (!match) return undefined;
  const latest = new Date(nowMs);
  latest.setUTCFullYear(latest.getUTCFullYear() + 50);
  const century = Math.floor(new Date(nowMs).getUTCFullYear() / 100) * 100 + Number(match[3]);
  let found: number | undefined;
  for (const year of [century - 100, century, century + 100]) {
    const time = utc(year, match[2]!, match[1]!, match[4]!, match[5]!, match[6]!);
    if (time !== undefined && time <= latest.getTime()) found = time;
  }
  return found;
}

/** The headers that may say when to come back, in ky's order; `true`: the value may be an epoch time. */
const TIMING_HEADERS: ReadonlyArray<[string, boolean]> = [
  ['retry-after', false],
  ['ratelimit-reset', true],
  ['x-ratelimit-retry-after', false],
  ['x-ratelimit-reset', true],
  ['x-rate-limit-reset', true],
];

/**
 * Did the server send a timing header at all (readable or not)?
 * @example
 * hasRetryTiming(new Headers({ 'retry-after': 'soon' })) // true
 */
export const hasRetryTiming = (headers: Headers): boolean => TIMING_HEADERS.some(([name]) => headers.has(name));

/**
 * Milliseconds the server asked us to wait, or undefined when it named no wait (or named it in a form ky does
 * not read: then the usual backoff applies). The first timing header present decides.
 * @example
 * retryAfterMs(new Headers({ 'retry-after': '2' })) // 2000
 */
export function retryAfterMs(headers: Headers, nowMs = Date.now()): number | undefined {
  for (const [name, epoch] of TIMING_HEADERS) {
    const value = headers.get(name);
    if (value === null) continue;
    if (/^\d+$/.test(value)) {
      const ms = Number(value) * 1000;
      return Math.max(0, epoch && ms >= EPOCH_THRESHOLD_MS ? ms - nowMs : ms);
    }
    const date = parseHttpDate(value, nowMs);
    return date === undefined ? undefined : Math.max(0, date - nowMs);
  }
  return undefined;
}
