/**
 * Mean CPU per call, garbage collection included: each stub-table row alone in fresh processes (one client per
 * process, as an app with one client), 20,000 calls after 8,000 warm ones, the event loop turning every 50 calls.
 * The stub tables report medians of per-round ratios with every client in one process, which leave out most of
 * the major collections: a round that pays one is an outlier, and one client's garbage is collected in another's
 * round. This script reports what a process pays on average, and the main-thread GC pauses within it.
 * Usage: node bench/mean-cpu.ts [processes] (default 3 per row, rows alternating). Nothing is asserted.
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
async function measure(row: string): Promise<[cpu: number, gc: number]> {
  const call = stubClients(await import('../src/index.ts'), false)[row]!;
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

if (process.argv[2] === '--child') {
  process.stdout.write(JSON.stringify(await measure(process.argv[3]!)));
} else {
  const processes = Number(process.argv[2] ?? 3);
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const results: Record<string, Array<[number, number]>> = {};
  const rows = [...new Set(PAIRS.flat())];
  for (let run = 0; run < processes; run++)
    for (const row of rows) {
      const child = spawnSync(process.execPath, [import.meta.filename, '--child', row], { encoding: 'utf8' });
      (results[row] ??= []).push(JSON.parse(child.stdout) as [number, number]);
    }
  console.log(`| row | mean CPU us/call (median of ${processes} processes) | GC pause us/call | x its ky row |`);
  console.log('|---|--:|--:|--:|');
  for (const [row, reference] of PAIRS)
    for (const name of [reference, row]) {
      const cpu = median(results[name]!.map(([value]) => value));
      const gc = median(results[name]!.map(([, value]) => value));
      const ratio = name === row ? (cpu / median(results[reference]!.map(([value]) => value))).toFixed(2) : '-';
      console.log(`| ${name} | ${cpu.toFixed(1)} | ${gc.toFixed(1)} | ${ratio} |`);
    }
}
