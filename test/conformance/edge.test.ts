// The conformance suite in vitest's edge-runtime environment (@edge-runtime/vm: Vercel edge's globals).
import { expect, test } from 'vitest';
import { registerConformanceTests } from './runners/vitest.ts';

test('runs inside the edge runtime, not plain Node', () => {
  expect(typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime).toBe('string');
});

await registerConformanceTests('edge-runtime');
