// Packaging checks on the BUILT package (run `npm run build` first), each one counted like a test:
// publint, arethetypeswrong (esm-only), jsr.json (deno publish --dry-run), tree-shaking
// (a bundle of one export must not carry another's module) and size-limit
// budgets (package.json "size-limit") over esbuild bundles of `import { ... } from 'sturdy'`.
// Prints `packaging checks: N passed, N failed`, writes test-results/packaging.json (counted by
// scripts/ci-summary.ts) and exits 1 on any failure.
// Usage: npm run -s packaging
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { BROWSER_BUNDLE, CORE_EXPORTS } from '../bench/build.ts';
import { oneCallApp } from './size-core.ts';
import type { Outcome } from '../test/conformance/harness.ts';

/** Where the size-limit bundles go (package.json "size-limit" paths point here). */
const OUT = 'node_modules/.cache/sturdy-size';

// The package by its name (a variable: dist does not exist when CI checks types).
const PACKAGE = 'sturdy';
const exported = new Set(Object.keys((await import(PACKAGE)) as object));
const AUTH = ['bearer', 'apiKey', 'basic', 'clientCredentials'].filter((name) => exported.has(name));
const CORE = [...CORE_EXPORTS];

/** Minified browser ESM bundle of `import { names } from 'sturdy'`; ky external unless asked (it is a dependency). */
async function bundle(
  names: string[] | '*',
  options: { ky?: boolean; also?: string; external?: string[]; minify?: boolean } = {},
) {
  const contents =
    (names === '*' ? `export * from 'sturdy';` : `export { ${names.join(', ')} } from 'sturdy';`) +
    (options.also ?? '');
  const result = await build({
    ...BROWSER_BUNDLE,
    minify: options.minify ?? true,
    stdin: { contents, resolveDir: process.cwd(), sourcefile: 'entry.js' },
    external: [...(options.ky ? [] : ['ky']), ...(options.external ?? [])],
  });
  return { code: result.outputFiles[0]!.contents };
}

const outcomes: Outcome[] = [];
const check = async (name: string, run: () => Promise<string | undefined> | string | undefined) => {
  const started = performance.now();
  let failure: string | undefined;
  try {
    failure = await run();
  } catch (error) {
    failure = (error as Error).message;
  }
  const outcome: Outcome = {
    name,
    status: failure ? 'failed' : 'passed',
    ms: Math.round(performance.now() - started),
    ...(failure ? { detail: failure } : {}),
  };
  outcomes.push(outcome);
  console.log(failure ? `  FAIL  ${name}: ${failure}` : `  ok    ${name} (${outcome.ms} ms)`);
};

const tool = (command: string, args: string[]) => {
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const output = `${result.stdout}${result.stderr}`.trim();
  return { ok: result.status === 0, output };
};

await check('publint --strict', () => {
  const { ok, output } = tool('npx', ['publint', '--strict']);
  return ok && /All good/.test(output) ? undefined : output;
});

await check('attw --pack . --profile esm-only', () => {
  const { ok, output } = tool('npx', ['attw', '--pack', '.', '--profile', 'esm-only', '--format', 'table-flipped']);
  return ok ? undefined : output;
});

// JSR publishes the TypeScript source: same version and entry points as npm, and a clean dry run
// (type check, no slow types, every import resolvable; offline).
await check('jsr.json: version and entry points match package.json; deno publish --dry-run passes', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; exports: Record<string, unknown> };
  const jsr = JSON.parse(readFileSync('jsr.json', 'utf8')) as { version: string; exports: Record<string, string> };
  if (jsr.version !== pkg.version) return `jsr.json version ${jsr.version} != package.json ${pkg.version}`;
  const npmEntries = Object.keys(pkg.exports)
    .filter((key) => key !== './package.json')
    .sort();
  if (JSON.stringify(Object.keys(jsr.exports).sort()) !== JSON.stringify(npmEntries))
    return `jsr.json exports ${Object.keys(jsr.exports)} != package.json ${npmEntries}`;
  const { ok, output } = tool('npx', ['deno', 'publish', '--dry-run', '--allow-dirty']);
  return ok ? undefined : output;
});

// Tree-shaking: a bundler must be able to drop every module an import does not reach. dist is bundled (one
// file per entry point), so a source module is recognised in an unminified bundle by the functions and
// classes it declares at top level (esbuild keeps their names, adding a digit on a clash).
// Each pair is checked both ways, so the check itself is shown able to fail.
const MODULES: Record<string, string> = {
  bearer: 'auth/bearer.ts',
  apiKey: 'auth/api-key.ts',
  basic: 'auth/basic.ts',
  clientCredentials: 'auth/client-credentials.ts',
  createClient: 'core/client.ts',
  credentialPolicy: 'auth/policy.ts',
};
/** The names `src/<module>` declares at top level (exported or not). */
const declared = (module: string) =>
  [...readFileSync(`src/${module}`, 'utf8').matchAll(/^(?:export )?(?:async )?(?:function\*? ?|class )(\w+)/gm)].map(
    (match) => match[1]!,
  );
/** Which of `names` an unminified bundle declares. */
const carried = (code: Uint8Array, names: string[]) => {
  const text = new TextDecoder().decode(code);
  return names.filter((name) => new RegExp(`\\b(?:function\\*?|class) ${name}\\d*\\b`).test(text));
};
const PAIRS = [
  ['bearer', 'clientCredentials'],
  ['bearer', 'basic'],
  ['bearer', 'apiKey'],
  ['apiKey', 'clientCredentials'],
  ['basic', 'clientCredentials'],
  ['isParseError', 'createClient'],
  // The credential policy and redirect follower come with the auth strategies, not with the client.
  ['createClient', 'credentialPolicy'],
].map(([takes, mustNotCarry]) => ({ takes: takes!, mustNotCarry: mustNotCarry!, module: MODULES[mustNotCarry!]! }));
for (const { takes, mustNotCarry, module } of PAIRS) {
  await check(
    `tree-shaking: import { ${takes} } from 'sturdy' carries no ${mustNotCarry} code (src/${module})`,
    async () => {
      // A renamed export fails the check rather than dropping it.
      const missing = [takes, mustNotCarry].filter((name) => !exported.has(name));
      if (missing.length) return `'sturdy' does not export ${missing.join(', ')}: update PAIRS in scripts/packaging.ts`;
      const names = declared(module);
      if (!names.includes(mustNotCarry))
        return `src/${module} does not declare ${mustNotCarry}: update MODULES in scripts/packaging.ts`;
      const alone = carried((await bundle([takes], { minify: false })).code, names);
      if (alone.length) return `src/${module} is in the bundle: it declares ${alone.join(', ')}`;
      const control = carried((await bundle([mustNotCarry], { minify: false })).code, names);
      if (!control.includes(mustNotCarry))
        return `control failed: a bundle of { ${mustNotCarry} } lacks ${mustNotCarry}'s declaration, so the check proves nothing`;
      return undefined;
    },
  );
}

// size-limit reads these files (package.json "size-limit"; min+gzip, limits there); stale files are
// removed first, and a budget whose file was not written fails size-limit instead of vanishing.
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
// The error guards alone (a shared error handler imports only these): a top-level statement a bundler must keep
// (an object spread, a call not marked pure) shows up here first.
const GUARDS = CORE.filter((name) => name.startsWith('is'));
const entries: Record<string, string[] | '*'> = { core: CORE, guards: GUARDS, everything: '*' };
for (const name of AUTH) {
  entries[`core+${name}`] = [...CORE, name];
  entries[name] = [name];
}
for (const [name, names] of Object.entries(entries)) writeFileSync(`${OUT}/${name}.js`, (await bundle(names)).code);
writeFileSync(`${OUT}/everything-with-ky.js`, (await bundle('*', { ky: true })).code);
// DESIGN's one-call app (createClient + a POST `.json()`) from the default build (no condition: what workers, edge
// runtimes and a bundler of dist/index.js get) and from Node's (the "node" condition, as Bun and Deno resolve it too).
for (const [tree, conditions] of [
  ['default-build', []],
  ['node-build', ['node']],
] as const)
  for (const auth of ['', 'bearer']) {
    const result = await build({
      ...BROWSER_BUNDLE,
      platform: 'neutral',
      conditions: [...conditions],
      mainFields: ['module', 'main'],
      stdin: { contents: oneCallApp(`'${PACKAGE}'`, auth), resolveDir: process.cwd(), sourcefile: 'app.js' },
      external: ['ky'],
    });
    writeFileSync(`${OUT}/one-call${auth && `+${auth}`}-${tree}.js`, result.outputFiles[0]!.contents);
  }
// Each optional entry point with the core (minus the core's own row: what importing it adds; ky and optional peers external).
const OPTIONAL: Record<string, string[]> = {
  endpoint: ['endpoint'],
  ndjson: ['ndjsonBody', 'ndjsonRecords'],
  batch: ['batch'],
  limit: ['limit'],
  sse: ['eventStream'],
  cache: ['httpCache', 'dedupe'],
  paginate: ['paginate'],
  otel: ['tracing'],
  openapi: ['openapi', 'queryOptions'],
  outbox: ['outbox'],
};
for (const [entry, names] of Object.entries(OPTIONAL)) {
  const withCore = await bundle(CORE, {
    also: `\nexport { ${names.join(', ')} } from 'sturdy/${entry}';`,
    external: ['@opentelemetry/api'],
  });
  writeFileSync(`${OUT}/core+${entry}.js`, withCore.code);
}
const sizes = tool('npx', ['size-limit', '--json']);
let results: Array<{ name: string; passed: boolean; size: number; sizeLimit?: number }> = [];
try {
  results = JSON.parse(sizes.output.slice(sizes.output.indexOf('['))) as typeof results;
} catch {
  await check('size-limit runs', () => sizes.output || 'no output');
}
const kB = (bytes: number | undefined) => (bytes === undefined ? '?' : `${(bytes / 1000).toFixed(2)} kB`);
for (const result of results) {
  await check(`size-limit: ${result.name} is ${kB(result.size)} min+gz (limit ${kB(result.sizeLimit)})`, () =>
    result.passed ? undefined : 'over budget',
  );
}

const passed = outcomes.filter((outcome) => outcome.status === 'passed').length;
const failed = outcomes.length - passed;
mkdirSync('test-results', { recursive: true });
writeFileSync(
  'test-results/packaging.json',
  JSON.stringify({ runtime: 'packaging', version: 'dist', outcomes, passed, failed, skipped: 0 }, null, 2),
);
console.log(`packaging checks: ${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
