/**
 * The built `sturdy/testing` entry: importable by its package name in plain
 * Node, and the only part of sturdy that loads msw (an optional peer).
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const run = promisify(execFile);

// `npm test` builds first (pretest), so dist/ is the package as published.
test('`sturdy/testing` imports by name and drives a sturdy client through msw', async () => {
  const script = `
    import { setupServer } from 'msw/node';
    import { createClient } from 'sturdy';
    import { flaky, recordRequests } from 'sturdy/testing';
    const server = setupServer(flaky('https://api.pkg.test/orders', { failures: 1, method: 'post' }, { id: 'ord_9' }));
    server.listen({ onUnhandledFrame: 'error' });
    const recorder = recordRequests(server);
    const api = createClient({ baseUrl: 'https://api.pkg.test/', retry: { limit: 2, backoffLimit: 10 } });
    const order = await api.post('orders', { json: { sku: 'A1' } }).json();
    console.log(JSON.stringify({ order, attempts: recorder.requests.length }));
    server.close();
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
  expect(JSON.parse(stdout)).toEqual({ order: { id: 'ord_9' }, attempts: 2 });
});

test('only dist/testing imports msw: the main entry works without it', () => {
  const importsOf = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return importsOf(path);
      if (!entry.name.endsWith('.js')) return [];
      return [...readFileSync(path, 'utf8').matchAll(/from\s+["']([^"']+)["']/g)].map(
        (match) => `${path} -> ${match[1]}`,
      );
    });
  const mswImports = importsOf('dist').filter((line) => / -> msw/.test(line));
  expect(mswImports.length).toBeGreaterThan(0);
  // The three builds alike (default, dist/browser, dist/node).
  const testing = [join('dist', 'testing'), join('dist', 'browser', 'testing'), join('dist', 'node', 'testing')];
  expect(mswImports.filter((line) => !testing.some((folder) => line.startsWith(folder)))).toEqual([]);
  const exports = (JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, unknown> }).exports;
  expect(exports['./testing']).toMatchObject({
    types: './dist/testing/index.d.ts',
    browser: './dist/browser/testing/index.js',
    node: './dist/node/testing/index.js',
    default: './dist/testing/index.js',
  });
});
