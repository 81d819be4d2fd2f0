/**
 * Where a call's garbage comes from: bytes allocated per call by allocation site, for one stub-table row and
 * its ky reference, each in its own fresh process (node:inspector's sampling heap profiler, keeping the
 * samples of objects the GC has since collected, so the figure is everything allocated, not what survives).
 * Sites are functions (`respond`, ky's `create`, undici's `extractBody`, ...); the table sorts them by what the
 * row allocates over its reference. Garbage is where the stub rows' time over ky went (a row pays its
 * allocations in scavenges), and callgrind prices it differently (README, Performance), so this is the tool
 * for it. Nothing is asserted.
 * Usage: node bench/alloc.ts [off | full] [calls]   (the row and its reference: ky's floor, or ky's defaults)
 */
import { spawnSync } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { resolve } from 'node:path';
import { callMany } from './stats.ts';
import { ROWS, stubClients } from './stub.ts';

type Node = {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: Node[];
};
const PAIRS = { off: [ROWS.off, ROWS.kyFloor], full: [ROWS.full, ROWS.ky] } as const;
/** Warm calls first, so the JIT's own allocations are over (the stub tables warm 6,000 too). */
const WARM = 6000;

/** Bytes per call by site for one row, in this process. */
async function sites(row: string, calls: number): Promise<Record<string, number>> {
  const call = stubClients(await import('../src/index.ts'), false)[row]!;
  await callMany(call, WARM);
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 256,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  await callMany(call, calls);
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: Node } };
  const bytes: Record<string, number> = {};
  const walk = ({ callFrame: { functionName, url, lineNumber }, selfSize, children }: Node) => {
    const site = `${functionName || '(anonymous)'} ${url.replace(/.*\/(node_modules\/)?/, '')}:${lineNumber + 1}`;
    if (selfSize) bytes[site] = (bytes[site] ?? 0) + selfSize / calls;
    for (const child of children) walk(child);
  };
  walk(profile.head);
  return bytes;
}

if (process.argv[2] === '--child') {
  process.stdout.write(JSON.stringify(await sites(process.argv[3]!, Number(process.argv[4]))));
} else {
  const pair = PAIRS[(process.argv[2] ?? 'off') as keyof typeof PAIRS];
  if (!pair) throw new Error('bench/alloc.ts: the row is off or full');
  const calls = process.argv[3] ?? '5000';
  const [row, reference] = pair.map(
    (name) =>
      JSON.parse(
        spawnSync(process.execPath, [resolve(import.meta.dirname, 'alloc.ts'), '--child', name, calls], {
          encoding: 'utf8',
        }).stdout,
      ) as Record<string, number>,
  ) as [Record<string, number>, Record<string, number>];
  const total = (bytes: Record<string, number>) => Object.values(bytes).reduce((sum, value) => sum + value, 0);
  console.log(`${pair[0]}: ${total(row).toFixed(0)} B/call; ${pair[1]}: ${total(reference).toFixed(0)} B/call`);
  const names = [...new Set([...Object.keys(row), ...Object.keys(reference)])];
  const over = (name: string) => (row[name] ?? 0) - (reference[name] ?? 0);
  for (const name of names.sort((a, b) => over(b) - over(a)).slice(0, 20))
    console.log(`${over(name).toFixed(0).padStart(7)} ${(row[name] ?? 0).toFixed(0).padStart(7)}  ${name}`);
}
