/**
 * Mean CPU per call, garbage collection included: each stub-table row alone in fresh processes (one client per
 * process, as an app with one client), 20,000 calls after 8,000 warm ones, the event loop turning every 50 calls.
 * The stub tables report medians of per-round ratios with every client in one process, which leave out most of
 * the major collections: a round that pays one is an outlier, and one client's garbage is collected in another's
 * round. This script reports what a process pays on average, and the main-thread GC pauses within it.
 * Usage: node bench/mean-cpu.ts [processes] (default 3 per row, rows alternating; `npm run bench` runs it on its
 * bundle). Nothing is asserted.
 */
import { spawnSync } from 'node:child_process';
import { PerformanceObserver } from 'node:perf_hooks';
import { callMany } from './stats.ts';
import { ROWS, stubClients } from './stub.ts';

const CALLS = 20_000;
const WARM = 8_000;
/** The rows and the ky row each is set against. */
const PAIRS: Array<[row: string, reference: string]> = [
  [ROWS.full, ROWS.ky],
  [ROWS.off, ROWS.kyFloor],
];

/** One row in this process: mean CPU us per call (all threads) and main-thread GC pause us per call. */
async function measure(row: string, module: string): Promise<[cpu: number, gc: number]> {
  const call = stubClients(await import(module), false)[row]!;
  await callMany(call, WARM);
  let paused = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) paused += entry.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  const started = process.cpuUsage();
  await callMany(call, CALLS);
  const used = process.cpuUsage(started);
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  return [(used.user + used.system) / CALLS, (paused * 1000) / CALLS];
}

/**
 * The table's rows: each row and its ky row, mean CPU per call (median of `processes` fresh processes each, rows
 * alternating), GC pause per call, and the ratio to its ky row.
 * @example
 * table(MEAN_HEAD, await benchMeanCpu(bundle, 3));
 */
export function benchMeanCpu(module: string, processes = 3): string[][] {
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const results: Record<string, Array<[number, number]>> = {};
  const rows = [...new Set(PAIRS.flat())];
  for (let run = 0; run < processes; run++)
    for (const row of rows) {
      const child = spawnSync(process.execPath, [import.meta.filename, '--child', row, module], { encoding: 'utf8' });
      (results[row] ??= []).push(JSON.parse(child.stdout) as [number, number]);
    }
  const cpu = (name: string) => median(results[name]!.map(([value]) => value));
  return PAIRS.flatMap(([row, reference]) =>
    [reference, row].map((name) => [
      name,
      cpu(name).toFixed(1),
      median(results[name]!.map(([, value]) => value)).toFixed(1),
      name === row ? (cpu(row) / cpu(reference)).toFixed(2) : '-',
    ]),
  );
}

/** The table's columns. */
export const MEAN_HEAD = ['client', 'mean CPU us/call', 'GC pause us/call', 'x its ky row'];

if (process.argv[2] === '--child') {
  process.stdout.write(JSON.stringify(await measure(process.argv[3]!, process.argv[4]!)));
} else if (import.meta.main) {
  const processes = Number(process.argv[2] ?? 3);
  const rows = benchMeanCpu(new URL('../src/index.ts', import.meta.url).href, processes);
  console.log(`| ${MEAN_HEAD.join(' | ')} |\n|---|--:|--:|--:|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}
