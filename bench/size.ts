/**
 * Bundle size: esbuild, browser, minified, gzip -9. sturdy's cost is what it
 * adds to an app that already has ky: gzip(sturdy + ky) - gzip(ky).
 */
import { exportedNames, gzipSize, moduleBytes, SRC_INDEX } from './build.ts';

const AUTH_STRATEGIES = ['bearer', 'apiKey', 'basic', 'clientCredentials'];
const CORE = ['createClient', 'isSturdyError', 'isHTTPError', 'isTimeoutError', 'isNetworkError', 'isParseError', 'isValidationError', 'isSerializationError'];

const entry = (names: string[]) => `export { ${names.join(', ')} } from ${JSON.stringify(SRC_INDEX)};`;

export type SizeResult = {
  ky: number;
  core: number;
  coreExternal: number;
  auth: Array<{ name: string; bytes: number | undefined }>;
  extra: Array<{ name: string; bytes: number }>;
  /** Minified (not gzipped) bytes per sturdy module in the core bundle, largest first. */
  modules: Array<[string, number]>;
};

export async function benchSize(): Promise<SizeResult> {
  const exported = exportedNames();
  const core = CORE.filter((name) => exported.has(name));
  const ky = await gzipSize(`export { default } from 'ky';`);
  const coreWithKy = await gzipSize(`${entry(core)} export { default as ky } from 'ky';`);
  const coreExternal = await gzipSize(entry(core), ['ky']);
  const auth = [];
  for (const name of AUTH_STRATEGIES) {
    auth.push({ name, bytes: exported.has(name) ? (await gzipSize(`${entry([...core, name])} export { default as ky } from 'ky';`)) - coreWithKy : undefined });
  }
  // Opt-in helpers of this issue: what each adds when imported (tree-shaken otherwise).
  const extra = [];
  for (const name of ['ndjsonBody', 'ndjsonRecords', 'batch'].filter((helper) => exported.has(helper))) {
    extra.push({ name, bytes: (await gzipSize(`${entry([...core, name])} export { default as ky } from 'ky';`)) - coreWithKy });
  }
  const modules = (await moduleBytes(entry(core), ['ky'])).filter(([path]) => path.startsWith('src/'));
  return { ky, core: coreWithKy - ky, coreExternal, auth, extra, modules };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;

export function sizeRows(result: SizeResult): string[][] {
  return [
    ['ky 2.1 alone', kb(result.ky), '-'],
    ['sturdy core over ky (client + JSON + retry + errors)', kb(result.core), '<= 2.50 KB'],
    ['sturdy core alone, ky external', kb(result.coreExternal), '-'],
    ...result.auth.map(({ name, bytes }) => [`+ ${name}()`, bytes === undefined ? 'not exported yet' : kb(bytes), '<= 0.60 KB']),
    ...result.extra.map(({ name, bytes }) => [`+ ${name}() (opt-in)`, kb(bytes), '-']),
  ];
}

/** One line naming the largest modules of the core, to show where the bytes are. */
export const sizeBreakdown = (result: SizeResult): string =>
  `Largest modules of the core (minified, before gzip): ${result.modules
    .slice(0, 8)
    .map(([path, bytes]) => `${path.replace(/^src\//, '')} ${(bytes / 1024).toFixed(1)} KB`)
    .join(', ')}.`;
