// The Lean-core budget figure (DESIGN "Lean core"): sturdy's own code in a one-call SPA bundle
// (createClient + a POST `.json()`, esbuild browser, minified, gzip -9, ky external), alone and with bearer,
// and the minified bytes each source module adds. Usage: node scripts/size-core.ts [--modules]
// (bench/size.ts reports the same figures through `leanCoreSize`).
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { type Build, buildFlags } from './build.ts';

const ROOT = resolve(import.meta.dirname, '..');
const INDEX = JSON.stringify(resolve(ROOT, 'src/index.ts'));
/**
 * DESIGN's one-call app (createClient + a POST `.json()`), importing from `from`, with `auth` (a strategy's export
 * name) when given: the one text the budget is measured on, here and by scripts/packaging.ts's size-limit rows.
 * @example
 * oneCallApp("'sturdy'", 'bearer')
 */
export const oneCallApp = (from: string, auth?: string): string =>
  `import { createClient${auth ? `, ${auth}` : ''} } from ${from}; const api = createClient({ baseUrl: 'https://x/'${auth ? `, auth: ${auth}('t')` : ''} }); export const f = () => api.post('y', { json: { a: 1 } }).json();`;

/** The one-call apps DESIGN's budget is measured on, from the source. */
export const LEAN_APPS = { core: oneCallApp(INDEX), 'core + bearer': oneCallApp(INDEX, 'bearer') };

/** One app's bundle: bytes min+gz and minified, and the minified bytes of each input module, largest first. */
export type LeanSize = { gzip: number; min: number; modules: Array<[path: string, bytes: number]> };

/**
 * Bundles one of `LEAN_APPS` as DESIGN measures it.
 * @example
 * (await leanCoreSize('core')).gzip // 8570 (the browser build; 'web': the default build, 'node': Node's)
 */
export async function leanCoreSize(name: keyof typeof LEAN_APPS, target: Build = 'browser'): Promise<LeanSize> {
  const out = await build({
    stdin: { contents: LEAN_APPS[name], resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    // What a browser bundler gets from the package (its browser build, src/shared/platform.ts), unless asked for
    // another build.
    define: buildFlags(target),
    external: ['ky'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = out.outputFiles[0]!.contents;
  const inputs = Object.values(out.metafile.outputs)[0]!.inputs;
  const modules = Object.entries(inputs)
    .map(([path, { bytesInOutput }]): [string, number] => [path, bytesInOutput])
    .filter(([, bytes]) => bytes > 0)
    .sort((a, b) => b[1] - a[1]);
  return { gzip: gzipSync(code, { level: 9 }).length, min: code.length, modules };
}

if (import.meta.main) {
  for (const name of Object.keys(LEAN_APPS) as Array<keyof typeof LEAN_APPS>) {
    const { gzip, min, modules } = await leanCoreSize(name);
    // The default build (workers, edge, a bundler without conditions: dist/index.js) and Node's, beside it.
    const [web, node] = await Promise.all([leanCoreSize(name, 'web'), leanCoreSize(name, 'node')]);
    console.log(
      `${name}: ${(gzip / 1000).toFixed(2)} kB min+gz (${min} B min); default build ${(web.gzip / 1000).toFixed(2)} kB; Node/Bun/Deno build ${(node.gzip / 1000).toFixed(2)} kB`,
    );
    if (process.argv.includes('--modules'))
      for (const [path, bytes] of modules) console.log(`  ${String(bytes).padStart(6)}  ${path}`);
  }
}
