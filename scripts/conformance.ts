// Runs the conformance suite (test/conformance) in the runtimes named on the command line
// (default: all that run outside vitest): one fresh test server per runtime, its URL passed in
// STURDY_CONFORMANCE_URL, and the optional entry points package.json `exports` lists (sturdy/sse, ...) in
// STURDY_CONFORMANCE_ENTRIES so their cases run too. Prints each case, then `<runtime>: N passed, N failed, N skipped`,
// writes test-results/conformance-<runtime>.json (counted by scripts/ci-summary.ts) and exits 1 on any failure.
// Usage: npm run conformance -- [node24] [node22] [node22.0] [deno] [bun] [workerd]
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { startConformanceServer } from '../test/conformance/server.ts';
import type { ConformanceReport } from '../test/conformance/runners/run.ts';
import { exportedEntryNames } from '../test/conformance/runners/package-entries.ts';
import { runInWorkerd } from '../test/conformance/runners/workerd.ts';

const CLI = 'test/conformance/runners/cli.ts';
/**
 * The runner as plain JS for Node 22.0, which cannot strip types. Only the runner is bundled;
 * `sturdy` stays external and resolves to dist. Written inside the package (test-results/ is
 * ignored by git) so the self-reference `import('sturdy')` resolves.
 */
const CLI_JS = 'test-results/conformance-cli.mjs';

// Node 22 comes from the npm registry's `node` package through npx: exact versions, so after the
// first download npx runs them from its cache (--prefer-offline: without asking the registry). 22.0.0 is the floor
// that `engines` promises; 22.23.3 the newest 22 when this was written.
const commands: Record<string, string[]> = {
  node24: [process.execPath, CLI],
  node22: ['npx', '--prefer-offline', '-y', '-p', 'node@22.23.3', 'node', CLI],
  'node22.0': ['npx', '--prefer-offline', '-y', '-p', 'node@22.0.0', 'node', CLI_JS],
  deno: ['npx', 'deno', 'run', '-A', CLI],
  bun: ['npx', 'bun', CLI],
};
const ALL = [...Object.keys(commands), 'workerd'];
/** Every case has its own 15 s limit; this catches a runtime that never starts or never exits. */
const RUNTIME_LIMIT_MS = 180_000;

const entries = exportedEntryNames().join(',');
const requested = process.argv.slice(2);
const runtimes = requested.length ? requested : ALL;
for (const name of runtimes)
  if (!ALL.includes(name)) throw new Error(`conformance: unknown runtime ${name}; known: ${ALL.join(', ')}`);

/** Runs one command-line runtime; resolves with its report (or a failure describing why there is none). */
function runCommand(runtime: string, url: string): Promise<ConformanceReport> {
  const [command, ...args] = commands[runtime]!;
  return new Promise((resolve) => {
    const child = spawn(command!, args, {
      env: {
        ...process.env,
        STURDY_CONFORMANCE_URL: url,
        STURDY_CONFORMANCE_RUNTIME: runtime,
        STURDY_CONFORMANCE_ENTRIES: entries,
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
      // Its own process group, so a runtime that hangs is killed with the npx that started it.
      detached: true,
    });
    const killer = setTimeout(() => {
      console.log(`  FAIL  ${runtime} still running after ${RUNTIME_LIMIT_MS / 1000} s; killed`);
      process.kill(-child.pid!, 'SIGKILL');
    }, RUNTIME_LIMIT_MS);
    let report: ConformanceReport | undefined;
    let buffered = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.startsWith('CONFORMANCE '))
          report = JSON.parse(line.slice('CONFORMANCE '.length)) as ConformanceReport;
        else console.log(line);
      }
    });
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve(
        report && code === 0 ? report : missing(runtime, `exited with ${code} ${report ? '' : 'without a report'}`),
      );
    });
    child.on('error', (error) => {
      clearTimeout(killer);
      resolve(missing(runtime, error.message));
    });
  });
}

const missing = (runtime: string, why: string): ConformanceReport => ({
  runtime,
  version: 'unknown',
  outcomes: [{ name: 'runner', status: 'failed', ms: 0, detail: why }],
  passed: 0,
  failed: 1,
  skipped: 0,
});

mkdirSync('test-results', { recursive: true });
if (runtimes.includes('node22.0')) {
  await build({
    entryPoints: [CLI],
    outfile: CLI_JS,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22.0',
    external: ['sturdy', 'sturdy/*', '@opentelemetry/*'],
    logLevel: 'warning',
  });
}
let failures = 0;
for (const runtime of runtimes) {
  const server = await startConformanceServer();
  const started = performance.now();
  let report: ConformanceReport;
  try {
    report =
      runtime === 'workerd'
        ? await runInWorkerd(server.url, (line) => console.log(line))
        : await runCommand(runtime, server.url);
  } catch (error) {
    report = missing(runtime, (error as Error).stack ?? String(error));
    console.log(`  FAIL  runner: ${(error as Error).message}`);
  } finally {
    await server.close();
  }
  // A runner that ran nothing has not shown that the runtime works.
  if (report.passed === 0 && report.failed === 0) report = missing(runtime, 'no case ran');
  failures += report.failed;
  writeFileSync(`test-results/conformance-${runtime}.json`, JSON.stringify(report, null, 2));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `${runtime} (${report.version}): ${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped in ${seconds} s`,
  );
}
process.exitCode = failures ? 1 : 0;
