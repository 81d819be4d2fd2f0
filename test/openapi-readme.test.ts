// README's "From OpenAPI" example, type-checked and run as written against the built package and a real
// server; only the host and the path of the generated types are swapped.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { modes, startServer, type TestServer } from './helpers/server.ts';

const run = promisify(execFile);
const DIR = 'node_modules/.cache/sturdy-readme-openapi';
let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  server.route('/api/items/7', modes.json(404, { code: 'not_found', message: 'no item 7' }));
  server.route('/api/items', modes.json(201, { id: 8, name: 'Lamp', price: 12.5 }));
  mkdirSync(DIR, { recursive: true });
});
afterAll(async () => {
  await server.close();
  rmSync(DIR, { recursive: true, force: true });
});

const example = () => {
  const readme = readFileSync('README.md', 'utf8');
  const code = /## From OpenAPI\s[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toBeDefined();
  return code!
    .replace('https://shop.example.com/api/', `${server.url}/api/`)
    .replace("'./shop.d.ts'", `'${process.cwd()}/test/openapi/generated/shop.d.ts'`);
};

test("README's From OpenAPI example type-checks against the document's generated types", async () => {
  writeFileSync(`${DIR}/example.ts`, example());
  writeFileSync(
    `${DIR}/tsconfig.json`,
    JSON.stringify({
      compilerOptions: {
        target: 'ES2023',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2023', 'DOM'],
        types: ['node'],
        strict: true,
        exactOptionalPropertyTypes: true,
        allowImportingTsExtensions: true,
        skipLibCheck: true,
        noEmit: true,
      },
      files: ['example.ts'],
    }),
  );
  const checked = await run('npx', ['tsc', '--noEmit', '-p', `${DIR}/tsconfig.json`]).then(
    () => '',
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  expect(checked).toBe('');
}, 60_000);

test("README's From OpenAPI example runs as written: a 404 narrowed, a POST with its Idempotency-Key", async () => {
  const file = `.ci/readme-openapi.${process.pid}.tmp.ts`;
  writeFileSync(file, example());
  try {
    const { stdout } = await run(process.execPath, [file], {
      env: { ...process.env, SHOP_TOKEN: 'tok_readme_123456' },
    });
    expect(stdout.trim().split('\n')).toEqual(['no item 7', '8']);
  } finally {
    rmSync(file, { force: true });
  }
  const [get, post] = server.requests;
  expect(get).toMatchObject({ url: '/api/items/7', headers: { authorization: 'Bearer tok_readme_123456' } });
  expect(get!.headers['x-request-id']).toBe('r-1');
  expect(post!.body).toBe('{"name":"Lamp","price":12.5}');
  expect(post!.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
});
