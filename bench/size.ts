/**
 * Bundle size: esbuild, browser, minified, gzip -9. The core's figure is DESIGN's budget, measured as
 * scripts/size-core.ts measures it (a one-call app, ky external). Each entry point is what importing it adds
 * to the core: gzip(core + entry + ky) - gzip(core + ky), optional peers external (the settings of
 * bench/build.ts, which scripts/packaging.ts also uses for the size-limit rows).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type LeanSize, leanCoreSize } from '../scripts/size-core.ts';
import { CORE_EXPORTS, exportedNames, gzipSize, ROOT, SRC_INDEX } from './build.ts';
import { within } from './stats.ts';

/** The core as scripts/packaging.ts bundles it (its size-limit "core" row). */
const CORE = [...CORE_EXPORTS];
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
/** DESIGN "Lean core" budgets, in bytes min+gz (kB = 1000 bytes, as scripts/size-core.ts and size-limit count). */
const CORE_BUDGET = 7000;
const CORE_BEARER_BUDGET = 9000;

const from = (names: string[], path: string) => `export { ${names.join(', ')} } from ${JSON.stringify(path)};`;
const WITH_KY = ` export { default as ky } from 'ky';`;

export type SizeResult = {
  ky: number;
  /** DESIGN's figures: the one-call app, ky external, alone and with bearer. */
  lean: LeanSize;
  leanBearer: LeanSize;
  /** The same two apps' min+gz bytes in the default build (dist/index.js: workers, edge, no condition) and Node's. */
  web: number;
  webBearer: number;
  node: number;
  nodeBearer: number;
  /** bytes: what the entry adds over the core; withCore: core + entry, ky external (what its size-limit row measures); budget: that row's limit. */
  entries: Array<{ name: string; bytes: number; withCore: number; budget: number | undefined }>;
};

export async function benchSize(): Promise<SizeResult> {
  const exported = exportedNames();
  const core = from(
    CORE.filter((name) => exported.has(name)),
    SRC_INDEX,
  );
  const ky = await gzipSize(`export { default } from 'ky';`);
  const coreWithKy = await gzipSize(core + WITH_KY);
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
  return {
    ky,
    lean: await leanCoreSize('core'),
    leanBearer: await leanCoreSize('core + bearer'),
    web: (await leanCoreSize('core', 'web')).gzip,
    webBearer: (await leanCoreSize('core + bearer', 'web')).gzip,
    node: (await leanCoreSize('core', 'node')).gzip,
    nodeBearer: (await leanCoreSize('core + bearer', 'node')).gzip,
    entries,
  };
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

const kB = (bytes: number) => `${(bytes / 1000).toFixed(2)} kB`;
const met = (bytes: number, limit: number) => within(bytes / limit, 1);

/** Rows: bundle, min+gz, target, met?. */
export function sizeRows(result: SizeResult): string[][] {
  return [
    ['ky 2.1 alone', kB(result.ky), '-', '-'],
    [
      'sturdy core: createClient + a POST `.json()`, ky external',
      kB(result.lean.gzip),
      `<= ${kB(CORE_BUDGET)}`,
      met(result.lean.gzip, CORE_BUDGET),
    ],
    [
      'core + bearer(), same app',
      kB(result.leanBearer.gzip),
      `<= ${kB(CORE_BEARER_BUDGET)}`,
      met(result.leanBearer.gzip, CORE_BEARER_BUDGET),
    ],
    // What a bundler without the `browser` condition (or of dist/index.js) gets, and what Node, Bun and Deno load.
    ...(
      [
        ['the same core app, default build (dist/index.js: workers, edge)', result.web, CORE_BUDGET],
        ['core + bearer(), default build', result.webBearer, CORE_BEARER_BUDGET],
        ['the same core app, Node/Bun/Deno build (dist/node)', result.node, CORE_BUDGET],
        ['core + bearer(), Node/Bun/Deno build', result.nodeBearer, CORE_BEARER_BUDGET],
      ] as const
    ).map(([name, bytes, budget]) => [name, kB(bytes), `<= ${kB(budget)}`, met(bytes, budget)]),
    ...result.entries.map(({ name, bytes, withCore, budget }) => [
      `+ sturdy/${name} over the core (core + entry, ky external: ${kB(withCore)})`,
      kB(bytes),
      budget === undefined ? 'no size-limit row' : `core + entry <= ${kB(budget)} (size-limit)`,
      budget === undefined ? '-' : met(withCore, budget),
    ]),
  ];
}

/** Minified bytes per module of the core + bearer app (DESIGN's figure), largest first. */
export const sizeBreakdown = ({ leanBearer }: SizeResult): string =>
  `Minified bytes per module of core + bearer (before gzip; ${leanBearer.min.toLocaleString('en')} B in all): ${leanBearer.modules
    .filter(([path]) => path.startsWith('src/'))
    .map(([path, bytes]) => `${path.replace(/^src\//, '')} ${bytes.toLocaleString('en')}`)
    .join(', ')}.`;
