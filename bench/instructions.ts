/**
 * CPU work per call that does not move with the machine's load: instructions counted by valgrind's callgrind,
 * with V8 in its predictable mode (single-threaded, fixed random and hash seeds: no concurrent compiler or GC
 * thread whose timing changes what the main thread runs). On this shared VM a client's CPU time per call moved by
 * up to 2x between runs; this count repeats within 1%. Per call = (I(warm + n) - I(warm)) / n, each count a fresh
 * process (bench/instructions-child.ts); 1,500 warm-up calls reach the steady state (after 500, the count still
 * held the JIT's tier-up work). Instructions are not time (no cache, branch or GC-thread costs) and predictable
 * mode is not the runtime's usual one; and a change of the harness alone (warm-up, event-loop turns) moved one
 * client between 0.8x and 1.4x of ky, since JIT and GC state dominate a call's count. So it settles an A/B of one
 * change under one harness; it is no verdict on a target. Nor on garbage: with one thread doing all of the GC's
 * work, each reference cycle through a Promise or a Response (a closure stored on it that holds it) counted about
 * 65k instructions per call more, where the timed CPU did not move (README, Performance).
 * Standalone: `node bench/instructions.ts [path/to/sturdy/index.js] [caller | platform] [mixed]`.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ROWS } from './stub.ts';

const CHILD = resolve(import.meta.dirname, 'instructions-child.ts');
/** The rows counted: each target row and its reference. */
const COUNTED = [ROWS.ky, ROWS.full, ROWS.kyFloor, ROWS.off];

/** Instructions callgrind counted for one child run. */
export function count(args: string[]): Promise<number> {
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--smc-check=all-non-file',
      '--callgrind-out-file=/dev/null',
      process.execPath,
      '--single-threaded',
      '--predictable',
      '--random-seed=1',
      '--hash-seed=1',
      CHILD,
      ...args,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr.on('data', (data: Buffer) => (err += data.toString()));
  return new Promise((resolvePromise, reject) => {
    child.once('error', (error) =>
      reject(new Error(`valgrind did not start (${error.message}): install it (Debian: apt-get install valgrind)`)),
    );
    child.once('close', (code) => {
      const collected = /Collected : (\d+)/.exec(err);
      if (code !== 0 || !collected)
        return reject(new Error(`instructions child ${args.join(' ')}: ${err.slice(-500)}`));
      resolvePromise(Number(collected[1]));
    });
  });
}

/** Instructions per call of each counted row; `mixed`: after every client warmed up in the same process. */
export type InstructionResult = Record<string, number>;

/**
 * Counts instructions per call for the target rows and their references, the stub as a caller's fetch or as the
 * platform's.
 * @example
 * const perCall = await benchInstructions(bundlePath, false, false);
 */
export async function benchInstructions(
  bundle: string,
  platform: boolean,
  mixed: boolean,
  warm = 1500,
  n = 1000,
): Promise<InstructionResult> {
  const mode = platform ? 'platform' : 'caller';
  const extra = mixed ? ['mixed'] : [];
  const runs = COUNTED.flatMap((row) => [0, n].map((calls) => [bundle, mode, row, `${warm}`, `${calls}`, ...extra]));
  // Two at a time (this machine has two CPUs): a count does not depend on what else runs.
  const counts: number[] = [];
  for (let index = 0; index < runs.length; index += 2)
    counts.push(...(await Promise.all(runs.slice(index, index + 2).map(count))));
  return Object.fromEntries(COUNTED.map((row, index) => [row, (counts[2 * index + 1]! - counts[2 * index]!) / n]));
}

/** Table rows: client, kilo-instructions per call and the ratio to the target's reference, alone and mixed. */
export function instructionRows(alone: InstructionResult, mixed: InstructionResult): string[][] {
  const reference: Record<string, string> = { [ROWS.full]: ROWS.ky, [ROWS.off]: ROWS.kyFloor };
  return COUNTED.map((row) => {
    const of = reference[row];
    const ratio = (result: InstructionResult) => (of ? `${(result[row]! / result[of]!).toFixed(2)}x ${of}` : '-');
    return [row, (alone[row]! / 1000).toFixed(0), ratio(alone), (mixed[row]! / 1000).toFixed(0), ratio(mixed)];
  });
}

if (import.meta.main) {
  const target = resolve(process.argv[2] ?? resolve(import.meta.dirname, '../src/index.ts'));
  const platform = process.argv[3] === 'platform';
  const mixed = process.argv[4] === 'mixed';
  process.stdout.write(`${JSON.stringify(await benchInstructions(target, platform, mixed))}\n`);
}
