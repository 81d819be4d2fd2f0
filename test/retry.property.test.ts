import fc from 'fast-check';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createClient, HTTPError, type SturdyEvent } from '../src/index.ts';
import { backoff, normalizeRetry, RETRY_DEFAULTS } from '../src/core/retry.ts';

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
