import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startServer, type TestServer } from './helpers/server.ts';

const run = promisify(execFile);
let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  server.route('/v1/orders', (request, response) => {
    response
      .writeHead(201, { 'content-type': 'application/json' })
      .end(JSON.stringify({ id: 'ord_1', total: 20, received: JSON.parse(request.body) }));
  });
  server.route('/v1/orders/ord_1', (_request, response) => {
    response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not_found' }));
  });
});
afterAll(() => server.close());

// The README's first example, run as written against the built package; only the host is swapped.
test("README's first example runs as written", async () => {
  const readme = readFileSync('README.md', 'utf8');
  const example = /## First example\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toBeDefined();
  const file = `.ci/readme-example.${process.pid}.tmp.ts`;
  writeFileSync(file, example!.replace('https://api.example.com/v1/', `${server.url}/v1/`));
  try {
    const { stdout } = await run(process.execPath, [file]);
    expect(stdout.trim().split('\n')).toEqual(['ord_1', "404 { error: 'not_found' }"]);
  } finally {
    rmSync(file, { force: true });
  }
  const post = server.requestsTo('/v1/orders')[0]!;
  expect(JSON.parse(post.body)).toEqual({ sku: 'A1', quantity: 2 });
  expect(post.headers['idempotency-key']).toBeTruthy();
});
