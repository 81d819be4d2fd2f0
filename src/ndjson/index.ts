/**
 * NDJSON streaming, both ways, without holding more than one chunk in memory:
 * `ndjsonBody` turns an (async) iterable of records into a request body;
 * `ndjsonRecords` reads a response as an async iterator of parsed records.
 * Helpers rather than client methods, so an app that never streams does not
 * bundle them.
 */
import { ParseError, SerializationError, ValidationError, parseSnippet } from '../core/errors.ts';
import { serializeJson } from '../core/json.ts';
import { defaultRedactor } from '../core/redact.ts';
import { refuseRedirects } from '../auth/redirect.ts';
import { callOf, redactorOf } from '../core/response.ts';
import { guardedReader } from '../core/timeouts.ts';
import { isStandardSchema, toIssues, type InferOutput, type StandardSchemaV1 } from '../core/schema.ts';

/**
 * The content-type `ndjsonBody` sends.
 * @example
 * await api.post('import', { body: stream, headers: { 'content-type': NDJSON_CONTENT_TYPE } });
 */
export const NDJSON_CONTENT_TYPE = 'application/x-ndjson';

/**
 * Records to upload: any iterable or async iterable (an array, a generator, a database cursor).
 * @example
 * const source: NdjsonSource = (async function* () { yield { id: 1 }; })();
 */
export type NdjsonSource = Iterable<unknown> | AsyncIterable<unknown>;

/** Lines are batched into chunks of this many bytes, so a small record is not one network write. */
const CHUNK_BYTES = 64 * 1024;
/** Longest record `ndjsonRecords` accepts by default: a body without line breaks cannot exhaust memory. */
const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;
/**
 * A chunk is decoded in pieces of about this many bytes, cut after a line break. The line being parsed keeps its
 * decoded string alive, so V8 copies that string at each young-generation GC: a whole 64 KiB chunk copied every time
 * grew the young generation (and with it the body chunks waiting to be collected) by tens of MiB on a long stream.
 */
const PIECE_BYTES = 4 * 1024;

/** Where the piece of `bytes` from `start` ends: after its last line break, or after a longer line, or at the end. */
function pieceEnd(bytes: Uint8Array, start: number): number {
  if (bytes.length - start <= PIECE_BYTES) return bytes.length;
  const cut = bytes.lastIndexOf(10, start + PIECE_BYTES - 1) + 1;
  return cut > start ? cut : bytes.indexOf(10, start + PIECE_BYTES) + 1 || bytes.length;
}

function toStream(records: NdjsonSource): ReadableStream<Uint8Array> {
  const iterator =
    Symbol.asyncIterator in records
      ? (records as AsyncIterable<unknown>)[Symbol.asyncIterator]()
      : (records as Iterable<unknown>)[Symbol.iterator]();
  const encoder = new TextEncoder();
  let index = 0;
  /** A line that did not fit the previous chunk. */
  let carried: string | undefined;
  return new ReadableStream<Uint8Array>(
    {
      // Records are encoded straight into one fresh chunk: no joined string per chunk, half the garbage.
      async pull(controller) {
        const chunk = new Uint8Array(CHUNK_BYTES);
        let used = 0;
        for (;;) {
          let line = carried;
          carried = undefined;
          if (line === undefined) {
            const next = await iterator.next();
            if (next.done) {
              if (used > 0) controller.enqueue(chunk.subarray(0, used));
              return controller.close();
            }
            line = `${serializeRecord(next.value, index++)}\n`;
          }
          // A UTF-16 unit encodes to at most 3 bytes.
          if (line.length * 3 > CHUNK_BYTES - used) {
            if (used > 0) {
              carried = line;
              return controller.enqueue(chunk.subarray(0, used));
            }
            return controller.enqueue(encoder.encode(line));
          }
          used += encoder.encodeInto(line, chunk.subarray(used)).written;
        }
      },
      async cancel(reason) {
        await iterator.return?.(reason);
      },
    },
    // Pull only when the consumer asks: the source is read at the network's pace.
    { highWaterMark: 0 },
  );
}

function serializeRecord(value: unknown, index: number): string {
  try {
    return serializeJson(value);
  } catch (error) {
    if (!(error instanceof SerializationError)) throw error;
    const path = error.path.replace(/^\$/, `$[${index}]`);
    throw new SerializationError(
      `NDJSON record ${index} cannot be serialized: ${error.message.replace(/^json body cannot be serialized: /, '')}`.replace(
        error.path,
        path,
      ),
      path,
    );
  }
}

/**
 * Call options streaming `records` as NDJSON: the body, its content-type and
 * `redirect: 'error'` (`'manual'` in workerd, where a 3xx then fails the call
 * as HTTPError); spread them into a call. A stream cannot be re-sent, so
 * the call is not retried; pass a function returning the records to make it
 * retryable (called per attempt). A redirect fails the call: to be able to
 * follow one, Node's fetch keeps a copy of every byte sent (nodejs/undici#4058).
 * `timeout` runs until response headers, so it includes the upload: raise it
 * (or `false`) for large uploads. A record JSON cannot carry fails the call
 * with SerializationError at `$[index]...`. Browsers stream request bodies
 * only over HTTP/2 (Chromium) or not at all (Firefox, Safari); Node, Deno, Bun
 * and workers stream over HTTP/1.1 too.
 * @example
 * await api.post('events/import', { ...ndjsonBody(readEvents()), timeout: 120_000 }); // sent once
 * await api.post('events/import', { ...ndjsonBody(() => db.cursor('events')) });      // retryable
 */
export function ndjsonBody(records: NdjsonSource | (() => NdjsonSource)): {
  body: ReadableStream<Uint8Array> | (() => ReadableStream<Uint8Array>);
  headers: { 'content-type': string };
  redirect: 'error' | 'manual';
} {
  const body = typeof records === 'function' ? () => toStream(records()) : toStream(records);
  return { body, headers: { 'content-type': NDJSON_CONTENT_TYPE }, redirect: refuseRedirects() };
}

/**
 * Options of `ndjsonRecords`.
 * @example
 * ndjsonRecords(api.get('export'), Row, { maxRecordBytes: 1024 * 1024 })
 */
export type NdjsonReadOptions = {
  /** Longest line in bytes (UTF-16 code units); a longer one throws ParseError. @default 16 MiB */
  maxRecordBytes?: number;
};

/**
 * The records of an NDJSON response, parsed one line at a time as they
 * arrive; blank lines are skipped. With a Standard Schema each record is
 * validated (ValidationError paths start with the record index: `$[3].price`).
 * Stopping early (`break`) cancels the rest of the body. For a call of a sturdy client (its ResponsePromise
 * or its awaited Response), no chunk for the call's `idleTimeout` is a TimeoutError (`timeout: 'idle'`), its
 * `totalTimeout` bounds the whole read, and a body that breaks off is a NetworkError.
 * @example
 * for await (const order of ndjsonRecords(api.get('orders/export', { idleTimeout: 30_000 }), Order)) total += order.total;
 */
export function ndjsonRecords<S extends StandardSchemaV1>(
  source: Response | PromiseLike<Response>,
  schema: S,
  options?: NdjsonReadOptions,
): AsyncGenerator<InferOutput<S>, void, undefined>;
export function ndjsonRecords<T = unknown>(
  source: Response | PromiseLike<Response>,
  schema?: undefined,
  options?: NdjsonReadOptions,
): AsyncGenerator<T, void, undefined>;
export async function* ndjsonRecords(
  source: Response | PromiseLike<Response>,
  schema?: StandardSchemaV1,
  { maxRecordBytes = DEFAULT_MAX_RECORD_BYTES }: NdjsonReadOptions = {},
): AsyncGenerator<unknown, void, undefined> {
  if (schema !== undefined && !isStandardSchema(schema)) {
    throw new TypeError('sturdy: ndjsonRecords schema must be a Standard Schema (valibot, zod, arktype, ...)');
  }
  const response = await source;
  // The client's rules (its redact option, its strategy's key and query name), also for a bare Response it returned.
  const redactor = redactorOf(source) ?? redactorOf(response) ?? defaultRedactor;
  if (!response.body) return;
  // A stall between chunks fails with the call's idleTimeout (its totalTimeout bounds the whole read).
  const reader = guardedReader(response.body, callOf(source) ?? callOf(response));
  const decoder = new TextDecoder();
  const fail = (index: number, line: string, why: string) => {
    const error = new ParseError({
      status: response.status,
      contentType: response.headers.get('content-type'),
      snippet: parseSnippet(line, redactor),
      url: '',
    });
    error.message = redactor.text(
      `NDJSON record ${index} of ${redactor.url(response.url)} ${why}: ${JSON.stringify(error.snippet)}`,
    );
    return error;
  };
  const checked = (
    result: Awaited<ReturnType<StandardSchemaV1['~standard']['validate']>>,
    value: unknown,
    index: number,
  ): unknown => {
    if (!result.issues) return result.value;
    throw new ValidationError('response', toIssues(result.issues, value, redactor, [index]), {
      status: response.status,
      what: `NDJSON record ${index}`,
    });
  };
  // Synchronous unless the schema is: millions of small records should not cost a promise each
  // (`yield` awaits whatever it is given, so one path serves both).
  const parse = (line: string, index: number): unknown => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw fail(index, line, 'is not valid JSON');
    }
    if (!schema) return value;
    const result = schema['~standard'].validate(value);
    return result instanceof Promise
      ? result.then((settled) => checked(settled, value, index))
      : checked(result, value, index);
  };

  /** The start of a line whose end has not arrived yet. */
  let pending = '';
  let index = 0;
  let finished = false;
  try {
    while (!finished) {
      const { done, value } = await reader.read();
      finished = done;
      const bytes = value ?? new Uint8Array();
      let at = 0;
      // A streaming decoder yields the same text whatever the pieces (a UTF-8 sequence cut between them is held).
      do {
        const cut = pieceEnd(bytes, at);
        const text = decoder.decode(bytes.subarray(at, cut), { stream: !done });
        at = cut;
        let start = 0;
        let end = text.indexOf('\n');
        // Lines are slices of the decoded piece; only a line split across chunks is joined.
        if (pending && end !== -1) {
          const line = pending + text.slice(0, end);
          pending = '';
          start = end + 1;
          end = text.indexOf('\n', start);
          if (/\S/.test(line)) yield parse(line, index++);
        }
        for (; end !== -1; end = text.indexOf('\n', start)) {
          const line = text.slice(start, end);
          start = end + 1;
          if (/\S/.test(line)) yield parse(line, index++);
        }
        pending += start === 0 ? text : text.slice(start);
      } while (at < bytes.length);
      if (pending.length > maxRecordBytes)
        throw fail(index, pending, `is longer than maxRecordBytes (${maxRecordBytes})`);
    }
    // The last record may lack its line break.
    if (/\S/.test(pending)) yield parse(pending, index);
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
  }
}
