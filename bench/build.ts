/**
 * Builds what the bench measures, outside the source tree: an ESM bundle of
 * sturdy for in-process runs (ky left external, as an app would resolve it),
 * the dist the package ships (scripts/build.ts, for cold import), and browser bundles for
 * size. Output goes to node_modules/.cache so bare `ky` imports resolve.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { buildFlags, bundleDist } from '../scripts/build.ts';

export const ROOT = resolve(import.meta.dirname, '..');
export const OUT = resolve(ROOT, 'node_modules/.cache/sturdy-bench');
export const SRC_INDEX = resolve(ROOT, 'src/index.ts');

/** The sturdy module for in-process benches: one ESM file, `ky` external. */
export async function buildNodeBundle(): Promise<string> {
  mkdirSync(OUT, { recursive: true });
  const outfile = resolve(OUT, 'sturdy.js');
  await build({
    entryPoints: [SRC_INDEX],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    external: ['ky'],
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

/** sturdy plus sturdy/ndjson as one ESM file (`ky` external), for the streaming child processes. */
export async function buildStreamBundle(): Promise<string> {
  mkdirSync(OUT, { recursive: true });
  const outfile = resolve(OUT, 'sturdy-ndjson.js');
  const contents = `export * from ${JSON.stringify(SRC_INDEX)}; export { ndjsonBody, ndjsonRecords } from ${JSON.stringify(resolve(ROOT, 'src/ndjson/index.ts'))};`;
  await build({
    stdin: { contents, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    external: ['ky'],
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

/** The package's JavaScript as shipped (scripts/build.ts: one file per entry point, shared chunks), for cold-import timing: Node's build. */
export async function buildDist(): Promise<string> {
  const outDir = resolve(OUT, 'dist');
  await bundleDist(outDir);
  return resolve(outDir, 'node', 'index.js');
}

/** The core as size-limit's "core" row and the bench bundle it: the client and the error guards. */
export const CORE_EXPORTS: readonly string[] = [
  'createClient',
  'isHTTPError',
  'isTimeoutError',
  'isNetworkError',
  'isParseError',
  'isValidationError',
  'isSerializationError',
];

/** How an app's bundler would pack sturdy for the browser (also used by scripts/packaging.ts). */
export const BROWSER_BUNDLE = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  // Bundles of the source get what the package's browser build leaves out left out too (src/shared/platform.ts).
  define: buildFlags('browser'),
  target: 'es2022',
  minify: true,
  write: false,
  logLevel: 'error',
} as const;

/** min+gzip bytes of a browser bundle of `contents` (an entry module's source). */
export async function gzipSize(contents: string, external: string[] = []): Promise<number> {
  const result = await build({ ...BROWSER_BUNDLE, stdin: { contents, resolveDir: ROOT, loader: 'ts' }, external });
  return gzipSync(result.outputFiles[0]!.contents, { level: 9 }).byteLength;
}

/** Names exported by src/index.ts (to find which auth strategies exist yet). */
export function exportedNames(): Set<string> {
  const text = readFileSync(SRC_INDEX, 'utf8');
  const names = new Set<string>();
  for (const match of text.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of match[1]!.split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop()!
        .trim();
      if (name && !part.trim().startsWith('type ')) names.add(name);
    }
  }
  for (const match of text.matchAll(/export\s+(?:async\s+)?(?:function|const|class)\s+(\w+)/g)) names.add(match[1]!);
  return names;
}
