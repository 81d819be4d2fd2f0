/**
 * sturdy/outbox: mutations that reach the server exactly once, even when the tab closes, the
 * device goes offline or the process crashes between sending and hearing back. A job is stored
 * (request without credentials, body, Idempotency-Key) before any network call, then delivered
 * through the client with the same key until a final outcome.
 * @example
 * import { outbox } from 'sturdy/outbox';
 * const box = outbox(api, { name: 'orders' });
 * const job = await box.send('orders', { method: 'POST', json: order }); // stored
 * const outcome = await job.done; // { ok: true, data, response } | { ok: false, error }
 */
import type { SturdyClient } from '../core/client.ts';
import { createRedactor, type Redactor } from '../core/redact.ts';
import { optionError } from '../shared/option-error.ts';
import { createCourier } from './courier.ts';
import { OutboxError } from './errors.ts';
import { idbJobStore } from './idb-store.ts';
import { createJob, deliveryOptions, infoOf, type Job, type JobInfo, type SendOptions } from './job.ts';
import { kvJobStore } from './kv-store.ts';
import { resolveOptions, type OutboxOptions } from './options.ts';
import { outcomeFromData, outcomeToData, type Outcome } from './outcome.ts';
import { joinTabs, type TabMessage } from './tabs.ts';

export { OutboxError, isOutboxError, type OutboxErrorReason } from './errors.ts';
export type { JobInfo, SendOptions } from './job.ts';
export type { OutboxOptions } from './options.ts';
export type { Outcome } from './outcome.ts';

/**
 * A stored job: `done` resolves (never rejects) with its final outcome, in the tab or instance that sent it.
 * @example
 * const { id, key, done } = await box.send('orders', { json: order });
 */
export type OutboxJob<T = unknown> = JobInfo & { done: Promise<Outcome<T>> };

/**
 * Hears every job's final outcome: in browsers in every tab of the outbox, with a shared store in the
 * instance that ended it.
 * @example
 * box.onOutcome((job, outcome) => toast(outcome.ok ? `order ${job.key} placed` : outcome.error.message));
 */
export type OutcomeListener = (job: JobInfo, outcome: Outcome) => void;

/**
 * An outbox, made by {@link outbox}.
 * @example
 * const job = await box.send('orders', { json: order }); (await box.pending()).length; box.close();
 */
export type Outbox = {
  /** Stores the request, then delivers it; resolves once it is stored (durable), rejects if it cannot be. */
  send<T = unknown>(input: string | URL, options?: SendOptions): Promise<OutboxJob<T>>;
  /** The jobs waiting (in every tab or instance of this outbox), oldest first. */
  pending(): Promise<JobInfo[]>;
  /** Adds a listener of final outcomes; returns a function that removes it. */
  onOutcome(listener: OutcomeListener): () => void;
  /** Delivers due jobs now, cutting short the backoff of failures (what the browser's `online` event does). */
  resume(): void;
  /** Stops this instance: deliveries in flight are aborted and their jobs stay stored for the next one. */
  close(): Promise<void>;
};

/** One redactor per client: it knows the client's and its auth strategy's credential names and values. */
const redactors = new WeakMap<SturdyClient, Redactor>();

const redactorFor = (api: SturdyClient): Redactor => {
  let redactor = redactors.get(api);
  if (!redactor) {
    redactor = createRedactor(api.options.redact);
    if (api.options.auth) api.options.auth.register?.(redactor);
    redactors.set(api, redactor);
  }
  return redactor;
};

/**
 * Creates (or joins: same name, same store or origin) an outbox delivering through `api`. Jobs left by an
 * earlier run are delivered at once.
 * @example
 * const box = outbox(api, { name: 'orders' }); // browsers: IndexedDB; elsewhere pass `store`
 * const box = outbox(api, { name: 'orders', store: createStorage({ driver: fsDriver({ base: './outbox' }) }) });
 */
export function outbox(api: SturdyClient, options: OutboxOptions): Outbox {
  const resolved = resolveOptions(options);
  const { name, store: storage, lease, maxJobs, maxBodyBytes } = resolved;
  if (!storage && typeof indexedDB === 'undefined')
    throw optionError('/outbox', 'store', 'an unstorage Storage where there is no IndexedDB', storage);
  const sender = crypto.randomUUID();
  const redactor = redactorFor(api);
  const base =
    api.options.prefix === undefined ? String(api.options.baseUrl ?? globalThis.location?.href ?? '') : undefined;
  const store = storage ? kvJobStore(storage, { name, sender, lease }) : idbJobStore(name);
  /** This instance's sends still waiting for their outcome; `storedAt`: when `add` resolved (Infinity before). */
  const waiters = new Map<string, { resolve: (outcome: Outcome) => void; job: Job; storedAt: number }>();
  const listeners = new Set<OutcomeListener>();
  let closed = false;

  const finish = (job: JobInfo, outcome: Outcome) => {
    waiters.get(job.id)?.resolve(outcome);
    waiters.delete(job.id);
    for (const listener of listeners) {
      try {
        listener(job, outcome);
      } catch {
        // One listener's failure must not keep the others (or the delivery loop) from going on.
      }
    }
  };
  const courier = createCourier({
    store,
    options: resolved,
    // With a shared store nothing tells this instance of other instances' jobs: it looks twice per lease.
    poll: storage ? lease / 2 : undefined,
    deliver: (job: Job, signal) => api(job.url, deliveryOptions(job, signal)).result(),
    // With a store: a job of this instance's that another instance ended (it took it over while this one was
    // unresponsive, past its lease) is stored again; its next delivery gets the server's stored answer for done.
    onListed: storage
      ? (jobs, listedAt) => {
          const waiting = new Set(jobs.map((job) => job.id));
          for (const [id, waiter] of waiters) {
            if (waiter.storedAt >= listedAt || waiting.has(id) || courier.busy(id)) continue;
            waiter.storedAt = Infinity;
            store.add(waiter.job, Infinity).then(
              () => (waiter.storedAt = Date.now()),
              () => {},
            );
          }
        }
      : undefined,
    onEnd(job, outcome) {
      const info = infoOf(job);
      finish(info, outcome);
      tabs?.post({ type: 'outcome', job: info, outcome: outcomeToData(outcome, redactor) });
    },
  });
  const tabs = storage
    ? undefined
    : joinTabs(name, {
        lead: () => courier.start(),
        hear: (message: TabMessage) =>
          message.type === 'wake'
            ? courier.wake()
            : finish(message.job, outcomeFromData(message.outcome, message.job.url)),
      });
  if (storage) courier.start();
  const online = () => courier.online();
  globalThis.addEventListener?.('online', online);

  return {
    async send<T>(input: string | URL, sendOptions: SendOptions = {}): Promise<OutboxJob<T>> {
      if (closed) throw new OutboxError('closed', `outbox ${name} is closed`);
      const job = createJob(input, sendOptions, { sender, redactor, maxBodyBytes, base });
      const waiter = { resolve: (_outcome: Outcome) => {}, job, storedAt: Infinity };
      const done = new Promise<Outcome>((resolve) => (waiter.resolve = resolve));
      waiters.set(job.id, waiter);
      try {
        await store.add(job, maxJobs);
      } catch (error) {
        waiters.delete(job.id);
        throw error;
      }
      waiter.storedAt = Date.now();
      courier.wake();
      tabs?.post({ type: 'wake' });
      return { ...infoOf(job), done: done as Promise<Outcome<T>> };
    },
    async pending() {
      return (await store.list()).map(infoOf);
    },
    onOutcome(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    resume: online,
    async close() {
      if (closed) return;
      closed = true;
      courier.stop();
      tabs?.leave();
      globalThis.removeEventListener?.('online', online);
      await store.close();
    },
  };
}
