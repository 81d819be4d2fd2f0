/**
 * Measurement helpers shared by the bench sections: medians and alternating
 * rounds (the machine is shared and noisy, so every case runs in every round,
 * in a balanced order, and each figure is a median over rounds).
 */

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** One case: runs its workload once and returns the figure for that round (e.g. us/op). */
export type Case = () => Promise<number>;

/** Samples per case name, one per round. */
export type Samples = Record<string, number[]>;

/**
 * The orders of a balanced Latin square (Williams design) of `n` cases: over all of them each case runs right
 * after every other case equally often. A case pays for garbage its predecessor left: a plain rotation never
 * changes the predecessor, and with every stub client in one process it ran sturdy's "off" row always right after
 * "full" (the largest allocator): off/floor 1.46x and full/ky 1.07x, against 1.28x and 1.28x in balanced orders.
 */
function balancedOrders(n: number): number[][] {
  const first = Array.from({ length: n }, (_, i) => (i % 2 ? (i + 1) >> 1 : (n - (i >> 1)) % n));
  const orders = first.map((_, shift) => first.map((index) => (index + shift) % n));
  // An odd number of cases needs the reversed orders too.
  return n % 2 ? [...orders, ...orders.map((order) => [...order].reverse())] : orders;
}

/**
 * Runs every case `warmup` times (discarded), then `rounds` rounds in which every case runs once, each round in
 * the next order of a balanced Latin square ({@link balancedOrders}; from a random one, so rounds pooled from
 * several processes cover the square), so no case always runs after the same one, first after a GC or last
 * before one.
 */
export async function alternate(cases: Record<string, Case>, rounds: number, warmup = 1): Promise<Samples> {
  const names = Object.keys(cases);
  const orders = balancedOrders(names.length);
  for (let i = 0; i < warmup; i++) for (const name of names) await cases[name]!();
  const samples: Samples = Object.fromEntries(names.map((name) => [name, []]));
  const start = Math.floor(Math.random() * orders.length);
  for (let round = 0; round < rounds; round++)
    for (const index of orders[(start + round) % orders.length]!) {
      const name = names[index]!;
      samples[name]!.push(await cases[name]!());
    }
  return samples;
}

/** Median over rounds of `a[i] / b[i]`: a ratio measured within each round, robust to drift between rounds. */
export const pairedRatio = (a: readonly number[], b: readonly number[]): number =>
  median(a.map((value, i) => value / b[i]!));

/** CPU microseconds (user + system, all threads) this process spent since `since`. */
export const cpuSince = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return used.user + used.system;
};

/** How many calls run between two turns of the event loop in {@link callMany}. */
export const CALLS_PER_TURN = 50;

/**
 * Runs `op` `n` times in sequence, letting the event loop turn every {@link CALLS_PER_TURN} calls, as the I/O of
 * a real call does: a stub that answers at once never yields, so the clean-up tasks of undici's
 * FinalizationRegistry never ran and the heap grew by 1-2 KiB per call, slowing every later call by its
 * allocations. Every bench loop over the stub runs through it (timed, counted or profiled).
 * @example
 * await callMany(() => api.post('orders', { json }).json(), 6_000);
 */
export async function callMany(op: () => Promise<unknown>, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) {
    await op();
    if (i % CALLS_PER_TURN === 0) await turn();
  }
}

/**
 * {@link callMany}, timed: CPU microseconds per op. CPU time, not wall time: on a shared machine the time this
 * process sat preempted is not charged to it.
 */
export async function perOp(op: () => Promise<unknown>, n: number): Promise<number> {
  const started = process.cpuUsage();
  await callMany(op, n);
  return cpuSince(started) / n;
}

/** One turn of the event loop (its timers, I/O and queued tasks run). */
export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** `yes`, or `no` with the figure, for a measured ratio against a floor (higher is better: req/s). */
export const meets = (ratio: number, target: number): string => (ratio >= target ? 'yes' : `no (${ratio.toFixed(2)}x)`);
/** `yes`, or `no` with the figure, for a measured ratio against a ceiling (lower is better: time, bytes). */
export const within = (ratio: number, limit: number): string => (ratio <= limit ? 'yes' : `no (${ratio.toFixed(2)}x)`);

export const fixed = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : '-');
