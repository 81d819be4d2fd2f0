/** The key hasher shared by dedupe() and httpCache(): one digest per text, shared while pending, bounded. */
import { afterEach, expect, test, vi } from 'vitest';
import { createHasher } from '../src/cache/key.ts';

afterEach(() => vi.restoreAllMocks());

test('concurrent calls for one text share one digest; a repeat is answered synchronously', async () => {
  const digest = vi.spyOn(crypto.subtle, 'digest');
  const hash = createHasher();
  const pending = [
    hash('GET\nhttps://api.example.com/me\n'),
    hash('GET\nhttps://api.example.com/me\n'),
    hash('GET\nhttps://api.example.com/me\n'),
  ];
  expect(pending.every((value) => value instanceof Promise)).toBe(true);
  const hexes = await Promise.all(pending);
  expect(new Set(hexes).size).toBe(1);
  expect(hexes[0]).toMatch(/^[0-9a-f]{64}$/);
  expect(digest).toHaveBeenCalledTimes(1);
  expect(hash('GET\nhttps://api.example.com/me\n')).toBe(hexes[0]);
  expect(digest).toHaveBeenCalledTimes(1);
});

test('a failed digest is not remembered: the next call tries again', async () => {
  const real = crypto.subtle.digest.bind(crypto.subtle);
  vi.spyOn(crypto.subtle, 'digest')
    .mockRejectedValueOnce(new Error('digest failed'))
    .mockImplementation((...args: Parameters<SubtleCrypto['digest']>) => real(...args));
  const hash = createHasher();
  await expect(hash('text')).rejects.toThrow('digest failed');
  await expect(hash('text')).resolves.toMatch(/^[0-9a-f]{64}$/);
});

test('it remembers at most `limit` texts, oldest out first', async () => {
  const digest = vi.spyOn(crypto.subtle, 'digest');
  const hash = createHasher(2);
  for (const text of ['a', 'b', 'c']) await hash(text);
  expect(typeof hash('c')).toBe('string');
  expect(typeof hash('b')).toBe('string');
  expect(hash('a')).toBeInstanceOf(Promise);
  expect(digest).toHaveBeenCalledTimes(4);
});
