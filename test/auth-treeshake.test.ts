import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const index = fileURLToPath(new URL('../src/index.ts', import.meta.url));

/** Bundles an app that imports `names` from sturdy and returns the minified code. */
async function bundle(names: string): Promise<string> {
  const result = await build({
    stdin: {
      contents: `import { createClient, ${names} } from ${JSON.stringify(index)}; console.log(createClient, ${names});`,
      loader: 'ts',
      resolveDir: '.',
    },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    external: ['ky'],
    write: false,
  });
  return result.outputFiles[0]!.text;
}

// Markers only the clientCredentials / basic / apiKey code contains.
const CLIENT_CREDENTIALS = ['client_credentials', 'token_type'];
const BASIC = ['TextEncoder', 'RFC 7617'];
const API_KEY = ['X-API-Key'];

test('an app importing only bearer does not carry clientCredentials, basic or apiKey code', async () => {
  const code = await bundle('bearer');
  for (const marker of [...CLIENT_CREDENTIALS, ...BASIC, ...API_KEY]) expect(code, marker).not.toContain(marker);
  expect(code).toContain('Bearer ');
});

test('the markers are real: importing clientCredentials brings them', async () => {
  const code = await bundle('clientCredentials, apiKey');
  for (const marker of [...CLIENT_CREDENTIALS, 'TextEncoder', ...API_KEY]) expect(code, marker).toContain(marker);
});
