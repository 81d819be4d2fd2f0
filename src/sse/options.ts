/**
 * `eventStream` options: their types, the stream defaults (written once, here) and the
 * checks that turn bad input into a TypeError naming the option, before any request.
 */
import { breaksHeader } from '../shared/header-value.ts';
import { optionError } from '../shared/option-error.ts';
import type { CallOptions } from '../core/options.ts';
import { isStandardSchema, type StandardSchemaV1 } from '../core/schema.ts';

/**
 * Reconnection of a dropped or ended stream: `true`/`false`, or `{ limit }`.
 * @example
 * eventStream(api, 'feed', { reconnect: { limit: 10 } })
 */
export type ReconnectOptions = {
  /** Most reconnects in a row without an event between them; then the last failure is thrown. @default 5 */
  limit?: number;
};

/**
 * Options of `eventStream`: every call option (`method`, `json`, `headers`, `auth`, `retry`,
 * `timeout`, `searchParams`, `hooks`, `use`, ...) plus the stream's own.
 * @example
 * eventStream(api, 'chat/completions', { method: 'POST', json: { stream: true }, schema: Chunk, idleTimeout: 30_000 })
 */
export type EventStreamOptions<S extends StandardSchemaV1 | undefined = StandardSchemaV1 | undefined> = Omit<
  CallOptions,
  'schema' | 'json' | 'throwHttpErrors' | 'idleTimeout' | 'totalTimeout'
> & {
  /** The request body as JSON (POST streams); re-sent from its string on a reconnect. */
  json?: unknown;
  /** Validates each event's parsed data (any Standard Schema); `event.data` is its output. */
  schema?: S;
  /** `'json'` parses each event's data; `'text'` keeps the string. @default 'json' */
  parse?: 'json' | 'text';
  /** Ends the stream cleanly when it returns true for an event's raw data. @default (data) => data === '[DONE]' */
  done?: (data: string) => boolean;
  /** Reconnect when the connection drops or the body ends, sending Last-Event-ID. @default true for GET, false otherwise */
  reconnect?: boolean | ReconnectOptions;
  /** Largest event (its data, UTF-8 bytes); a larger one is a ParseError, never an unbounded buffer. @default 1 MiB */
  maxEventBytes?: number;
  /** Longest stall between two chunks (heartbeat comments count), in ms; `false` for none. @default 45_000 */
  idleTimeout?: number | false;
  /** The whole stream, reconnects and their waits included, in ms. The client's totalTimeout does not apply. @default false */
  totalTimeout?: number | false;
  /** Resume after this event id: sent as Last-Event-ID on the first request. */
  lastEventId?: string;
};

/** The stream defaults: the one place they are written. */
export const STREAM_DEFAULTS = {
  parse: 'json',
  done: (data: string): boolean => data === '[DONE]',
  reconnectLimit: 5,
  maxEventBytes: 1024 * 1024,
  idleTimeout: 45_000,
  totalTimeout: false,
} as const;

/** What `eventStream` reads of its options, checked and with defaults filled in. */
export type StreamSettings = {
  method: string;
  parse: 'json' | 'text';
  done: (data: string) => boolean;
  schema: StandardSchemaV1 | undefined;
  /** Reconnects allowed in a row; -1 when reconnecting is off. */
  reconnectLimit: number;
  maxEventBytes: number;
  idleTimeout: number | false;
  totalTimeout: number | false;
  lastEventId: string;
};

const duration = (option: string, value: unknown, fallback: number | false): number | false => {
  if (value === undefined) return fallback;
  if (value === false) return false;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw optionError('/sse', option, 'a non-negative number of milliseconds or false', value);
  return value as number;
};

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/**
 * Checks the stream's own options (the call's are checked by the client) and fills in defaults.
 * @example
 * const settings = streamSettings({ method: 'POST', parse: 'text' }); // reconnectLimit -1
 */
export function streamSettings(options: EventStreamOptions): StreamSettings {
  if (typeof options !== 'object' || options === null) throw optionError('/sse', 'options', 'an object', options);
  const method = (options.method ?? 'GET').toUpperCase();
  const {
    parse = STREAM_DEFAULTS.parse,
    done = STREAM_DEFAULTS.done,
    schema,
    reconnect = method === 'GET',
    lastEventId = '',
  } = options;
  if (parse !== 'json' && parse !== 'text') throw optionError('/sse', 'parse', "'json' or 'text'", parse);
  if (typeof done !== 'function') throw optionError('/sse', 'done', 'a function (data: string) => boolean', done);
  if (schema !== undefined && !isStandardSchema(schema))
    throw optionError('/sse', 'schema', 'a Standard Schema (valibot, zod, arktype, ...)', schema);
  let reconnectLimit = -1;
  if (reconnect === true) reconnectLimit = STREAM_DEFAULTS.reconnectLimit;
  else if (typeof reconnect === 'object' && reconnect !== null) {
    reconnectLimit = reconnect.limit ?? STREAM_DEFAULTS.reconnectLimit;
    if (!isCount(reconnectLimit))
      throw optionError('/sse', 'reconnect.limit', 'a non-negative integer', reconnect.limit);
  } else if (reconnect !== false) throw optionError('/sse', 'reconnect', 'true, false or { limit }', reconnect);
  const maxEventBytes = options.maxEventBytes ?? STREAM_DEFAULTS.maxEventBytes;
  if (!isCount(maxEventBytes) || maxEventBytes === 0)
    throw optionError('/sse', 'maxEventBytes', 'a positive integer (bytes)', options.maxEventBytes);
  // The id goes out as a header value: a line break would be header injection, another control character fails the request.
  if (typeof lastEventId !== 'string' || breaksHeader(lastEventId))
    throw optionError(
      '/sse',
      'lastEventId',
      'a string without line breaks or other control characters (it is sent as Last-Event-ID)',
      lastEventId,
    );
  return {
    method,
    parse,
    done,
    schema,
    reconnectLimit,
    maxEventBytes,
    idleTimeout: duration('idleTimeout', options.idleTimeout, STREAM_DEFAULTS.idleTimeout),
    totalTimeout: duration('totalTimeout', options.totalTimeout, STREAM_DEFAULTS.totalTimeout),
    lastEventId,
  };
}
