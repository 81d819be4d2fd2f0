/**
 * Jobs in IndexedDB (through `idb`), shared by every tab of the origin. Only the tab holding the
 * outbox's Web Lock delivers (tabs.ts), so a claim needs no lease: the job only has to still be there.
 */
import { openDB, type IDBPDatabase } from 'idb';
import { fullError, isJob, type Job, type JobStore } from './job.ts';

const JOBS = 'jobs';

/**
 * @example
 * const store = idbJobStore('orders'); // database `sturdy-outbox:orders`
 */
export function idbJobStore(name: string): JobStore {
  const opened: Promise<IDBPDatabase> = openDB(`sturdy-outbox:${name}`, 1, {
    upgrade(db) {
      db.createObjectStore(JOBS, { keyPath: 'id' });
    },
  });
  return {
    async add(job, maxJobs) {
      const tx = (await opened).transaction(JOBS, 'readwrite');
      // Counted and added in one transaction: tabs sending at once cannot pass maxJobs together.
      if ((await tx.store.count()) >= maxJobs) {
        tx.abort();
        await tx.done.catch(() => {});
        throw fullError(maxJobs);
      }
      await tx.store.add(job);
      await tx.done;
    },
    async list() {
      return ((await (await opened).getAll(JOBS)) as unknown[]).filter(isJob);
    },
    async claim(job) {
      const db = await opened;
      const current: unknown = await db.get(JOBS, job.id);
      if (!isJob(current)) return undefined;
      return {
        job: current,
        reschedule: async (schedule) => void (await db.put(JOBS, { ...current, ...schedule } satisfies Job)),
        end: () => db.delete(JOBS, job.id),
        release: async () => {},
      };
    },
    async close() {
      (await opened).close();
    },
  };
}
