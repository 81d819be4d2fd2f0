// The conformance suite in Chromium (vitest browser mode), against the real server on another origin (CORS).
import { expect, inject, test } from 'vitest';
import { registerConformanceTests } from './runners/vitest.ts';

test('runs inside Chromium, on a page whose origin is not the server', () => {
  expect(navigator.userAgent).toMatch(/Chrome\//);
  expect(typeof (globalThis as { process?: unknown }).process).toBe('undefined');
  expect(location.origin).not.toBe(new URL(inject('conformanceUrl')).origin);
});

await registerConformanceTests('chromium');
