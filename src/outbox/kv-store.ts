/**
 * Jobs in an unstorage `Storage` (fs, Redis, ...) that several instances may share. Each instance keeps a
 * presence record alive while it runs and delivers the jobs it sent; a job whose sender's presence has
 * lapsed (it died, or closed) is taken over by another instance under a lease of its own. The job record
 * is written once; what changes (attempts, next delivery, the lease) is a separate small record.
 */
import { sleep } from '../shared/clock.ts';
import type { KeyValueStorage } from '../shared/storage.ts';
import { fullError, isJob, type Claim, type Job, type JobStore, type Schedule } from './job.ts';

type State = Schedule & { owner?: string; until?: number };
type Presence = { until: number };

/** unstorage has no atomic set-if-absent: a takeover is confirmed by reading its lease back after this long. */
const SETTLE_MS = 50;
const FRESH: Schedule = { attempts: 0, nextAt: 0, paced: false, triedAt: 0 };

const scheduleOf = (state: unknown): Schedule => {
  const value = state as Partial<State> | null;
  if (typeof value !== 'object' || value === null || typeof value.attempts !== 'number') return FRESH;
  return {
    attempts: value.attempts,
    nextAt: Number(value.nextAt) || 0,
    paced: value.paced === true,
    triedAt: Number(value.triedAt) || 0,
  };
};

const holder = (state: unknown): string | undefined => {
  const value = state as Partial<State> | null;
  return value && typeof value.owner === 'string' && Number(value.until) > Date.now() ? value.owner : undefined;
};

const alive = (presence: unknown): boolean => Number((presence as Partial<Presence> | null)?.until) > Date.now();

/**
 * Keeps timers from holding a Node process open (browsers give numbers).
 * @example
 * unref(setInterval(renew, 1_000));
 */
export const unref = <T>(timer: T): T => {
  (timer as { unref?: () => void }).unref?.();
  return timer;
};

/**
 * @example
 * const store = kvJobStore(createStorage({ driver: redisDriver({ url }) }), { name: 'orders', sender, lease: 5_000 });
 */
export function kvJobStore(
  storage: KeyValueStorage,
  { name, sender, lease }: { name: string; sender: string; lease: number },
): JobStore {
  const base = `sturdy-outbox:${name}`;
  const jobKey = (id: string) => `${base}:job:${id}`;
  const stateKey = (id: string) => `${base}:state:${id}`;
  const aliveKey = (instance: string) => `${base}:alive:${instance}`;
  /** Job records never change: each is read once. */
  const known = new Map<string, Job>();
  // A failed write is retried at the next renewal; a store that is down fails `add` on its own.
  const present = () =>
    storage.setItem(aliveKey(sender), { until: Date.now() + lease } satisfies Presence).catch(() => {});
  let ready = present();
  const presence = unref(setInterval(() => (ready = present()), lease / 3));

  const load = async (id: string): Promise<Job | undefined> => {
    let job = known.get(id);
    if (!job) {
      const record = await storage.getItem(jobKey(id));
      if (!isJob(record)) return undefined;
      job = record;
      known.set(id, job);
    }
    return { ...job, ...scheduleOf(await storage.getItem(stateKey(id))) };
  };

  /**
   * The waiting jobs' ids (oldest first) and the instances alive; stale presence records and leftover
   * states are removed on the way.
   */
  const scan = async () => {
    const ids: string[] = [];
    const states: string[] = [];
    const live = new Set([sender]);
    for (const key of await storage.getKeys(base)) {
      const [kind, id] = key.slice(base.length + 1).split(':');
      if (!id) continue;
      if (kind === 'job') ids.push(id);
      else if (kind === 'state') states.push(id);
      else if (kind === 'alive' && id !== sender) {
        if (alive(await storage.getItem(key))) live.add(id);
        else await storage.removeItem(key);
      }
    }
    const waiting = new Set(ids);
    // A crash between removing a job and its state leaves the state: nobody holds it any more.
    for (const id of states)
      if (!waiting.has(id) && !holder(await storage.getItem(stateKey(id)))) await storage.removeItem(stateKey(id));
    for (const id of known.keys()) if (!waiting.has(id)) known.delete(id);
    return { ids: ids.sort(), live };
  };

  return {
    async add(job, maxJobs) {
      await ready;
      if ((await storage.getKeys(`${base}:job`)).length >= maxJobs) throw fullError(maxJobs);
      const { attempts: _a, nextAt: _n, paced: _p, triedAt: _t, ...record } = job;
      await storage.setItem(jobKey(job.id), record);
    },
    async list() {
      const { ids, live } = await scan();
      const jobs: Job[] = [];
      for (const id of ids) {
        const job = await load(id);
        if (!job) continue;
        // Another live instance delivers it: never due here, but in its place (an ordered outbox waits for it).
        if (job.sender !== sender && live.has(job.sender)) jobs.push({ ...job, nextAt: Infinity, paced: true });
        // A dead instance's backoff goes with it: its jobs are due at once (a server's Retry-After still holds).
        else jobs.push(live.has(job.sender) || job.paced ? job : { ...job, nextAt: 0 });
      }
      return jobs;
    },
    async claim(job): Promise<Claim | undefined> {
      const own = job.sender === sender;
      // Another live instance delivers the jobs it sent.
      if (!own && alive(await storage.getItem(aliveKey(job.sender)))) return undefined;
      const state = await storage.getItem(stateKey(job.id));
      const owner = holder(state);
      if (owner !== undefined && owner !== sender) return undefined;
      const schedule = scheduleOf(state);
      const hold = () =>
        storage.setItem(stateKey(job.id), { ...schedule, owner: sender, until: Date.now() + lease } satisfies State);
      await hold();
      if (!own) {
        await sleep(SETTLE_MS);
        if (holder(await storage.getItem(stateKey(job.id))) !== sender) return undefined;
      }
      // Read anew, not from `known`: it may have ended since it was listed.
      const current = await storage.getItem(jobKey(job.id));
      if (!isJob(current)) {
        await storage.removeItem(stateKey(job.id));
        return undefined;
      }
      const renew = unref(setInterval(() => void hold().catch(() => {}), lease / 3));
      return {
        job: { ...current, ...schedule },
        async reschedule(next) {
          clearInterval(renew);
          await storage.setItem(stateKey(job.id), next);
        },
        async end() {
          clearInterval(renew);
          await storage.removeItem(jobKey(job.id));
          await storage.removeItem(stateKey(job.id));
          known.delete(job.id);
        },
        async release() {
          clearInterval(renew);
          await storage.setItem(stateKey(job.id), schedule);
        },
      };
    },
    async close() {
      clearInterval(presence);
      await ready;
      // Gone: another instance may take this one's jobs over at once.
      await storage.removeItem(aliveKey(sender));
    },
  };
}
