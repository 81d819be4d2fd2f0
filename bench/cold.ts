/** Cold import + first request, sturdy (as shipped: the tsc build) vs ky, in alternating fresh processes. */
import { median } from './stats.ts';
import { runJson } from './spawn.ts';

type Cold = { importMs: number; totalMs: number };
export type ColdResult = Record<'ky' | 'sturdy', Cold[]>;

export async function benchCold(sturdyDist: string, serverUrl: string, rounds = 12): Promise<ColdResult> {
  const result: ColdResult = { ky: [], sturdy: [] };
  // Warm the OS file cache once for both, then alternate which goes first.
  await runJson<Cold>('cold-child.ts', ['ky', serverUrl]);
  await runJson<Cold>('cold-child.ts', [sturdyDist, serverUrl]);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? (['sturdy', 'ky'] as const) : (['ky', 'sturdy'] as const);
    for (const name of order) result[name].push(await runJson<Cold>('cold-child.ts', [name === 'ky' ? 'ky' : sturdyDist, serverUrl]));
  }
  return result;
}

export function coldRows(result: ColdResult): string[][] {
  const diff = (pick: (cold: Cold) => number) => median(result.sturdy.map((cold, i) => pick(cold) - pick(result.ky[i]!)));
  return [
    ['ky 2.1', median(result.ky.map((c) => c.importMs)).toFixed(1), median(result.ky.map((c) => c.totalMs)).toFixed(1), '-'],
    ['sturdy', median(result.sturdy.map((c) => c.importMs)).toFixed(1), median(result.sturdy.map((c) => c.totalMs)).toFixed(1), `${diff((c) => c.totalMs) >= 0 ? '+' : ''}${diff((c) => c.totalMs).toFixed(1)} ms`],
  ];
}
