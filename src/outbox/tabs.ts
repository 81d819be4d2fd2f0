/**
 * Tabs of one origin sharing an outbox: one delivers at a time (it holds the outbox's Web Lock until it
 * closes, then the next tab waiting takes over), and every tab hears what happened (BroadcastChannel).
 */
import type { JobInfo } from './job.ts';
import type { OutcomeData } from './outcome.ts';

/** What tabs tell each other: a job was stored (the delivering tab looks), or a job ended. */
export type TabMessage = { type: 'wake' } | { type: 'outcome'; job: JobInfo; outcome: OutcomeData };

/**
 * Joins the outbox `name` of this origin: `lead` is called once this tab holds the lock, `hear` with each
 * message of another tab.
 * @example
 * const tab = joinTabs('orders', { lead: () => courier.start(), hear: (message) => ... });
 */
export function joinTabs(
  name: string,
  on: { lead(): void; hear(message: TabMessage): void },
): { post(message: TabMessage): void; leave(): void } {
  const id = `sturdy-outbox:${name}`;
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(id) : undefined;
  if (channel) channel.onmessage = (event: MessageEvent<TabMessage>) => on.hear(event.data);
  const leaving = new AbortController();
  let leave = () => {};
  const held = new Promise<void>((resolve) => (leave = resolve));
  const locks = globalThis.navigator?.locks;
  if (locks)
    locks
      .request(id, { signal: leaving.signal }, () => {
        on.lead();
        return held;
      })
      .catch(() => {});
  // Without Web Locks every tab delivers: the server's Idempotency-Key handling still keeps one effect per job.
  else on.lead();
  return {
    post: (message) => channel?.postMessage(message),
    leave() {
      leaving.abort();
      leave();
      channel?.close();
    },
  };
}
