/**
 * sturdy/outbox in every runtime, with an in-memory unstorage store: a job is stored without its
 * credential, delivered with its Idempotency-Key to a real idempotency layer, and ends the store empty;
 * a final 422 is reported. (Tabs, IndexedDB and crashes: test/browser/outbox.test.ts, test/outbox-processes.test.ts.)
 */
import { createStorage } from 'unstorage';
import type { CaseContext } from '../context.ts';
import { expect } from '../harness.ts';

type OutboxModule = typeof import('../../../src/outbox/index.ts');

/**
 * @example
 * registerOutboxCases(createContext(registry, { url, runtime: 'bun', sturdy, entries: { outbox } }));
 */
export function registerOutboxCases({ registry, url, sturdy, received, entry, runtime }: CaseContext): void {
  const { outbox } = entry<OutboxModule>('outbox');
  const token = `conformance-${runtime}-secret`;
  const open = () => {
    const store = createStorage();
    const api = sturdy.createClient({ baseUrl: `${url}/outbox/`, auth: sturdy.bearer(token) });
    return { store, box: outbox(api, { name: `conformance-${runtime}`, store, retry: { delay: () => 50 } }) };
  };

  registry.test('outbox: a job is stored without its credential, delivered once with its key, then gone', async () => {
    const { store, box } = open();
    try {
      const job = await box.send('orders', { json: { sku: 'A1', runtime } });
      const stored = await Promise.all((await store.getKeys()).map((key) => store.getItem(key)));
      expect(JSON.stringify(stored)).toContain(job.key);
      expect(JSON.stringify(stored)).notToContain(token);
      const outcome = await job.done;
      expect(outcome.ok && outcome.response.status).toBe(201);
      const requests = (await received('/outbox/orders')).filter(
        (request) => request.headers['idempotency-key'] === job.key,
      );
      expect(requests.length).toBe(1);
      expect(requests[0]?.headers.authorization).toBe(`Bearer ${token}`);
      expect(await box.pending()).toEqual([]);
    } finally {
      await box.close();
    }
  });

  registry.test('outbox: the key reused with another body gets a final 422, reported and not repeated', async () => {
    const { box } = open();
    try {
      const key = `conformance-${runtime}-${Date.now()}`;
      const first = await box.send('orders', { json: { n: 1 }, idempotencyKey: key });
      const second = await box.send('orders', { json: { n: 2 }, idempotencyKey: key });
      expect((await first.done).ok).toBe(true);
      const outcome = await second.done;
      expect(!outcome.ok && sturdy.isHTTPError(outcome.error) && outcome.error.response.status).toBe(422);
      const requests = (await received('/outbox/orders')).filter(
        (request) => request.headers['idempotency-key'] === key,
      );
      expect(requests.length).toBe(2);
    } finally {
      await box.close();
    }
  });
}
