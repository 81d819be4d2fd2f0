// The conformance suite in Chromium (vitest browser mode), against the real server on another origin (CORS).
import { expect, inject, test } from 'vitest';
import { registerConformanceTests } from './runners/vitest.ts';

// The version is in the title so scripts/runtime-table.ts can check README's row against it.
const chrome = /Chrome\/(\d+)/.exec(navigator.userAgent)?.[1];

test(`runs inside Chromium ${chrome}, on a page whose origin is not the server`, () => {
  expect(chrome).toMatch(/^\d+$/);
  expect(typeof (globalThis as { process?: unknown }).process).toBe('undefined');
  expect(location.origin).not.toBe(new URL(inject('conformanceUrl')).origin);
});

await registerConformanceTests('chromium');
