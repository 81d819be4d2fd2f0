/**
 * Node side of the workerd run: bundles worker.ts with the BUILT package
 * (imported as `sturdy`, and `sturdy/<name>` for each optional entry point package.json
 * `exports` lists, through that `exports`) into one ES module,
 * starts it in workerd through miniflare's Node API and asks it to run.
 */
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { exportedEntryNames } from './package-entries.ts';
import type { ConformanceReport } from './run.ts';

/** Newest date this workerd supports is its version's date; an older fixed one keeps runs stable. */
const COMPATIBILITY_DATE = '2026-07-01';

/**
 * @example
 * const report = await runInWorkerd(server.url, console.log);
 */
export async function runInWorkerd(url: string, log: (line: string) => void): Promise<ConformanceReport> {
  const workerd = (JSON.parse(readFileSync('node_modules/workerd/package.json', 'utf8')) as { version: string })
    .version;
  // Static imports: the bundle has to contain every entry the worker loads.
  const names = exportedEntryNames();
  const contents = [
    "import * as sturdy from 'sturdy';",
    ...names.map((name) => `import * as ${name} from 'sturdy/${name}';`),
    "import { conformanceWorker } from './test/conformance/runners/worker.ts';",
    `export default conformanceWorker(sturdy, { ${names.join(', ')} }, 'workerd ${workerd}');`,
  ].join('\n');
  const bundle = await build({
    stdin: {
      contents,
      resolveDir: process.cwd(),
      sourcefile: 'conformance-worker.ts',
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    write: false,
    logLevel: 'warning',
  });
  const script = bundle.outputFiles[0]!.text;
  const miniflare = new Miniflare({
    modules: true,
    script,
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: { SERVER_URL: url },
  });
  try {
    const response = await miniflare.dispatchFetch('http://conformance.local/');
    const { report, lines } = (await response.json()) as { report: ConformanceReport; lines: string[] };
    for (const line of lines) log(line);
    return report;
  } finally {
    await miniflare.dispose();
  }
}
