/**
 * One process's flow control per origin: at most `concurrency` attempts in
 * flight, at most `requests` attempts per `interval` counted conservatively,
 * and a pause of the whole origin when the server asks for a wait.
 */
import { MAX_TIMER, now } from '../shared/clock.ts';

/**
 * Marks the end of an attempt's wait for response headers: frees its
 * concurrency slot; its rate slot stays taken for `interval` from now, or is
 * freed at once when nothing was sent (`done(false)`).
 * @example
 * const ticket = await queue.acquire(origin, wait); const response = await next(request); ticket.done();
 */
export type Ticket = { done(sent?: boolean): void };

/**
 * How one attempt waits: its signals, its deadline (absolute, on `now()`'s
 * clock), whether it goes first (a retry), what to fail with at the deadline.
 * @example
 * const wait: QueueWait = { signals: [request.signal], deadline: now() + call.remaining(), first: call.attempt > 1, onDeadline: () => timeout() };
 */
export type QueueWait = {
  signals: readonly (AbortSignal | undefined)[];
  deadline: number;
  first: boolean;
  onDeadline: () => Error;
};

/**
 * A server-asked pause: until when, and the answer (the status with the wait
 * left) for a queued attempt whose deadline falls inside it.
 * @example
 * queue.pause(origin, { until: now() + 2_000, reply: () => new Response(null, { status: 429 }) });
 */
export type Pause = { until: number; reply: () => Response };

/**
 * Per-origin queues; one instance per `limit()`.
 * @example
 * const queue = createQueue({ concurrency: 4, requests: 10, interval: 1_000 });
 */
export type OriginQueues = {
  /** Resolves with a ticket when the attempt may start, or with the pause's answer to return instead. */
  acquire(origin: string, wait: QueueWait): Promise<Ticket | Response>;
  /** Holds every attempt to `origin` until `pause.until`. */
  pause(origin: string, pause: Pause): void;
};

const MIN_PRUNE = 64;

type Waiter = { deadline: number; settle: (outcome: Ticket | Response) => void };

/** An attempt's rate slot: taken (Infinity) until its headers arrive, then until `interval` after them. */
type Slot = { until: number };

type Queue = {
  origin: string;
  active: number;
  slots: Slot[];
  /** Expired slots are dropped when the list reaches this length (doubling, so pruning costs O(1) per attempt). */
  pruneAt: number;
  /** The latest time any slot is held until, for forgetting the origin. */
  latest: number;
  waiting: Waiter[];
  paused: Pause | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  timerAt: number;
};

/**
 * Makes the per-origin queues for one `limit()` instance.
 * @example
 * const queues = createQueues({ concurrency: 2, requests: Infinity, interval: 0 });
 */
/* @__NO_SIDE_EFFECTS__ */
export function createQueues(settings: { concurrency: number; requests: number; interval: number }): OriginQueues {
  const { concurrency, requests, interval } = settings;
  const queues = new Map<string, Queue>();

  const queueOf = (origin: string): Queue => {
    let queue = queues.get(origin);
    if (!queue)
      queues.set(
        origin,
        (queue = {
          origin,
          active: 0,
          slots: [],
          pruneAt: MIN_PRUNE,
          latest: 0,
          waiting: [],
          paused: undefined,
          timer: undefined,
          timerAt: 0,
        }),
      );
    return queue;
  };

  /** Drops an origin once nothing about it can matter, so calling many origins does not grow the map. */
  const forgetIfIdle = (queue: Queue): void => {
    if (
      queue.active > 0 ||
      queue.waiting.length > 0 ||
      queue.timer !== undefined ||
      queue.paused ||
      queue.latest > now()
    )
      return;
    queues.delete(queue.origin);
  };

  /** When the next attempt may start: 0 now, a time, or Infinity (only headers arriving free a slot). */
  const nextStart = (queue: Queue, at: number): number => {
    if (queue.paused && queue.paused.until > at) return queue.paused.until;
    queue.paused = undefined;
    if (queue.active >= concurrency) return Infinity;
    if (queue.slots.length >= queue.pruneAt || queue.slots.length >= requests) {
      queue.slots = queue.slots.filter((slot) => slot.until > at);
      queue.pruneAt = Math.max(MIN_PRUNE, 2 * queue.slots.length);
    }
    if (queue.slots.length < requests) return 0;
    let earliest = Infinity;
    for (const slot of queue.slots) earliest = Math.min(earliest, slot.until);
    return earliest;
  };

  const start = (queue: Queue): Ticket => {
    queue.active += 1;
    const slot: Slot = { until: Infinity };
    if (requests !== Infinity) queue.slots.push(slot);
    let done = false;
    return {
      done(sent = true) {
        if (done) return;
        done = true;
        queue.active -= 1;
        // The server counted this attempt when it arrived, before its headers left: hold the slot a full interval after them.
        slot.until = sent ? now() + interval : 0;
        queue.latest = Math.max(queue.latest, slot.until);
        drain(queue);
      },
    };
  };

  /** A paused origin answers at once every waiter whose deadline falls inside the pause. */
  const failInsidePause = (queue: Queue): void => {
    const paused = queue.paused;
    if (!paused) return;
    const doomed = queue.waiting.filter((waiter) => waiter.deadline < paused.until);
    if (doomed.length === 0) return;
    queue.waiting = queue.waiting.filter((waiter) => waiter.deadline >= paused.until);
    for (const waiter of doomed) waiter.settle(paused.reply());
  };

  const drain = (queue: Queue): void => {
    for (;;) {
      const at = now();
      const when = nextStart(queue, at);
      if (queue.waiting.length === 0 || when === Infinity) break;
      if (when > at) {
        wakeAt(queue, when);
        return;
      }
      queue.waiting.shift()!.settle(start(queue));
    }
    // Nothing waits for a time any more: wake only when a slot expiring could let an origin be forgotten.
    if (queue.waiting.length === 0 && queue.timer === undefined && queue.active === 0) {
      const last = Math.max(queue.paused?.until ?? 0, queue.latest);
      if (last > now()) wakeAt(queue, last);
      else forgetIfIdle(queue);
    }
  };

  const wakeAt = (queue: Queue, when: number): void => {
    if (queue.timer === undefined || queue.timerAt > when) {
      clearTimeout(queue.timer);
      queue.timerAt = when;
      queue.timer = setTimeout(
        () => {
          queue.timer = undefined;
          drain(queue);
        },
        Math.min(MAX_TIMER, Math.max(0, when - now())),
      );
    }
    // A queue waiting only to forget itself must not keep a process alive (Node, Deno, Bun timers have unref).
    const timer = queue.timer as { ref?: () => void; unref?: () => void };
    if (queue.waiting.length > 0) timer.ref?.();
    else timer.unref?.();
  };

  return {
    acquire(origin, wait) {
      const queue = queueOf(origin);
      const at = now();
      if (queue.waiting.length === 0 && nextStart(queue, at) === 0) return Promise.resolve(start(queue));
      const aborted = wait.signals.find((signal) => signal?.aborted);
      if (aborted) return Promise.reject(aborted.reason);
      if (queue.paused && wait.deadline < queue.paused.until) return Promise.resolve(queue.paused.reply());
      return new Promise<Ticket | Response>((resolve, reject) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const cleanup = () => {
          clearTimeout(timer);
          for (const signal of wait.signals) signal?.removeEventListener('abort', onAbort);
        };
        const leave = (error: unknown) => {
          const index = queue.waiting.indexOf(waiter);
          if (index !== -1) queue.waiting.splice(index, 1);
          cleanup();
          reject(error);
          drain(queue);
        };
        const onAbort = (event: Event) => leave((event.target as AbortSignal).reason);
        const waiter: Waiter = {
          deadline: wait.deadline,
          settle(outcome) {
            cleanup();
            resolve(outcome);
          },
        };
        for (const signal of wait.signals) signal?.addEventListener('abort', onAbort, { once: true });
        if (wait.deadline !== Infinity)
          timer = setTimeout(() => leave(wait.onDeadline()), Math.min(MAX_TIMER, Math.max(0, wait.deadline - at)));
        if (wait.first) queue.waiting.unshift(waiter);
        else queue.waiting.push(waiter);
        drain(queue);
      });
    },
    pause(origin, pause) {
      const queue = queueOf(origin);
      if (queue.paused && queue.paused.until >= pause.until) return;
      queue.paused = pause;
      failInsidePause(queue);
      if (queue.waiting.length > 0) wakeAt(queue, pause.until);
      else drain(queue);
    },
  };
}
