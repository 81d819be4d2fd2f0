import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startServer, type TestServer } from './helpers/server.ts';

const run = promisify(execFile);
const stored = { id: 'ord_1', email: '', total: 0, createdAt: '2026-11-25T01:00:00.000Z' };
let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  server.route('/v1/orders', (request, response) => {
    const body = JSON.parse(request.body) as { email: string; total: number };
    Object.assign(stored, { email: body.email, total: body.total });
    response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(stored));
  });
  server.route('/v1/orders/ord_1', (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stored));
  });
});
afterAll(() => server.close());

// The README's Schemas example, run as written against the built package; only the host is swapped.
test("README's Schemas example runs as written", async () => {
  const readme = readFileSync('README.md', 'utf8');
  const example = /## Schemas\s[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toBeDefined();
  const file = `.ci/readme-schemas.${process.pid}.tmp.ts`;
  writeFileSync(file, example!.replace('https://api.example.com/v1/', `${server.url}/v1/`));
  try {
    const { stdout } = await run(process.execPath, [file]);
    expect(stdout.trim().split('\n')).toEqual([
      'ord_1 2026-11-25T01:00:00.000Z',
      'request body invalid at $.email: Invalid email: Received "ada"; at $.total: Invalid value: Expected >0 but received -5',
      '20',
    ]);
  } finally {
    rmSync(file, { force: true });
  }
  // The transformed (trimmed) email was sent; the bad order never was.
  expect(server.requestsTo('/v1/orders').map((request) => JSON.parse(request.body))).toEqual([
    { email: 'ada@example.com', total: 20 },
  ]);
  expect(server.requestsTo('/v1/orders/ord_1')).toHaveLength(1);
});
