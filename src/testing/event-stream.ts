/**
 * A scripted Server-Sent Events endpoint for msw: the events you list, optionally
 * paced, dropped mid-stream on the first connections, and resumed from the
 * Last-Event-ID the client sends, as a real resumable feed would.
 */
import type { Path } from 'msw';
import { optionError } from '../shared/option-error.ts';
import { checkNumber, defineScenario, wait, type ScenarioHandler, type ScenarioOptions } from './scenario.ts';

/**
 * One event to send: `data` goes out as is when a string, else as JSON.
 * @example
 * { id: '3', event: 'delta', data: { text: 'Hel' }, retry: 250 }
 */
export type ScriptedEvent = {
  data: unknown;
  event?: string;
  id?: string;
  /** Sent as a `retry:` field: the client's wait before reconnecting, in ms. */
  retry?: number;
  /** A comment line before the event (what heartbeats look like). */
  comment?: string;
};

/**
 * Options of {@link eventStream}.
 * @example
 * { events: [{ id: '1', data: { n: 1 } }, { id: '2', data: { n: 2 } }], dropAfter: 1, done: true }
 */
export type EventStreamScenarioOptions = ScenarioOptions & {
  /** The events, in order; a string is an event with that data. */
  events: ReadonlyArray<ScriptedEvent | string>;
  /** Drops the connection (a network error mid-body) after this many events, a moment after the last one. @default never */
  dropAfter?: number;
  /** How many connections drop after `dropAfter` events before one runs to the end. @default 1 */
  drops?: number;
  /** Wait before each event, in ms (stops when the client hangs up). @default 0 */
  intervalMs?: number;
  /** Ends the stream with `data: [DONE]` (the OpenAI convention). @default false */
  done?: boolean;
  /** Starts after the event whose id the request's Last-Event-ID names. @default true */
  resume?: boolean;
};

/**
 * What {@link eventStream} returns: a counting msw handler that also records each request's Last-Event-ID.
 * @example
 * expect(feed.lastEventIds).toEqual([null, '2']);
 */
export type EventStreamHandler = ScenarioHandler & {
  /** The Last-Event-ID header of each request handled (`null` when absent), in order. */
  readonly lastEventIds: ReadonlyArray<string | null>;
};

/**
 * One event in the wire format: comment, event, id, retry, then one `data:` line per line of data.
 * @example
 * formatEvent({ id: '1', data: { n: 1 } }) // 'id: 1\ndata: {"n":1}\n\n'
 */
export function formatEvent(event: ScriptedEvent | string): string {
  const {
    data,
    event: type,
    id,
    retry,
    comment,
  } = typeof event === 'string' ? ({ data: event } as ScriptedEvent) : event;
  let text = comment === undefined ? '' : `: ${comment}\n`;
  if (type !== undefined) text += `event: ${type}\n`;
  if (id !== undefined) text += `id: ${id}\n`;
  if (retry !== undefined) text += `retry: ${retry}\n`;
  for (const line of (typeof data === 'string' ? data : JSON.stringify(data)).split(/\r\n|\r|\n/))
    text += `data: ${line}\n`;
  return `${text}\n`;
}

/** A header value as sent (UTF-8 bytes, one per char) back to its text. */
function fromHeaderValue(value: string | null): string | null {
  if (value === null || !/[^\x00-\x7f]/.test(value)) return value;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(value, (char) => char.charCodeAt(0)));
  } catch {
    return value;
  }
}

/**
 * An msw handler answering `text/event-stream` with scripted events; drops and resumes like a live feed.
 * @example
 * const feed = eventStream('https://api.test/feed', { events: [{ id: '1', data: 1 }, { id: '2', data: 2 }], dropAfter: 1 });
 * server.use(feed);
 * for await (const event of sse.eventStream(api, 'feed')) seen.push(event.data); // [1, 2] over two connections
 * expect(feed.lastEventIds).toEqual([null, '1']);
 */
export function eventStream(path: Path, options: EventStreamScenarioOptions): EventStreamHandler {
  if (!Array.isArray(options?.events))
    throw optionError(
      '/testing',
      'events',
      'an array of events ({ data, id?, event?, retry? } or strings)',
      options?.events,
    );
  const dropAfter = checkNumber('dropAfter', options.dropAfter, Infinity, { integer: options.dropAfter !== undefined });
  const drops = checkNumber('drops', options.drops, 1, { integer: true });
  const intervalMs = checkNumber('intervalMs', options.intervalMs, 0);
  const lastEventIds: Array<string | null> = [];
  let dropped = 0;
  const handler = defineScenario(path, options, ({ request }) => {
    const resumeFrom = fromHeaderValue(request.headers.get('last-event-id'));
    lastEventIds.push(resumeFrom);
    const found =
      resumeFrom === null || options.resume === false
        ? -1
        : options.events.findIndex((event) => typeof event !== 'string' && event.id === resumeFrom);
    const events = options.events.slice(found + 1);
    const drop = dropped < drops && dropAfter < events.length;
    if (drop) dropped += 1;
    const encoder = new TextEncoder();
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (drop && sent === dropAfter) {
          // A pause first, so the events before the drop reach the client (an error discards what is still queued).
          await wait(10, request.signal);
          return controller.error(new TypeError('sturdy/testing: event stream dropped'));
        }
        if (sent === events.length) {
          if (options.done) controller.enqueue(encoder.encode('data: [DONE]\n\n'));
          return controller.close();
        }
        if (intervalMs > 0) await wait(intervalMs, request.signal);
        controller.enqueue(encoder.encode(formatEvent(events[sent++]!)));
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } });
  });
  Object.defineProperty(handler, 'lastEventIds', { get: () => lastEventIds, enumerable: true });
  const reset = handler.reset;
  Object.defineProperty(handler, 'reset', {
    value: () => {
      reset();
      dropped = 0;
      lastEventIds.length = 0;
    },
  });
  return handler as EventStreamHandler;
}
