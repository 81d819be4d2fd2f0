/**
 * How long the server asked to wait, read as ky reads it (core/retry-timing.js; readme "retry",
 * `afterStatusCodes`): which header counts, delta-seconds and epoch resets, the three HTTP-date
 * forms with a leap second and RFC 850's two-digit years, and the fallback to the backoff for
 * anything else, through ky and through sturdy.
 *
 * A route answers 429 once with the header(s) under test, then 200. The wait is the gap between
 * the two requests as the server saw them: about 1 s when the header was read, the 10 ms backoff
 * of helpers/ky-compat.ts when it was not. The wall clock (Date only; timers stay real) is frozen
 * at NOW, so every date below is an exact distance from it.
 *
 * Scenarios sturdy does not pass yet run there as `test.fails`: helpers/ky-compat.ts PENDING_ON_STURDY.
 */
import { afterAll, beforeAll, describe, expect, vi } from 'vitest';
import { implementations, knownDifference, useServer, type MakeClient } from './helpers/ky-compat.ts';
import { elapsed, modes } from './helpers/server.ts';

const server = useServer();

/** Tuesday 7 July 2026, 11:59:59 UTC: one second before noon. */
const NOW = Date.UTC(2026, 6, 7, 11, 59, 59);
const NOW_SECONDS = NOW / 1000;

beforeAll(() => void vi.useFakeTimers({ toFake: ['Date'], now: NOW }));
afterAll(() => void vi.useRealTimers());

/** A wait of about one second: the server's header was read. */
const SERVER_WAIT = { atLeast: 950, below: 2_500 };
/** Far below a second: the header was not read and the 10 ms backoff was waited. */
const BACKOFF_BELOW = 700;

/** 429 with `headers` once, then 200 (or 413, 503: `status`). */
const answeredOnceWith = (headers: Record<string, string>, status = 429) =>
  server.route(
    'timing',
    modes.sequence([
      { status, headers, body: { status } },
      { status: 200, body: { ok: true } },
    ]),
  );

/** The ms between the first request and its retry; the call must succeed with exactly one retry. */
async function waitTaken(make: MakeClient, headers: Record<string, string>, options: { status?: number } = {}) {
  const route = answeredOnceWith(headers, options.status);
  const statuses = [413, 429, 503];
  const api = make({ baseUrl: server.url, retry: { limit: 1, statusCodes: statuses, afterStatusCodes: statuses } });
  const { error } = await elapsed(() => api.get(route.path.slice(1)).json());
  expect(error).toBeUndefined();
  const [first, retry] = route.received();
  expect(retry, 'the retry was sent').toBeDefined();
  return retry!.at - first!.at;
}

/** The call was not retried within 1.5 s (ky is still waiting, or the wait was too long to keep). */
async function notRetriedSoon(make: MakeClient, headers: Record<string, string>) {
  const route = answeredOnceWith(headers);
  const api = make({ baseUrl: server.url, retry: { limit: 1 }, signal: AbortSignal.timeout(1_500) });
  const { error, ms } = await elapsed(() => api.get(route.path.slice(1)).json());
  expect(error).toBeDefined();
  expect(ms).toBeLessThan(4_000);
  expect(route.received()).toHaveLength(1);
}

const expectServerWait = (ms: number) => {
  expect(ms).toBeGreaterThanOrEqual(SERVER_WAIT.atLeast);
  expect(ms).toBeLessThan(SERVER_WAIT.below);
};

// Scenarios mostly sleep through the server's wait: run them side by side (the clock is frozen once for all).
describe.concurrent.each(implementations)('%s', (name, make) => {
  const scenario = knownDifference(name);

  describe('delta-seconds', () => {
    for (const header of [
      'Retry-After',
      'RateLimit-Reset',
      'X-RateLimit-Retry-After',
      'X-RateLimit-Reset',
      'X-Rate-Limit-Reset',
    ])
      scenario(`${header}: 1 is a wait of one second`, async () => {
        expectServerWait(await waitTaken(make, { [header]: '1' }));
      });
  });

  describe('delta-seconds that look like a time since the epoch', () => {
    for (const header of ['Retry-After', 'X-RateLimit-Retry-After'])
      scenario(`${header}: a number as large as a time since the epoch is still delta-seconds`, async () => {
        await notRetriedSoon(make, { [header]: String(NOW_SECONDS + 1) });
      });
  });

  describe('epoch seconds', () => {
    for (const header of ['RateLimit-Reset', 'X-RateLimit-Reset', 'X-Rate-Limit-Reset'])
      scenario(`${header}: a time since the epoch is a wait until then`, async () => {
        expectServerWait(await waitTaken(make, { [header]: String(NOW_SECONDS + 1) }));
      });
  });

  describe('which header counts', () => {
    scenario('Retry-After wins over the reset headers, even when it is not a wait', async () => {
      expectServerWait(await waitTaken(make, { 'Retry-After': '1', 'RateLimit-Reset': '3' }));
      expect(await waitTaken(make, { 'Retry-After': 'soon', 'RateLimit-Reset': '3' })).toBeLessThan(BACKOFF_BELOW);
    });

    scenario('X-RateLimit-Retry-After counts after RateLimit-Reset and before X-RateLimit-Reset', async () => {
      expectServerWait(await waitTaken(make, { 'RateLimit-Reset': '1', 'X-RateLimit-Retry-After': '3' }));
      expectServerWait(await waitTaken(make, { 'X-RateLimit-Retry-After': '1', 'X-RateLimit-Reset': '3' }));
    });

    scenario('an empty RateLimit-Reset falls back to the backoff, not to a later reset header', async () => {
      expect(await waitTaken(make, { 'RateLimit-Reset': '', 'X-RateLimit-Reset': '3' })).toBeLessThan(BACKOFF_BELOW);
    });

    scenario('a reset header is a wait whatever RateLimit-Remaining says', async () => {
      expectServerWait(await waitTaken(make, { 'RateLimit-Remaining': '5', 'RateLimit-Reset': '1' }));
      expectServerWait(await waitTaken(make, { 'X-RateLimit-Remaining': '5', 'X-RateLimit-Reset': '1' }));
    });
  });

  describe('HTTP-dates', () => {
    scenario('IMF-fixdate', async () => {
      expectServerWait(await waitTaken(make, { 'Retry-After': 'Tue, 07 Jul 2026 12:00:00 GMT' }));
    });

    scenario('a leap second (:60) is the second after :59', async () => {
      expectServerWait(await waitTaken(make, { 'Retry-After': 'Tue, 07 Jul 2026 11:59:60 GMT' }));
    });

    scenario('asctime, with its space-padded day, is GMT', async () => {
      expectServerWait(await waitTaken(make, { 'Retry-After': 'Tue Jul  7 12:00:00 2026' }));
    });

    scenario('RFC 850 with a two-digit year in this century', async () => {
      expectServerWait(await waitTaken(make, { 'Retry-After': 'Tuesday, 07-Jul-26 12:00:00 GMT' }));
    });

    scenario('RFC 850: a two-digit year more than 50 years ahead, by a second, is in the past', async () => {
      // 2076-07-07 12:00:00 is one second past NOW + 50 years: it means 1976, so the retry goes at once.
      expect(await waitTaken(make, { 'Retry-After': 'Tuesday, 07-Jul-76 12:00:00 GMT' })).toBeLessThan(BACKOFF_BELOW);
    });

    scenario('RFC 850: a two-digit year exactly 50 years ahead is in the future', async () => {
      await notRetriedSoon(make, { 'Retry-After': 'Tuesday, 07-Jul-76 11:59:59 GMT' });
    });

    scenario('a date already past is a wait of 0', async () => {
      expect(await waitTaken(make, { 'Retry-After': 'Tue, 07 Jul 2026 11:00:00 GMT' })).toBeLessThan(BACKOFF_BELOW);
    });
  });

  describe('anything else falls back to the backoff', () => {
    const notAWait = [
      'Tue, 7 Jul 2026 12:00:00 GMT',
      'Tue, 07 Jul 2026 12:00:00 UTC',
      'Tue, 07 Jul 2026 12:00:00 +0000',
      'tue, 07 jul 2026 12:00:00 gmt',
      '2026-07-07T12:00:00Z',
      'Tuesday, 07-Jul-2026 12:00:00 GMT',
      'Tue, 31 Feb 2026 12:00:00 GMT',
      'Tue, 07 Jul 2026 24:00:00 GMT',
      'Sun Nov 06 1994 08:49:37 GMT',
      'not-a-valid-value',
      '',
      '0x10',
      '1e3',
      '1.5',
      '-1',
    ];
    scenario('a non-standard date or number in Retry-After', async () => {
      for (const value of notAWait)
        expect(await waitTaken(make, { 'Retry-After': value }), value).toBeLessThan(BACKOFF_BELOW);
    });

    scenario('a 413 whose Retry-After is not a wait is still retried, after the backoff', async () => {
      expect(await waitTaken(make, { 'Retry-After': 'soon' }, { status: 413 })).toBeLessThan(BACKOFF_BELOW);
    });
  });
});
