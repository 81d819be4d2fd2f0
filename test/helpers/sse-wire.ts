/**
 * What the SSE test routes send and what a client must make of it: web APIs only, so
 * the node tests and the conformance cases (every runtime) share these fixtures.
 */

/** A stream exercising the wire format: BOM, comments, LF / CRLF / CR, multi-line and empty data, fields. */
export const WIRE_TEXT = [
  '\uFEFF: a comment, ignored\n',
  'data: first\n\n',
  'event: update\r\nid: 7\r\ndata: {"a":1}\r\n\r\n',
  'data: line one\rdata: line two\r\r',
  'retry: 1500\ndata: café 😀 日本語\n\n',
  'data\n\n',
  ':heartbeat\ndata:\n\n',
  'id: 8\n\n',
  'data:no-space\ndata:  two spaces\n\n',
].join('');

/** The events WIRE_TEXT carries (`parse: 'text'`); after them `lastEventId` is '8'. */
export const WIRE_EVENTS = [
  { data: 'first', event: 'message', id: undefined, retry: undefined },
  { data: '{"a":1}', event: 'update', id: '7', retry: undefined },
  { data: 'line one\nline two', event: 'message', id: undefined, retry: undefined },
  { data: 'café 😀 日本語', event: 'message', id: undefined, retry: 1500 },
  { data: '', event: 'message', id: undefined, retry: 1500 },
  { data: '', event: 'message', id: undefined, retry: 1500 },
  { data: 'no-space\n two spaces', event: 'message', id: undefined, retry: 1500 },
];

/** Bytes per write when the routes cut a stream: small enough to split characters, CRLF pairs and lines. */
export const CUT_BYTES = 3;

/** The OpenAI-style chunks the chat route streams (then `[DONE]`). */
export const CHAT_TOKENS = ['Hel', 'lo', ', wor', 'ld'];

/** The chunk shape of the chat route, as a plain object. */
export const chatChunk = (index: number, content: string) => ({
  id: 'cmpl-1',
  object: 'chat.completion.chunk',
  choices: [{ index: 0, delta: { content } }],
  n: index,
});

/**
 * Collects a stream's events, and the error it ended with (undefined when it ended cleanly).
 * @example
 * const { events, error } = await drain(eventStream(api, 'feed'));
 */
export async function drain<T>(stream: AsyncIterable<T>): Promise<{ events: T[]; error: unknown }> {
  const events: T[] = [];
  try {
    for await (const event of stream) events.push(event);
    return { events, error: undefined };
  } catch (error) {
    return { events, error };
  }
}
