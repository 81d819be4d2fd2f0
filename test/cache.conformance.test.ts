/**
 * The sturdy/cache conformance cases (test/conformance/cases/cache.ts) run here against the source in
 * Node, so they are checked before the entry point is built; the runners run them on the built package.
 */
import { afterAll, test } from 'vitest';
import * as sturdy from '../src/index.ts';
import * as cache from '../src/cache/index.ts';
import { registerCacheCases } from './conformance/cases/cache.ts';
import { createContext } from './conformance/context.ts';
import { createRegistry } from './conformance/harness.ts';
import { startConformanceServer } from './conformance/server.ts';

const server = await startConformanceServer();
afterAll(() => server.close());

const registry = createRegistry();
registerCacheCases(createContext(registry, { url: server.url, runtime: 'node24', sturdy, entries: { cache } }));
for (const entry of registry.cases) test(entry.name, entry.run!, 15_000);
