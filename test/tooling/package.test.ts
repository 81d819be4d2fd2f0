/**
 * The package as published: the built entry imports by its name in plain Node, the package
 * carries its license, and nothing it ships points at a file it does not ship (source maps to ../src).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { bundleDist } from '../../scripts/build.ts';
import { modes, startServer, type TestServer } from '../helpers/server.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
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

test('LICENSE: MIT, copyright 2026 sturdy contributors, matching package.json', async () => {
  const license = await readFile(join(root, 'LICENSE'), 'utf8');
  const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { license: string };
  expect(manifest.license).toBe('MIT');
  expect(license.startsWith('MIT License\n')).toBe(true);
  expect(license).toContain('Copyright (c) 2026 sturdy contributors');
  expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
});

test('the build (scripts/build.ts, tsconfig.build.json) references only files the package ships', {
  timeout: 60_000,
}, async () => {
  const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { files: string[] };
  const out = await mkdtemp(join(tmpdir(), 'sturdy-build-'));
  try {
    // What `npm run build` writes: esbuild's JavaScript, then tsc's declarations, here into a scratch folder.
    await bundleDist(out);
    await run(process.execPath, [
      join(root, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(root, 'tsconfig.build.json'),
      '--emitDeclarationOnly',
      '--outDir',
      out,
    ]);
    const built = (await readdir(out, { recursive: true })).map((file) => join(out, file));
    expect(built.some((file) => file.endsWith('index.js'))).toBe(true);
    expect(built.some((file) => file.endsWith('index.d.ts'))).toBe(true);
    /** Where a built file lands in the package: the output folder is the package's dist/. */
    const shipped = (file: string) => {
      const inPackage = file.startsWith(out) ? join('dist', relative(out, file)) : relative(root, file);
      return manifest.files.some((entry) => inPackage === entry || inPackage.startsWith(`${entry}/`));
    };
    const missing: string[] = [];
    for (const file of built.filter((name) => /\.(js|d\.ts|map)$/.test(name))) {
      const text = await readFile(file, 'utf8');
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(text)?.[1];
      if (url && !url.startsWith('data:') && !shipped(resolve(dirname(file), url)))
        missing.push(`${relative(out, file)} -> ${url}`);
      if (!file.endsWith('.map')) continue;
      const map = JSON.parse(text) as { sources: string[]; sourceRoot?: string; sourcesContent?: unknown[] };
      map.sources.forEach((source, i) => {
        if (map.sourcesContent?.[i] == null && !shipped(resolve(dirname(file), map.sourceRoot ?? '', source)))
          missing.push(`${relative(out, file)} -> ${source}`);
      });
    }
    expect(missing).toEqual([]);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
