/**
 * The outbox toggle: a send goes through sturdy/outbox (stored in IndexedDB with its Idempotency-Key
 * before any request, then delivered until a final answer), and the page opens the outbox again on
 * start-up, as an app would, so a job a reload cut short is delivered again with the same key.
 */
import type { SturdyClient } from '../src/index.ts';
import { outbox, type Outbox, type Outcome, type SendOptions } from '../src/outbox/index.ts';
import { saveForm } from './form.ts';
import { ordersCreated, ordersSummary } from './ledger.ts';
import type { Timeline } from './timeline.ts';

/** The playground's outbox: its IndexedDB database is `sturdy-outbox:playground`. */
export const OUTBOX_NAME = 'playground';
/** A job with no final answer this long after the send ends as expired: a stalled server cannot keep it forever. */
const MAX_AGE_MS = 30_000;

/** Scenario "reload": the page reloads this long after the mock API starts holding its answer. */
const RELOAD_AFTER_MS = 800;

const open = (api: SturdyClient): Outbox => outbox(api, { name: OUTBOX_NAME, maxAge: MAX_AGE_MS });

/**
 * Stores the request in the outbox, then waits for its final outcome (over as many deliveries as it takes).
 * @example
 * const outcome = await sendThroughOutbox(api, 'orders', { method: 'POST', json: order }, timeline);
 */
export async function sendThroughOutbox(
  api: SturdyClient,
  path: string,
  request: SendOptions,
  timeline: Timeline,
): Promise<Outcome> {
  const box = open(api);
  try {
    const job = await box.send(path, request);
    timeline.add(
      'outbox',
      'Stored in the outbox (IndexedDB) before sending',
      `idempotency-key: ${job.key} · every delivery sends this key, until the server gives a final answer`,
    );
    return await job.done;
  } finally {
    await box.close();
  }
}

/**
 * Scenario "reload": the mock API holds its answer; the page reloads before it comes, its form and timeline
 * kept for the page after it.
 * @example
 * startMockApi({ ..., onHeld: (holdMs) => reloadMidSend(timeline, holdMs) });
 */
export function reloadMidSend(timeline: Timeline, holdMs: number): void {
  const order = ordersCreated().at(-1);
  timeline.add(
    'reload',
    order ? `The mock API created ${order.id} and stored its answer, then held it` : 'The mock API holds its answer',
    `the answer would come in ${holdMs / 1000} s: the page reloads first, as a closed tab or a crash cuts a call off`,
  );
  setTimeout(() => {
    saveForm();
    timeline.save();
    location.reload();
  }, RELOAD_AFTER_MS);
}

/**
 * On start-up: opens the outbox, which delivers the jobs an earlier page left (a reload mid-send), and
 * resolves with the last one's outcome once none is waiting (at once, undefined, when there were none).
 * `reloaded`: this page follows a reload mid-send, and its timeline says so.
 * @example
 * const outcome = await resumeOutbox(api, timeline, timeline.restore());
 */
export async function resumeOutbox(
  api: SturdyClient,
  timeline: Timeline,
  reloaded: boolean,
): Promise<Outcome | undefined> {
  if (reloaded)
    timeline.add(
      'reload',
      'The page reloaded mid-send',
      'on start-up it opens its outbox: a job still stored there is delivered again with its Idempotency-Key',
    );
  const box = open(api);
  const outcomes: Outcome[] = [];
  const ended = new Set<string>();
  let heard = () => {};
  // Listening before asking what waits: a job that ends meanwhile is not missed.
  box.onOutcome((job, outcome) => {
    outcomes.push(outcome);
    ended.add(job.id);
    heard();
  });
  try {
    const waiting = await box.pending();
    while (!waiting.every((job) => ended.has(job.id))) await new Promise<void>((resolve) => (heard = resolve));
    if (reloaded && outcomes.length === 0)
      timeline.add(
        'hint',
        'Nothing was waiting in the outbox: the call died with the page',
        `${ordersSummary()}, and no page will ever hear its answer. With "Queue in an outbox" on, it is delivered again after the reload.`,
      );
    return outcomes.at(-1);
  } finally {
    await box.close();
  }
}
