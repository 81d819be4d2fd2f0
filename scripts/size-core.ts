// The Lean-core budget figure (DESIGN "Lean core"): sturdy's own code in a one-call SPA bundle
// (createClient + a POST `.json()`, esbuild browser, minified, gzip -9, ky external), alone and with bearer,
// and the minified bytes each source module adds. Usage: node scripts/size-core.ts [--modules]
import { gzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');
const INDEX = JSON.stringify(resolve(ROOT, 'src/index.ts'));
const APPS = {
  core: `import { createClient } from ${INDEX}; const api = createClient({ baseUrl: 'https://x/' }); export const f = () => api.post('y', { json: { a: 1 } }).json();`,
  'core + bearer': `import { createClient, bearer } from ${INDEX}; const api = createClient({ baseUrl: 'https://x/', auth: bearer('t') }); export const f = () => api.post('y', { json: { a: 1 } }).json();`,
};

for (const [name, contents] of Object.entries(APPS)) {
  const out = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    external: ['ky'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = out.outputFiles[0]!.contents;
  console.log(`${name}: ${(gzipSync(code, { level: 9 }).length / 1000).toFixed(2)} kB min+gz (${code.length} B min)`);
  if (process.argv.includes('--modules')) {
    const inputs = Object.values(out.metafile.outputs)[0]!.inputs;
    const rows = Object.entries(inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput);
    for (const [path, { bytesInOutput }] of rows)
      if (bytesInOutput > 0) console.log(`  ${String(bytesInOutput).padStart(6)}  ${path}`);
  }
}
