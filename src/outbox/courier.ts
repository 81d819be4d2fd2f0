/**
 * The delivery loop of one outbox instance: which jobs are due, one delivery each, and what
 * follows (the end of the job, or its next delivery after a backoff or the server's Retry-After).
 */
import type { Result } from '../core/response.ts';
import { MAX_TIMER } from '../shared/clock.ts';
import { OutboxError } from './errors.ts';
import type { Job, JobStore } from './job.ts';
import { unref } from './kv-store.ts';
import type { ResolvedOptions } from './options.ts';
import { verdictOf, type Outcome } from './outcome.ts';

/** Jobs delivered at once when `ordered: false`. */
const CONCURRENCY = 4;
/** The wait before looking again after the store itself failed. */
const STORE_RETRY_MS = 1_000;

/**
 * @example
 * const courier = createCourier({ store, options, poll: 2_500, deliver, onEnd }); courier.start();
 */
export type Courier = {
  /** Starts delivering (the delivering tab, or any instance with a shared store). */
  start(): void;
  /** Looks for due jobs now (a job was stored, one ended). */
  wake(): void;
  /** Back online: jobs that failed while offline are due at once (a server's Retry-After still holds). */
  online(): void;
  /** Stops delivering; deliveries in flight are aborted and their jobs stay stored. */
  stop(): void;
  /** Is this job being delivered by this instance now? */
  busy(id: string): boolean;
};

export function createCourier(context: {
  store: JobStore;
  options: ResolvedOptions;
  /** How often to look when nothing wakes this instance (a shared store: other instances' jobs). */
  poll: number | undefined;
  deliver(job: Job, signal: AbortSignal): Promise<Result<unknown>>;
  onEnd(job: Job, outcome: Outcome): void;
  /** Told what each look found (`listedAt`: epoch ms when it began). */
  onListed?: ((jobs: Job[], listedAt: number) => void) | undefined;
}): Courier {
  const { store, options, poll } = context;
  let started = false;
  let stopped = false;
  let running = false;
  let again = false;
  // Starting up counts as coming online: failures of an earlier run do not hold jobs back.
  let onlineAt = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const inFlight = new Map<string, AbortController>();

  /** `busy`: jobs are waiting, so the timer keeps a Node process alive. */
  const schedule = (ms: number, busy: boolean) => {
    clearTimeout(timer);
    if (stopped || ms === Infinity) return;
    timer = setTimeout(wake, Math.min(Math.max(ms, 0), MAX_TIMER));
    if (!busy) unref(timer);
  };

  function wake(): void {
    if (!started || stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    pass()
      .catch(() => schedule(STORE_RETRY_MS, true))
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          wake();
        }
      });
  }

  async function pass(): Promise<void> {
    const listedAt = Date.now();
    const jobs = await context.store.list();
    context.onListed?.(jobs, listedAt);
    const now = Date.now();
    const offline = globalThis.navigator?.onLine === false;
    let next = poll ?? Infinity;
    for (const job of options.ordered ? jobs.slice(0, 1) : jobs) {
      if (inFlight.has(job.id)) continue;
      const expiresAt = job.createdAt + options.maxAge;
      // A failure from before the last `online` event does not hold the job back; a server's own wait does.
      const retryAt = job.paced || job.triedAt > onlineAt ? job.nextAt : 0;
      const dueAt = Math.min(expiresAt, retryAt);
      if (dueAt > now) next = Math.min(next, dueAt - now);
      else if (offline && now < expiresAt) continue;
      else if (inFlight.size < CONCURRENCY) start(job);
    }
    schedule(next, jobs.length > 0);
  }

  function start(job: Job): void {
    // A look that began before stop() ends without delivering.
    if (stopped) return;
    const controller = new AbortController();
    inFlight.set(job.id, controller);
    run(job, controller.signal).then(
      (progressed) => {
        inFlight.delete(job.id);
        // Not held here (another instance has it): the next look is the poll.
        if (progressed) wake();
      },
      () => {
        inFlight.delete(job.id);
        schedule(STORE_RETRY_MS, true);
      },
    );
  }

  /** One delivery of `job`; true when it changed something (ended, rescheduled). */
  async function run(job: Job, signal: AbortSignal): Promise<boolean> {
    const claim = await store.claim(job);
    if (!claim) return false;
    try {
      const current = claim.job;
      if (Date.now() >= current.createdAt + options.maxAge) {
        await claim.end();
        context.onEnd(current, { ok: false, error: expired(current, options.maxAge) });
        return true;
      }
      const result = await context.deliver(current, signal);
      if (signal.aborted) {
        await claim.release();
        return false;
      }
      const attempts = current.attempts + 1;
      const verdict = verdictOf(result, attempts, options.retry);
      if (verdict.final) {
        await claim.end();
        context.onEnd({ ...current, attempts }, result);
      } else await claim.reschedule({ attempts, nextAt: verdict.nextAt, paced: verdict.paced, triedAt: Date.now() });
      return true;
    } catch (error) {
      await claim.release().catch(() => {});
      throw error;
    }
  }

  return {
    start() {
      started = true;
      wake();
    },
    wake,
    online() {
      onlineAt = Date.now();
      wake();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      for (const controller of inFlight.values()) controller.abort();
    },
    busy: (id) => inFlight.has(id),
  };
}

const expired = (job: Job, maxAge: number): OutboxError =>
  new OutboxError(
    'expired',
    `${job.method} ${job.url} got no final answer within maxAge (${maxAge} ms, ${job.attempts} deliveries): the server may have processed it (Idempotency-Key ${job.key})`,
  );
