// The conformance harness must be able to fail: its matchers, its rejection helper and its runner.
import { describe, expect, test } from 'vitest';
import {
  AssertionError,
  createRegistry,
  deepEqual,
  expect as check,
  rejection,
  runCases,
} from '../conformance/harness.ts';

describe('matchers', () => {
  test('deepEqual compares JSON-like values by structure, ignoring undefined properties', () => {
    expect(deepEqual({ a: [1, { b: 'x' }], c: undefined }, { a: [1, { b: 'x' }] })).toBe(true);
    expect(deepEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(deepEqual([1], { 0: 1 })).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
  });

  test('a failing matcher throws AssertionError showing both sides (errors by name and message)', () => {
    expect(() => check('a').toBe('b')).toThrow(new AssertionError('expected "a" to be "b"'));
    expect(() =>
      check(new TypeError('boom')).toSatisfy(function isTimeoutError() {
        return false;
      }),
    ).toThrow('expected TypeError("boom") to satisfy isTimeoutError');
    expect(() => check('has s3cret').notToContain('s3cret')).toThrow(AssertionError);
    expect(() => check(5).toBeBelow(5)).toThrow(AssertionError);
    expect(() => check(1).toBeAtLeast(1)).not.toThrow();
  });

  test('rejection returns the reason, and fails when the promise resolves', async () => {
    const reason = new Error('no');
    await expect(rejection(Promise.reject(reason))).resolves.toBe(reason);
    await expect(rejection(Promise.resolve(new Response(null, { status: 204 })))).rejects.toThrow(
      'expected a rejection, got "Response 204"',
    );
  });
});

describe('runner', () => {
  test('reports passed, failed (with the reason), skipped (with its name) and stuck cases, in order', async () => {
    const registry = createRegistry();
    registry.test('passes', async () => {});
    registry.test('fails', async () => check(1).toBe(2));
    registry.skip('cannot here', 'upload streams: not over HTTP/1.1');
    registry.test('never settles', () => new Promise(() => {}));
    const outcomes = await runCases(registry.cases, { caseTimeoutMs: 50 });
    expect(outcomes.map(({ name, status, detail }) => ({ name, status, detail }))).toEqual([
      { name: 'passes', status: 'passed', detail: undefined },
      { name: 'fails', status: 'failed', detail: 'AssertionError: expected 1 to be 2' },
      { name: 'cannot here', status: 'skipped', detail: 'upload streams: not over HTTP/1.1' },
      { name: 'never settles', status: 'failed', detail: 'Error: case did not finish within 50 ms: never settles' },
    ]);
  });

  test('a duplicate case name is refused (outcomes are keyed by name)', () => {
    const registry = createRegistry();
    registry.test('same', async () => {});
    expect(() => registry.skip('same', 'x')).toThrow('duplicate case name');
  });
});
