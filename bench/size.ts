/**
 * Bundle size: esbuild, browser, minified, gzip -9 (the settings of bench/build.ts, which
 * scripts/packaging.ts also uses). sturdy's cost is what it adds to an app that already
 * has ky: gzip(sturdy + ky) - gzip(ky). Each entry point is what importing it adds to the
 * core: gzip(core + entry + ky) - gzip(core + ky), optional peers external.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { exportedNames, gzipSize, moduleBytes, ROOT, SRC_INDEX } from './build.ts';

const AUTH_STRATEGIES = ['bearer', 'apiKey', 'basic', 'clientCredentials'];
/** The core as scripts/packaging.ts bundles it (its size-limit "core" row). */
const CORE = [
  'createClient',
  'isHTTPError',
  'isTimeoutError',
  'isNetworkError',
  'isParseError',
  'isValidationError',
  'isSerializationError',
];
/** Each optional entry point and the exports an app would take from it (as in scripts/packaging.ts). */
export const ENTRIES: Record<string, { source: string; names: string[] }> = {
  endpoint: { source: 'src/endpoint/index.ts', names: ['endpoint'] },
  ndjson: { source: 'src/ndjson/index.ts', names: ['ndjsonBody', 'ndjsonRecords'] },
  batch: { source: 'src/batch/index.ts', names: ['batch'] },
  limit: { source: 'src/limit/index.ts', names: ['limit'] },
  sse: { source: 'src/sse/index.ts', names: ['eventStream'] },
  cache: { source: 'src/cache/index.ts', names: ['httpCache', 'dedupe'] },
  paginate: { source: 'src/paginate/index.ts', names: ['paginate'] },
  otel: { source: 'src/otel/index.ts', names: ['tracing'] },
  openapi: { source: 'src/openapi/index.ts', names: ['openapi', 'queryOptions'] },
  outbox: { source: 'src/outbox/index.ts', names: ['outbox'] },
};
/** Optional peers an app brings itself (not sturdy's bytes). */
const PEERS = ['@opentelemetry/api'];
const KB = 1024;
const CORE_TARGET = 4.0 * KB;
const CORE_BEARER_TARGET = 4.6 * KB;

const from = (names: string[], path: string) => `export { ${names.join(', ')} } from ${JSON.stringify(path)};`;
const WITH_KY = ` export { default as ky } from 'ky';`;

export type SizeResult = {
  ky: number;
  core: number;
  coreExternal: number;
  auth: Array<{ name: string; bytes: number | undefined }>;
  /** bytes: what the entry adds over the core; withCore: core + entry, ky external (what its size-limit row measures); budget: that row's limit. */
  entries: Array<{ name: string; bytes: number; withCore: number; budget: number | undefined }>;
  /** Minified (not gzipped) bytes per sturdy module in the core bundle, largest first. */
  modules: Array<[string, number]>;
};

export async function benchSize(): Promise<SizeResult> {
  const exported = exportedNames();
  const core = from(
    CORE.filter((name) => exported.has(name)),
    SRC_INDEX,
  );
  const ky = await gzipSize(`export { default } from 'ky';`);
  const coreWithKy = await gzipSize(core + WITH_KY);
  const coreExternal = await gzipSize(core, ['ky']);
  const auth = [];
  for (const name of AUTH_STRATEGIES) {
    auth.push({
      name,
      bytes: exported.has(name) ? (await gzipSize(`${core} ${from([name], SRC_INDEX)}${WITH_KY}`)) - ky : undefined,
    });
  }
  const entries = [];
  const budgets = sizeLimits();
  for (const [name, { source, names }] of Object.entries(ENTRIES)) {
    const entry = `${core} ${from(names, resolve(ROOT, source))}`;
    const bytes = (await gzipSize(entry + WITH_KY, PEERS)) - coreWithKy;
    entries.push({
      name,
      bytes,
      withCore: await gzipSize(entry, ['ky', ...PEERS]),
      budget: budgets.get(`core + sturdy/${name}`),
    });
  }
  const modules = (await moduleBytes(core, ['ky'])).filter(([path]) => path.startsWith('src/'));
  return { ky, core: coreWithKy - ky, coreExternal, auth, entries, modules };
}

/** package.json "size-limit" limits by row name, in bytes (size-limit's kB are 1000 bytes). */
function sizeLimits(): Map<string, number> {
  const rows =
    (
      JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
        'size-limit'?: Array<{ name: string; limit: string }>;
      }
    )['size-limit'] ?? [];
  return new Map(rows.map(({ name, limit }) => [name, Number.parseFloat(limit) * 1000]));
}

const kb = (bytes: number) => `${(bytes / KB).toFixed(2)} KB`;
const met = (bytes: number, limit: number) => (bytes <= limit ? 'yes' : `no (${(bytes / limit).toFixed(1)}x)`);

/** Rows: bundle, min+gz, target, met?. Auth rows are core + strategy over ky, as the target reads. */
export function sizeRows(result: SizeResult): string[][] {
  return [
    ['ky 2.1 alone', kb(result.ky), '-', '-'],
    ['sturdy core over ky (createClient + error guards)', kb(result.core), '<= 4.00 KB', met(result.core, CORE_TARGET)],
    ['sturdy core alone, ky external', kb(result.coreExternal), '-', '-'],
    ...result.auth.map(({ name, bytes }) =>
      bytes === undefined
        ? [`core + ${name}() over ky`, 'not exported', '-', '-']
        : [
            `core + ${name}() over ky`,
            kb(bytes),
            name === 'bearer' ? '<= 4.60 KB' : '-',
            name === 'bearer' ? met(bytes, CORE_BEARER_TARGET) : '-',
          ],
    ),
    ...result.entries.map(({ name, bytes, withCore, budget }) => [
      `+ sturdy/${name} over the core (core + entry, ky external: ${(withCore / 1000).toFixed(2)} kB)`,
      kb(bytes),
      budget === undefined ? 'no size-limit row' : `core + entry <= ${(budget / 1000).toFixed(1)} kB (size-limit)`,
      budget === undefined ? '-' : met(withCore, budget),
    ]),
  ];
}

/** One line naming the largest modules of the core, to show where the bytes are. */
export const sizeBreakdown = (result: SizeResult): string =>
  `Largest modules of the core (minified, before gzip): ${result.modules
    .slice(0, 8)
    .map(([path, bytes]) => `${path.replace(/^src\//, '')} ${(bytes / KB).toFixed(1)} KB`)
    .join(', ')}.`;
