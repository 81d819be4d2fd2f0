/** The README's sturdy/cache example, run as written against the source; only the host and the import paths are swapped. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { versioned } from './helpers/cache-server.ts';
import { readmeExample } from './helpers/readme.ts';
import { startServer, type TestServer } from './helpers/server.ts';

const run = promisify(execFile);
let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  versioned(server, '/v1/catalog', () => ({
    headers: { 'cache-control': 'private, max-age=60', 'content-type': 'application/json' },
    body: '{"items":[]}',
  }));
});
afterAll(() => server.close());

test("README's cache example runs as written: a miss, then a hit with no request", async () => {
  const source = readmeExample(
    'HTTP cache and de-duplication',
    { 'sturdy/cache': 'src/cache/index.ts', sturdy: 'src/index.ts' },
    `${server.url}/v1/`,
  );
  const directory = mkdtempSync(join(tmpdir(), 'sturdy-readme-'));
  const file = join(directory, 'cache-example.ts');
  writeFileSync(file, source);
  try {
    const { stdout } = await run(process.execPath, [file], { env: { ...process.env, API_TOKEN: 'readme-token-1' } });
    expect(stdout.trim().split('\n')).toEqual([`miss ${server.url}/v1/catalog`, `hit ${server.url}/v1/catalog`]);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  expect(server.requestsTo('/v1/catalog').map((request) => request.headers.authorization)).toEqual([
    'Bearer readme-token-1',
  ]);
});
