// sturdy/outbox in Chromium: tabs of one origin share an outbox (IndexedDB, Web Locks, BroadcastChannel).
// Each "tab" is a same-origin iframe with its own realm, locks and channel; removing it closes the tab.
import { expect, inject, test } from 'vitest';
import { createClient } from '../../src/index.ts';
import { outbox, type Outcome } from '../../src/outbox/index.ts';

const server = inject('conformanceUrl');

/** What a tab exposes to the test. */
type Tab = {
  frame: HTMLIFrameElement;
  /** What its deliveries carry as `x-tab`. */
  label: string;
  /** Joins outbox `name`; the tab's client sends `x-tab: <label>` with every delivery. */
  join(name: string): Promise<void>;
  send(path: string, json: unknown): Promise<{ id: string; key: string; done: Promise<Outcome> }>;
  /** Final outcomes this tab heard, with the job's key. */
  heard: Array<{ key: string; outcome: Outcome }>;
};

// The tab's code: the same source modules, loaded through vite into the iframe's own realm.
const tabSource = (label: string) => `<!doctype html><script type="module">
  const { createClient } = await import('/src/index.ts');
  const { outbox } = await import('/src/outbox/index.ts');
  window.heard = [];
  window.join = (server, name, label) => {
    const api = createClient({ baseUrl: server + '/outbox/', headers: { 'x-tab': label } });
    window.box = outbox(api, { name, retry: { delay: () => 200, jitter: false } });
    window.box.onOutcome((job, outcome) => window.heard.push({ key: job.key, outcome }));
  };
  window.send = (path, json) => window.box.send(path, { json });
  parent.postMessage({ ready: '${label}' }, '*');
</script>`;

let tabs = 0;
async function openTab(): Promise<Tab> {
  const label = `tab${++tabs}`;
  const frame = document.createElement('iframe');
  const ready = new Promise<void>((resolve) => {
    const onMessage = (event: MessageEvent) => {
      if (event.data?.ready !== label) return;
      window.removeEventListener('message', onMessage);
      resolve();
    };
    window.addEventListener('message', onMessage);
  });
  frame.srcdoc = tabSource(label);
  document.body.append(frame);
  await ready;
  const realm = frame.contentWindow as unknown as {
    join(server: string, name: string, label: string): void;
    send: Tab['send'];
    heard: Tab['heard'];
  };
  return {
    frame,
    label,
    join: async (name) => realm.join(server, name, label),
    send: (path, json) => realm.send(path, json),
    get heard() {
      return realm.heard;
    },
  };
}

const received = async (path: string) =>
  (await (await fetch(`${server}/__received?path=${encodeURIComponent(path)}`)).json()) as Array<{
    headers: Record<string, string>;
  }>;
/** Two tabs on outbox `name`; the first joins first, so it holds the lock and delivers. */
const twoTabs = async (name: string): Promise<[Tab, Tab]> => {
  const tabs = [await openTab(), await openTab()] as const;
  for (const tab of tabs) await tab.join(name);
  return [...tabs];
};

const ordersFor = async (key: string) =>
  ((await (await fetch(`${server}/outbox/__orders`)).json()) as Array<{ key: string }>).filter(
    (order) => order.key === key,
  );

test('two tabs share one outbox: the tab holding the lock delivers, both hear the outcome', async () => {
  const [first, second] = await twoTabs('shared');
  // The second tab sends; the first (it took the lock first) delivers.
  const job = await second.send('orders', { sku: 'A1' });
  const outcome = await job.done;
  expect(outcome).toMatchObject({ ok: true, data: { id: expect.any(Number) } });
  const requests = (await received('/outbox/orders')).filter((r) => r.headers['idempotency-key'] === job.key);
  expect(requests.map((r) => r.headers['x-tab'])).toEqual([first.label]);
  await expect.poll(() => first.heard.map((entry) => entry.key)).toEqual([job.key]);
  await expect.poll(() => second.heard.map((entry) => entry.key)).toEqual([job.key]);
  expect(second.heard[0]!.outcome).toMatchObject({ ok: true, data: outcome.ok ? outcome.data : undefined });
  expect(await ordersFor(job.key)).toHaveLength(1);
  first.frame.remove();
  second.frame.remove();
});

test('a tab closed mid-send: the other tab finishes the job with the same key', async () => {
  const [first, second] = await twoTabs('handover');
  const job = await first.send('slow', { sku: 'B2' });
  // The first tab's request is in progress at the server (800 ms): close that tab now.
  await expect
    .poll(async () => (await received('/outbox/slow')).some((r) => r.headers['idempotency-key'] === job.key))
    .toBe(true);
  first.frame.remove();
  await expect.poll(() => second.heard.map((entry) => entry.key), { timeout: 10_000 }).toEqual([job.key]);
  expect(second.heard[0]!.outcome).toMatchObject({ ok: true, data: { id: expect.any(Number) } });
  // The first delivery came from the closed tab, the others (409 while it was in progress, then the stored 201)
  // from the tab that took over: all with the one key, and one order.
  const requests = (await received('/outbox/slow')).filter((r) => r.headers['idempotency-key'] === job.key);
  expect(requests.map((r) => r.headers['x-tab'])).toEqual([
    first.label,
    ...Array(requests.length - 1).fill(second.label),
  ]);
  expect(requests.length).toBeGreaterThanOrEqual(2);
  expect(await ordersFor(job.key)).toHaveLength(1);
  second.frame.remove();
});

test('offline, then online: a job that failed offline is delivered at the online event, not after its backoff', async () => {
  let offline = true;
  const api = createClient({
    baseUrl: `${server}/outbox/`,
    fetch: (input, init) => (offline ? Promise.reject(new TypeError('Failed to fetch')) : fetch(input, init)),
  });
  // A minute of backoff: only the online event can bring the next delivery within this test.
  const box = outbox(api, { name: 'offline', retry: { delay: () => 60_000, jitter: false } });
  const job = await box.send('orders', { json: { sku: 'C3' } });
  await expect.poll(async () => (await box.pending())[0]?.attempts).toBe(1);
  offline = false;
  const back = performance.now();
  window.dispatchEvent(new Event('online'));
  expect(await job.done).toMatchObject({ ok: true });
  expect(performance.now() - back).toBeLessThan(10_000);
  expect(await ordersFor(job.key)).toHaveLength(1);
  expect(await box.pending()).toEqual([]);
  await box.close();
});
