import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { modes, startServer, type TestServer } from './helpers/server.ts';

const run = promisify(execFile);
let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  server.route(
    '/oauth/token',
    modes.json(200, { access_token: 'readme-access-token', token_type: 'Bearer', expires_in: 3600 }),
  );
  server.route('/v1/orders', modes.json(200, [{ id: 'ord_1' }, { id: 'ord_2' }]));
});
afterAll(() => server.close());

const example = () => {
  const block = /## Auth[\s\S]*?```ts\n([\s\S]*?)```/.exec(readFileSync('README.md', 'utf8'))?.[1];
  expect(block).toBeDefined();
  return block!
    .replace('https://api.example.com/v1/', `${server.url}/v1/`)
    .replace('https://auth.example.com/oauth/token', `${server.url}/oauth/token`);
};

const ENV = {
  CLIENT_ID: 'readme-client',
  CLIENT_SECRET: 'readme-client-secret',
  GITHUB_TOKEN: 'gh-token',
  MAPS_KEY: 'maps-key',
  REGISTRY_USER: 'reg-user',
  REGISTRY_PASSWORD: 'reg-password',
};

// The README's Auth example, run as written against the built package with secrets from the environment.
test("README's Auth example runs as written, secrets read from the environment", async () => {
  const file = `.ci/readme-auth-example.${process.pid}.tmp.ts`;
  writeFileSync(file, example());
  try {
    const { stdout } = await run(process.execPath, [file], { env: { ...process.env, ...ENV } });
    expect(stdout.trim()).toBe('2 orders');
    const missing = await run(process.execPath, [file], { env: { ...process.env, ...ENV, CLIENT_SECRET: '' } }).catch(
      (e: { stderr: string }) => e,
    );
    expect((missing as { stderr: string }).stderr).toMatch(/set the CLIENT_SECRET environment variable/);
  } finally {
    rmSync(file, { force: true });
  }
  const token = server.requestsTo('/oauth/token')[0]!;
  expect(Buffer.from(String(token.headers.authorization).slice(6), 'base64').toString()).toBe(
    'readme-client:readme-client-secret',
  );
  expect(server.requestsTo('/v1/orders')[0]!.headers.authorization).toBe('Bearer readme-access-token');
});
