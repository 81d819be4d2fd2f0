// The conformance suite in Chromium (vitest browser mode), against the real server on another origin (CORS).
import { expect, inject, test } from 'vitest';
import { registerConformanceTests } from './runners/vitest.ts';
import type {} from '../../src/shared/platform.ts';

// The version is in the title so scripts/runtime-table.ts can check README's row against it.
const chrome = /Chrome\/(\d+)/.exec(navigator.userAgent)?.[1];

test(`runs inside Chromium ${chrome}, on a page whose origin is not the server`, () => {
  expect(chrome).toMatch(/^\d+$/);
  expect(typeof (globalThis as { process?: unknown }).process).toBe('undefined');
  expect(location.origin).not.toBe(new URL(inject('conformanceUrl')).origin);
});

test('the suite runs the browser build (the flag package.json\'s "browser" condition ships; src/shared/platform.ts)', () => {
  expect(globalThis.__STURDY_BROWSER__).toBe(true);
});

// The named skips are Chromium's limits, not guesses: when one of these starts failing, the
// limit is gone and the skip in context.ts should go too.
test("named skip 'manual redirects' is real: redirect: 'manual' gives an opaque response", async () => {
  const response = await fetch(`${inject('conformanceUrl')}/evidence-redirect`, { redirect: 'manual' });
  expect(response.type).toBe('opaqueredirect');
  expect(response.status).toBe(0);
  expect(response.headers.get('location')).toBe(null);
});

test("named skip 'upload streams' is real: a streaming body over HTTP/1.1 is refused", async () => {
  const body = new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('chunk'));
      controller.close();
    },
  });
  const init = { method: 'POST', body, duplex: 'half' } as RequestInit;
  await expect(fetch(`${inject('conformanceUrl')}/auth-echo`, init)).rejects.toThrow(TypeError);
  // The same request with the body as a string goes through: the stream is what Chromium refuses.
  expect((await fetch(`${inject('conformanceUrl')}/auth-echo`, { method: 'POST', body: 'chunk' })).status).toBe(200);
});

await registerConformanceTests('chromium');
