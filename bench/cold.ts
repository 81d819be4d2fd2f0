/**
 * Cold import + first request in alternating fresh processes: ky, sturdy as
 * shipped (scripts/build.ts: one file per entry point plus shared chunks) and
 * sturdy as one ESM file (the floor), each importing ky from node_modules.
 */
import { median } from './stats.ts';
import { runJson } from './spawn.ts';

type Cold = { importMs: number; totalMs: number };
export type ColdResult = Record<string, Cold[]>;

/** The row the target is set on (sturdy as shipped): import + first request <= 1.15x ky's. */
export const COLD_TARGET_ROW = 'sturdy (dist, as shipped)';

export async function benchCold(targets: Record<string, string>, serverUrl: string, rounds = 30): Promise<ColdResult> {
  const names = Object.keys(targets);
  const result: ColdResult = Object.fromEntries(names.map((name) => [name, []]));
  // Warm the OS file cache once for each, then rotate which goes first.
  for (const name of names) await runJson<Cold>('cold-child.ts', [targets[name]!, serverUrl]);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length]!;
      result[name]!.push(await runJson<Cold>('cold-child.ts', [targets[name]!, serverUrl]));
    }
  }
  return result;
}

/** Rows: import ms, import + first request ms, its difference and ratio to ky's in the same round, target, met?. */
export function coldRows(result: ColdResult): string[][] {
  const ky = result['ky 2.1']!;
  return Object.entries(result).map(([name, colds]) => {
    const diff = median(colds.map((cold, i) => cold.totalMs - ky[i]!.totalMs));
    const ratio = median(colds.map((cold, i) => cold.totalMs / ky[i]!.totalMs));
    const targeted = name === COLD_TARGET_ROW;
    return [
      name,
      median(colds.map((c) => c.importMs)).toFixed(1),
      median(colds.map((c) => c.totalMs)).toFixed(1),
      colds === ky ? '-' : `${diff >= 0 ? '+' : ''}${diff.toFixed(1)} ms`,
      colds === ky ? '-' : `${ratio.toFixed(2)}x`,
      targeted ? '<= 1.15x ky' : '-',
      targeted ? (ratio <= 1.15 ? 'yes' : `no (${ratio.toFixed(2)}x)`) : '-',
    ];
  });
}
