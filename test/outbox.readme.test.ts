/** The README's sturdy/outbox example, run as written against the source; only the host and the import paths are swapped. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { idempotentCreate } from './helpers/idempotency.ts';
import { readmeExample } from './helpers/readme.ts';
import { startServer, type TestServer } from './helpers/server.ts';

const run = promisify(execFile);
let server: TestServer;
const endpoint = idempotentCreate();
beforeAll(async () => {
  server = await startServer();
  server.route('/v1/orders', endpoint.handler);
});
afterAll(() => server.close());

test("README's outbox example runs as written: stored, delivered once with its key, the store left empty", async () => {
  const source = readmeExample(
    'Offline and crash-safe mutations',
    { 'sturdy/outbox': 'src/outbox/index.ts', sturdy: 'src/index.ts' },
    `${server.url}/v1/`,
  );
  // Inside the package (so `unstorage` resolves), run from a temporary directory (where ./outbox goes).
  const file = resolve(`.ci/readme-outbox.${process.pid}.tmp.ts`);
  const directory = mkdtempSync(join(tmpdir(), 'sturdy-readme-'));
  writeFileSync(file, source);
  try {
    const { stdout } = await run(process.execPath, [file], { cwd: directory });
    expect(stdout.trim().split('\n')).toEqual(['ended POST orders true', '{ id: 1 }', '[]']);
    expect(
      readdirSync(join(directory, 'outbox'), { recursive: true }).filter((name) => String(name).includes('job/')),
    ).toEqual([]);
  } finally {
    rmSync(file, { force: true });
    rmSync(directory, { recursive: true, force: true });
  }
  expect(endpoint.orders).toHaveLength(1);
  expect(JSON.parse(endpoint.orders[0]!.body)).toEqual({ sku: 'A1', quantity: 2 });
});
