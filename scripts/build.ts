// Builds dist/ as published, then tsc writes the .d.ts files beside it:
// - dist/chunks/core.js: every module the main entry reaches, and every module two entry points share, once;
// - one file per entry point (package.json "exports") holding only its own modules and importing the rest
//   from core.js, so `sturdy` is two files and each class (HTTPError, ...) exists once whichever entry
//   points an app imports;
// - every package import (ky, valibot, msw, the optional peers) left to the user's runtime or bundler.
// Why bundled: Node's ESM loader resolves, reads and compiles modules one by one; the 26 files tsc emitted
// cost a cold start about a third more than ky's (README, Performance). esbuild's own code splitting
// makes a chunk per combination of entry points (9 files for `sturdy`), hence the two passes.
// - three trees of these files (src/shared/platform.ts): dist/node/ for Node, Bun and Deno (package.json's
//   "node", "bun", "deno" conditions), everything in; dist/ for every other runtime (workers, edge), without what
//   only a server's fetch needs; dist/browser/ for browsers ("browser"), without what a browser cannot run either.
// Usage: node scripts/build.ts   (npm run build)
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync, rmSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
type Exports = Record<string, string | { default?: string; types?: string }>;
const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { exports: Exports };

/** `./dist/cache/index.js` -> { in: '<root>/src/cache/index.ts', out: 'cache/index' } for every entry point. */
const entryPoints = Object.values(pkg.exports)
  .map((target) => (typeof target === 'string' ? target : target.default))
  .filter((file): file is string => typeof file === 'string' && file.startsWith('./dist/') && file.endsWith('.js'))
  .map((file) => {
    const out = file.slice('./dist/'.length, -'.js'.length);
    return { in: resolve(ROOT, `src/${out}.ts`), out };
  });
const MAIN = resolve(ROOT, 'src/index.ts');
if (!entryPoints.some((entry) => entry.in === MAIN))
  throw new Error('scripts/build.ts: package.json "exports" has no "." -> ./dist/index.js');
const CORE_OUT = 'chunks/core';

const COMMON: BuildOptions = {
  // Metafile paths are relative to this; the bench calls bundleDist from wherever it runs.
  absWorkingDir: ROOT,
  bundle: true,
  format: 'esm',
  // No runtime's builtins or conditions: the same files run in browsers, Node, Deno, Bun and workers.
  platform: 'neutral',
  target: 'es2023',
  packages: 'external',
  // Unminified: a stack trace into sturdy reads like its source. The user's bundler minifies.
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
};
/** The three builds (src/shared/platform.ts): for Node, Bun and Deno; for browsers; for every other runtime. */
export type Build = 'node' | 'browser' | 'web';
/**
 * The defines that set a build's flags (src/shared/platform.ts): the one place their names are written for the
 * build, the size scripts, the bench and the browser test project.
 * @example
 * await build({ ...options, define: buildFlags('browser') });
 */
export const buildFlags = (target: Build): Record<string, string> => ({
  'globalThis.__STURDY_BROWSER__': String(target === 'browser'),
  'globalThis.__STURDY_WEB__': String(target !== 'node'),
});
/** Where each build goes, inside dist. */
const TREES: Record<Build, string> = { web: '.', node: 'node', browser: 'browser' };

/** The src modules each entry point reaches (absolute paths). */
async function graphs(): Promise<Map<string, Set<string>>> {
  const reached = new Map<string, Set<string>>();
  for (const entry of entryPoints) {
    const result = await build({
      ...COMMON,
      entryPoints: [entry.in],
      write: false,
      outdir: 'unused',
      metafile: true,
      logLevel: 'silent',
    });
    reached.set(entry.in, new Set(Object.keys(result.metafile.inputs).map((input) => resolve(ROOT, input))));
  }
  return reached;
}

/** Resolves a relative import of a core module to core.js (of another entry point to its file), for the entry point written at `out`. */
const toCore = (core: Set<string>, entry: string, out: string): Plugin => ({
  name: 'sturdy-core',
  setup(on) {
    on.onResolve({ filter: /^\.\.?\// }, (args) => {
      const path = resolve(args.resolveDir, args.path);
      const other = entryPoints.find((point) => point.in === path && path !== entry);
      if (path === entry || (!core.has(path) && !other)) return undefined;
      const target = relative(dirname(`${out}.js`), `${other ? other.out : CORE_OUT}.js`).replaceAll('\\', '/');
      return { path: target.startsWith('.') ? target : `./${target}`, external: true };
    });
  },
});

/**
 * Writes the entry points' JavaScript (no .d.ts) into `outdir`, as published: each build in its tree (`TREES`).
 * Also used by bench/ for cold import.
 */
export async function bundleDist(outdir = resolve(ROOT, 'dist')): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  const reached = await graphs();
  for (const [target, tree] of Object.entries(TREES) as Array<[Build, string]>)
    await bundleTree(resolve(outdir, tree), reached, target);
}

/** One tree of entry points and their core chunk, built with the flags of `target`. */
async function bundleTree(outdir: string, reached: Map<string, Set<string>>, target: Build): Promise<void> {
  const entries = new Set(entryPoints.map((entry) => entry.in));
  const count = new Map<string, number>();
  for (const modules of reached.values()) for (const module of modules) count.set(module, (count.get(module) ?? 0) + 1);
  const core = new Set(
    [...count]
      .filter(([module, n]) => !entries.has(module) && (n > 1 || reached.get(MAIN)!.has(module)))
      .map(([module]) => module),
  );

  const coreBuild = await build({
    ...COMMON,
    define: buildFlags(target),
    stdin: {
      contents: [...core]
        .sort()
        .map((module) => `export * from ${JSON.stringify(module)};`)
        .join('\n'),
      resolveDir: ROOT,
      loader: 'ts',
      sourcefile: 'core.ts',
    },
    outfile: resolve(outdir, `${CORE_OUT}.js`),
    metafile: true,
  });
  const coreExports = new Set(Object.values(coreBuild.metafile.outputs)[0]!.exports);

  for (const entry of entryPoints) {
    const result = await build({
      ...COMMON,
      define: buildFlags(target),
      entryPoints: [entry.in],
      outfile: resolve(outdir, `${entry.out}.js`),
      plugins: [toCore(core, entry.in, entry.out)],
      metafile: true,
    });
    // An import core.js does not export (a name two core modules both export is exported by neither) would
    // fail only when the file loads: fail the build instead.
    const output = Object.values(result.metafile.outputs)[0]!;
    const missing = output.imports.filter((item) => item.path.endsWith('core.js')).length
      ? importedFromCore(resolve(outdir, `${entry.out}.js`)).filter((name) => !coreExports.has(name))
      : [];
    if (missing.length)
      throw new Error(
        `scripts/build.ts: ${relative(ROOT, resolve(outdir, entry.out))}.js imports ${missing.join(', ')} from core.js, which does not export them`,
      );
  }
}

/** The names a built file imports from core.js. */
function importedFromCore(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/import\s*\{([^}]*)\}\s*from\s*"[^"]*core\.js"/g)].flatMap((match) =>
    match[1]!
      .split(',')
      .map((part) => part.trim().split(/\s+as\s+/)[0]!)
      .filter(Boolean),
  );
}

// Run as a script (not imported by bench/ or a test); real paths, so a symlinked checkout still builds.
if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(import.meta.filename)) {
  await bundleDist();
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--emitDeclarationOnly'], { cwd: ROOT, stdio: 'inherit' });
}
