/**
 * The shared token cache on a fake clock: the 30 s skew, single flight, and
 * the 401 rule (one refresh per token, replaced tokens repeat at once), and
 * what a failed refresh leaves behind. (A caller's abort is the credential policy's: auth.test.ts.)
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { bearerFrom, EXPIRY_SKEW_MS, type TokenGrant } from '../src/auth/token-cache.ts';
import { tokenCache } from './helpers/token-fetch.ts';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['performance', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A loader issuing `t1`, `t2`, ... with `expiresIn`, recording each `refresh` flag. */
const counting = (expiresIn?: number) => {
  const loads: boolean[] = [];
  const load = async (refresh: boolean): Promise<TokenGrant> => {
    loads.push(refresh);
    return { token: `t${loads.length}`, expiresIn };
  };
  return { loads, cache: tokenCache(load) };
};

test('a token is reused until expires_in minus 30 s, then loaded once', async () => {
  const { loads, cache } = counting(3600);
  expect(await cache.get()).toBe('t1');
  vi.advanceTimersByTime(3600_000 - EXPIRY_SKEW_MS - 1);
  expect(await cache.get()).toBe('t1');
  vi.advanceTimersByTime(2);
  expect(await Promise.all([cache.get(), cache.get(), cache.get()])).toEqual(['t2', 't2', 't2']);
  expect(loads).toEqual([false, false]);
});

test('a lifetime shorter than twice the skew is used for half of it', async () => {
  const { loads, cache } = counting(40);
  await cache.get();
  vi.advanceTimersByTime(19_999);
  await cache.get();
  expect(loads).toHaveLength(1);
  vi.advanceTimersByTime(2);
  await cache.get();
  expect(loads).toHaveLength(2);
});

test('without expires_in a token is kept until a 401', async () => {
  const { loads, cache } = counting(undefined);
  await cache.get();
  vi.advanceTimersByTime(365 * 24 * 3600_000);
  expect(await cache.get()).toBe('t1');
  expect(await cache.refresh('t1')).toBe(true);
  expect(await cache.get()).toBe('t2');
  expect(loads).toEqual([false, true]);
});

test('concurrent 401s on one token share one refresh; a stale token repeats without one; the same token again means no repeat', async () => {
  const { loads, cache } = counting(3600);
  await cache.get();
  expect(await Promise.all(Array.from({ length: 10 }, () => cache.refresh('t1')))).toEqual(Array(10).fill(true));
  expect(loads).toEqual([false, true]);
  expect(await cache.refresh('t1')).toBe(true); // already replaced by t2
  expect(loads).toHaveLength(2);

  const same = tokenCache(async () => ({ token: 'always-the-same' }));
  await same.get();
  expect(await same.refresh('always-the-same')).toBe(false);
});

test('a failed load is not cached', async () => {
  let n = 0;
  const cache = tokenCache(async () => {
    n += 1;
    if (n === 1) throw new Error('endpoint down');
    return { token: 'ok' };
  });
  await expect(Promise.all([cache.get(), cache.get()])).rejects.toThrow('endpoint down');
  expect(n).toBe(1);
  expect(await cache.get()).toBe('ok');
});

/** A loader whose refreshes fail until `healthy` is set. */
const flaky = () => {
  const state = { healthy: false, loads: [] as boolean[] };
  const cache = tokenCache(async (refresh): Promise<TokenGrant> => {
    state.loads.push(refresh);
    if (refresh && !state.healthy) throw new Error('refresh failed');
    return { token: `tc-${state.loads.length}`, expiresIn: 3600 };
  });
  return { state, cache };
};

test('after a failed refresh, uses from before it fail with its error without a load; a use after it may try again', async () => {
  const { state, cache } = flaky();
  const [first, second] = await Promise.all([cache.use(), cache.use()]);
  await expect(cache.refresh(first)).rejects.toThrow('refresh failed');
  await expect(cache.refresh(second)).rejects.toThrow('refresh failed');
  expect(state.loads).toEqual([false, true]);
  const later = await cache.use();
  expect(later.token).toBe('tc-1');
  state.healthy = true;
  expect(await cache.refresh(later)).toBe(true);
  expect(state.loads).toEqual([false, true, true]);
  // A use from before the failure whose token has been replaced since repeats with the new one.
  expect(await cache.refresh(second)).toBe(true);
  expect(await cache.get()).toBe('tc-3');
});

test('a cached token is set without a promise: every call after the load gets the same use object synchronously', async () => {
  const { authorize } = bearerFrom(async () => ({ token: 'sync-1', expiresIn: 3600 }));
  const target = () => ({ url: new URL('https://api.test/'), headers: new Headers(), fetch: globalThis.fetch });
  const first = await authorize(target());
  const headers = new Headers();
  const second = authorize({ ...target(), headers });
  expect(typeof (second as PromiseLike<unknown> | undefined)?.then).toBe('undefined');
  expect(second).toBe(first);
  expect(headers.get('authorization')).toBe('Bearer sync-1');
});
