import fc from 'fast-check';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createClient, HTTPError, type SturdyEvent } from '../src/index.ts';
import { backoff, normalizeRetry, RETRY_DEFAULTS, retryAfterMs } from '../src/core/retry.ts';
// ky does not export its retry-timing module: sturdy's reading of the same headers is checked against it.
import { calculateRetryTimingDelay, getRetryTimingHeader } from '../node_modules/ky/distribution/core/retry-timing.js';

// msw here (not the real server): hundreds of generated calls, each a sequence of statuses.
const sequences = new Map<string, number[]>();
const received = new Map<string, Request[]>();
const server = setupServer(
  http.all('https://api.test/:run', ({ request, params }) => {
    const run = String(params.run);
    const seen = received.get(run) ?? [];
    seen.push(request);
    received.set(run, seen);
    const statuses = sequences.get(run)!;
    const status = statuses[Math.min(seen.length - 1, statuses.length - 1)]!;
    return new HttpResponse(status === 204 ? null : JSON.stringify({ status }), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  }),
);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());

const status = fc.constantFrom(
  200,
  201,
  204,
  400,
  401,
  403,
  404,
  408,
  409,
  413,
  422,
  425,
  429,
  500,
  501,
  502,
  503,
  504,
);
const retryable = (code: number) => RETRY_DEFAULTS.statusCodes.includes(code);
const ok = (code: number) => code >= 200 && code < 300;
/** A jitter that may misbehave (negative, too large, NaN): sturdy must still keep the wait in [0, backoffLimit]. */
const jitter = fc.oneof(
  fc.constant(true as const),
  fc.constant(false as const),
  fc
    .oneof(fc.double({ min: -2, max: 3, noNaN: true }), fc.constant(Number.NaN))
    .map((factor) => (delay: number) => delay * factor),
);

describe('retry properties', () => {
  test('for any status sequence: attempts <= limit + 1, only retryable statuses are retried, waits within [0, backoffLimit]', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(status, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 5 }),
        fc.constantFrom('get', 'put', 'delete', 'post', 'patch'),
        fc.boolean(),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 0, max: 40 }),
        jitter,
        async (statuses, limit, method, withKey, backoffLimit, delayBase, jitterOption) => {
          const run = `run-${(runs += 1)}`;
          sequences.set(run, statuses);
          const events: SturdyEvent[] = [];
          const api = createClient({
            baseUrl: 'https://api.test/',
            retry: { limit, backoffLimit, delay: (n) => delayBase * 2 ** (n - 1), jitter: jitterOption },
            onEvent: (event) => events.push(event),
          });
          const outcome = await api[method](run, {
            ...(method === 'get' ? {} : { json: { run } }),
            ...(withKey ? {} : { idempotencyKey: false }),
          }).then(
            (response) => response.status,
            (error: unknown) => error,
          );

          const attempts = received.get(run) ?? [];
          const sent = attempts.map((_, index) => statuses[Math.min(index, statuses.length - 1)]!);
          const replayable = !['post', 'patch'].includes(method) || withKey;
          expect(attempts.length).toBeGreaterThanOrEqual(1);
          expect(attempts.length).toBeLessThanOrEqual(limit + 1);
          // A 409 to a repeat of a keyed POST/PATCH means "still in progress" (Idempotency-Key draft): retried too.
          const inProgress = (code: number, index: number) =>
            code === 409 && index > 0 && ['post', 'patch'].includes(method) && withKey;
          // Every answer that was followed by another attempt was a retryable failure of a replayable call.
          sent
            .slice(0, -1)
            .forEach((code, index) => expect(replayable && (retryable(code) || inProgress(code, index))).toBe(true));
          // The call stops at a success, a non-retryable status, or the limit; the caller sees that last answer.
          const last = sent.at(-1)!;
          expect(
            ok(last) ||
              !(retryable(last) || inProgress(last, sent.length - 1)) ||
              !replayable ||
              attempts.length === limit + 1,
          ).toBe(true);
          if (ok(last)) expect(outcome).toBe(last);
          else expect((outcome as HTTPError).response.status).toBe(last);
          const keys = new Set(attempts.map((request) => request.headers.get('idempotency-key')));
          expect(keys.size).toBe(1);
          for (const event of events.filter((item) => item.type === 'retry')) {
            expect(event.delayMs).toBeGreaterThanOrEqual(0);
            expect(event.delayMs).toBeLessThanOrEqual(backoffLimit);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  test('with the default delays (300 ms doubling, 10 s cap) every backoff is within [0, backoffLimit]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.option(fc.integer({ min: 0, max: 60_000 }), { nil: undefined }),
        jitter,
        (retryCount, backoffLimit, jitterOption) => {
          const retry = normalizeRetry({
            jitter: jitterOption,
            ...(backoffLimit === undefined ? {} : { backoffLimit }),
          });
          const wait = backoff(retryCount, retry);
          expect(wait).toBeGreaterThanOrEqual(0);
          expect(wait).toBeLessThanOrEqual(retry.backoffLimit);
          if (jitterOption === false) expect(wait).toBe(Math.min(retry.backoffLimit, 300 * 2 ** (retryCount - 1)));
        },
      ),
    );
  });
});

describe("server waits are read exactly as ky 2.1's retry-timing module reads them", () => {
  const pick = <T>(...items: T[]) => fc.constantFrom(...items);
  const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
  const day = fc.oneof(two, pick('28', '29', '30', '31', '00', '32', ' 7', '7', '07'));
  const month = pick('Jan', 'Feb', 'Apr', 'Jun', 'Dec', 'jan', 'Foo', 'Sept');
  const year = fc.oneof(pick('0000', '0004', '0100', '1900', '2000', '2024', '2026', '2100', '9999'), two);
  const time = fc
    .tuple(pick('00', '12', '23', '24', '99'), pick('00', '59', '60'), pick('00', '37', '59', '60', '61', '99'))
    .map((parts) => parts.join(':'));
  const short = pick('Sun', 'Tue', 'Wed', 'Xyz', 'Tues');
  const long = pick('Sunday', 'Tuesday', 'Wednesday', 'Wednesdays', 'Tueday', 'Satday', 'Saturday');
  const date = fc.oneof(
    fc.tuple(short, day, month, year, time).map(([w, d, m, y, t]) => `${w}, ${d} ${m} ${y} ${t} GMT`),
    fc.tuple(long, day, month, year, time).map(([w, d, m, y, t]) => `${w}, ${d}-${m}-${y} ${t} GMT`),
    fc.tuple(short, month, day, time, year).map(([w, m, d, t, y]) => `${w} ${m} ${d} ${t} ${y}`),
  );
  const value = fc.oneof(
    date,
    date.map((text) => text.replace(' ', '  ')),
    date.map((text) => `${text} `),
    fc.nat().map(String),
    fc.integer({ min: 1_704_000_000, max: 1_900_000_000 }).map(String),
    pick('', '0', '1', '00', '1.5', '-1', '1e3', '0x10', ' 1', '99999999999999999999999'),
    fc.string(),
  );
  const header = pick(
    'retry-after',
    'ratelimit-reset',
    'x-ratelimit-retry-after',
    'x-ratelimit-reset',
    'x-rate-limit-reset',
  );

  test('for any timing headers and any clock (ky reads its own clock: Date is faked)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(header, value, { maxKeys: 3 }),
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2140, 0, 1) }),
        (fields, now) => {
          vi.useFakeTimers({ toFake: ['Date'], now });
          try {
            const headers = new Headers(fields);
            const timing = getRetryTimingHeader(headers);
            const expected = timing && calculateRetryTimingDelay(timing);
            expect(retryAfterMs(headers), JSON.stringify(fields)).toBe(expected);
          } finally {
            vi.useRealTimers();
          }
        },
      ),
      { numRuns: 5_000 },
    );
  });

  test('every date form over the edges (Feb 29, year 0000 read by ky as 1900, :60, hour 24), at clocks near a century', () => {
    const forms = (d: string, m: string, y: string, t: string) => [
      `Tue, ${d} ${m} ${y} ${t} GMT`,
      `Tue ${m} ${d.replace(/^0/, ' ')} ${t} ${y}`,
      `Tuesday, ${d}-${m}-${y.slice(2)} ${t} GMT`,
    ];
    let dates = 0;
    for (const now of [
      Date.UTC(2026, 6, 7, 12),
      Date.UTC(2099, 1, 28, 12),
      Date.UTC(2000, 1, 29),
      Date.UTC(2049, 11, 31, 23, 59, 59),
    ]) {
      vi.useFakeTimers({ toFake: ['Date'], now });
      try {
        for (const y of ['0000', '0004', '0099', '0100', '1900', '2000', '2024', '2049', '2050', '2100', '9999'])
          for (const m of ['Jan', 'Feb', 'Mar', 'Dec'])
            for (const d of ['00', '01', '28', '29', '30', '31', '32'])
              for (const t of ['00:00:00', '23:59:60', '24:00:00', '12:60:00', '12:00:61', '12:00:59'])
                for (const value of forms(d, m, y, t)) {
                  const wait = retryAfterMs(new Headers({ 'retry-after': value }));
                  expect(wait, value).toBe(calculateRetryTimingDelay({ value, allowTimestamp: false }));
                  if (wait !== undefined) dates += 1;
                }
      } finally {
        vi.useRealTimers();
      }
    }
    // The grid is not all rejects: thousands of dates were read (and agreed).
    expect(dates).toBeGreaterThan(5_000);
  });
});
