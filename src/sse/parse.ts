/**
 * The event-stream wire format (WHATWG rules) through eventsource-parser, the field's
 * standard parser: decoded text in, completed blocks out, with memory bounded per event.
 */
import { createParser } from 'eventsource-parser';
import { breaksHeader } from '../shared/header-value.ts';

/** One parsed event in the shape it is handed out (`data` still the text; `event` 'message' when unnamed). */
export type RawEvent = { data: string; event: string; id: string | undefined; retry: number | undefined };
/** A completed block: an event, or the id of a block that only set the id. */
export type Block = RawEvent | string;

/**
 * A parser for one stream; `reset()` before each new connection (the reconnection
 * time survives it, as the spec says).
 * @example
 * const parser = createEventParser(1024 * 1024);
 * for (const block of parser.feed('data: hi\n\n')) console.log(block); // { data: 'hi', event: 'message', id: undefined, retry: undefined }
 */
export type EventParser = {
  /** Parses more text; returns the blocks it completed (valid until the next call). */
  feed(text: string): readonly Block[];
  /** True once a pending event outgrew the limit: the parser takes no more input until `reset()`. */
  readonly overflowed: boolean;
  /** The server's last `retry` field in ms, if it sent one. */
  readonly retryMs: number | undefined;
  reset(): void;
};

/** Room for field names and a pending id/event line beside the data buffered for one event. */
const LINE_SLACK = 4096;

/**
 * Creates the parser. The buffered text of one event stays under `maxEventBytes` characters
 * (plus a line's slack); `utf8Length` makes the exact byte check at dispatch.
 * @example
 * const parser = createEventParser(STREAM_DEFAULTS.maxEventBytes);
 */
export function createEventParser(maxEventBytes: number): EventParser {
  let blocks: Block[] = [];
  let overflowed = false;
  let retryMs: number | undefined;
  const parser = createParser({
    maxBufferSize: maxEventBytes + LINE_SLACK,
    onId: (id) => void blocks.push(id),
    onEvent(message) {
      // Built once in its final shape: the hot path allocates one object per event.
      const event: RawEvent = { data: message.data, event: message.event ?? 'message', id: message.id, retry: retryMs };
      // onId runs just before onEvent for the same block: the event takes the id's place.
      if (message.id !== undefined && blocks[blocks.length - 1] === message.id) blocks[blocks.length - 1] = event;
      else blocks.push(event);
    },
    onRetry: (ms) => void (retryMs = ms),
    // Unknown fields and bad retry values are ignored, as the spec says; only the size limit stops the stream.
    onError: (error) => void (error.type === 'max-buffer-size-exceeded' && (overflowed = true)),
  });
  return {
    feed(text) {
      if (blocks.length > 0) blocks = [];
      if (!overflowed) parser.feed(text);
      return blocks;
    },
    get overflowed() {
      return overflowed;
    },
    get retryMs() {
      return retryMs;
    },
    reset() {
      parser.reset();
      blocks = [];
      overflowed = false;
    },
  };
}

/**
 * The UTF-8 length of a string, without encoding it.
 * @example
 * utf8Length('é😀') // 6
 */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    // 2-byte and 3-byte characters; a surrogate pair is 4 bytes for 2 units.
    if (unit >= 0x80) bytes += unit < 0x800 || (unit >= 0xd800 && unit <= 0xdfff) ? 1 : 2;
  }
  return bytes;
}

/**
 * The Last-Event-ID header for `id`: its UTF-8 bytes, one per char (fetch takes header values as byte strings);
 * undefined when there is none to send: no id, or one that cannot travel as a header (a control character,
 * which the event-stream format allows in an id). Such an id is not sent back, so reconnecting still works.
 * @example
 * lastEventIdHeader('évt-1') // 'Ã©vt-1': the two UTF-8 bytes of é
 * lastEventIdHeader('a\x01b') // undefined
 */
export function lastEventIdHeader(id: string): string | undefined {
  if (id === '' || breaksHeader(id)) return undefined;
  if (/^[\x20-\x7e]*$/.test(id)) return id;
  let result = '';
  for (const byte of new TextEncoder().encode(id)) result += String.fromCharCode(byte);
  return result;
}
