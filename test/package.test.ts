import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { modes, startServer, type TestServer } from './helpers/server.ts';

const run = promisify(execFile);
let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  server.route('/orders', modes.echo(201));
});
afterAll(() => server.close());

// `npm test` builds first (pretest); this imports the BUILT package by its name, in a plain Node process.
test('dist imports as `sturdy` in plain Node and performs a JSON POST', async () => {
  expect(existsSync('dist/index.js')).toBe(true);
  expect(existsSync('dist/index.d.ts')).toBe(true);
  const script = `
    import { createClient, HTTPError, SerializationError } from 'sturdy';
    const api = createClient({ baseUrl: process.argv[1] + '/' });
    const created = await api.post('orders', { json: { sku: 'A1', qty: 2 } }).json();
    console.log(JSON.stringify({ created, classes: [typeof HTTPError, typeof SerializationError] }));
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, server.url]);
  const result = JSON.parse(stdout) as {
    created: { method: string; body: unknown; headers: Record<string, string> };
    classes: string[];
  };
  expect(result.created.method).toBe('POST');
  expect(result.created.body).toEqual({ sku: 'A1', qty: 2 });
  expect(result.created.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
  expect(result.classes).toEqual(['function', 'function']);
});
