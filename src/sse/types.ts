/** The public shapes of sturdy/sse: one event, and the stream that hands them out. */

/**
 * One event: its data (parsed, validated), type, id and the reconnection time in effect.
 * @example
 * const event: ServerSentEvent<{ delta: string }> = { data: { delta: 'Hi' }, event: 'message', id: '1', retry: undefined };
 */
export type ServerSentEvent<T = unknown> = {
  data: T;
  /** The `event` field; `'message'` when the server sent none (as EventSource). */
  event: string;
  /** The event's `id` field, if it had one (`stream.lastEventId` keeps the latest). */
  id: string | undefined;
  /** The server's last `retry` value in ms: the wait before a reconnect. */
  retry: number | undefined;
};

/**
 * The events of one stream, as an async iterator; `break` or `close()` hang up at once.
 * @example
 * const stream = eventStream(api, 'feed');
 * setTimeout(() => stream.close(), 60_000);
 * for await (const event of stream) save(stream.lastEventId, event.data);
 */
export type EventStream<T = unknown> = AsyncIterableIterator<ServerSentEvent<T>, void, undefined> & {
  /** The id of the last event handed out (or of the last id-only block); `''` before any. */
  readonly lastEventId: string;
  /** Cancels the body and any reconnect wait; a pending or later `next()` finishes the stream. */
  close(): void;
};
