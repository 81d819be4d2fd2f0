import { ParseError, SerializationError, parseSnippet } from './errors.ts';
import { ERROR_BODY_LIMIT, isJsonContentType, readBounded } from './body.ts';
import type { Redactor } from './redact.ts';

/** Sent with every `json` body unless the caller set a content-type. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
/** Sent with every call unless the caller set an accept header. */
export const JSON_ACCEPT = 'application/json';

const pathKey = (path: string, key: string | number) =>
  typeof key === 'number'
    ? `${path}[${key}]`
    : /^[A-Za-z_$][\w$]*$/.test(key)
      ? `${path}.${key}`
      : `${path}[${JSON.stringify(key)}]`;

/** Finds the first place JSON cannot carry, for the error message. */
function findUnserializable(
  value: unknown,
  path: string,
  seen: Set<object>,
): { path: string; reason: string } | undefined {
  if (typeof value === 'bigint') return { path, reason: 'a BigInt (convert it to a string or number first)' };
  if (typeof value === 'function') return { path, reason: 'a function' };
  if (typeof value === 'symbol') return { path, reason: 'a symbol' };
  if (typeof value !== 'object' || value === null) return undefined;
  if (seen.has(value)) return { path, reason: 'a circular reference' };
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return findUnserializable((value as { toJSON: () => unknown }).toJSON(), path, seen);
  }
  seen.add(value);
  const entries: Array<[string | number, unknown]> = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  for (const [key, item] of entries) {
    // undefined object members are left out by JSON, as everywhere.
    if (item === undefined && typeof key === 'string') continue;
    const found = findUnserializable(item, pathKey(path, key), seen);
    if (found) return found;
  }
  seen.delete(value);
  return undefined;
}

const rejectFunctions = (_key: string, item: unknown) => {
  if (typeof item === 'function' || typeof item === 'symbol') throw new TypeError('unserializable');
  return item;
};

/**
 * Serializes a `json` option compactly. Throws SerializationError naming the
 * path for values JSON would drop or reject, before anything is sent.
 * Lone surrogates are kept: JSON.stringify escapes them as `\udXXX`.
 */
export function serializeJson(value: unknown, stringify?: (data: unknown) => string): string {
  let text: string | undefined;
  try {
    text = stringify ? stringify(value) : JSON.stringify(value, rejectFunctions);
  } catch (error) {
    const found = findUnserializable(value, '$', new Set());
    if (found)
      throw new SerializationError(`json body cannot be serialized: ${found.reason} at ${found.path}`, found.path);
    throw new SerializationError(`json body cannot be serialized: ${(error as Error).message}`);
  }
  if (text === undefined) {
    throw new SerializationError(
      `json body cannot be serialized: the value is ${value === undefined ? 'undefined' : `a ${typeof value}`} (pass null or omit json)`,
    );
  }
  return text;
}

/** Statuses that never carry a body. */
const isEmptyStatus = (status: number) => status === 204 || status === 205 || status === 304;

/**
 * Parses a response's JSON body. Empty bodies (204/205, or no bytes) give
 * `undefined`; anything else that is not JSON throws ParseError.
 */
export async function parseJsonResponse(
  response: Response,
  redactor: Redactor,
  parse?: (text: string) => unknown,
  readLabelled: () => Promise<string> = () => response.text(),
): Promise<unknown> {
  // A parseJson of the caller's decides what an empty body means, as in ky.
  if (isEmptyStatus(response.status)) {
    void response.body?.cancel().catch(() => {});
    return parse ? parse('') : undefined;
  }
  // A body labelled JSON is read whole (by ky's shortcut, with its body timeout); only an unlabelled one needs the bounded read.
  const text = isJsonContentType(response.headers.get('content-type'))
    ? await readLabelled()
    : await readJsonText(response, redactor);
  if (text === '' && !parse) return undefined;
  try {
    return parse ? await parse(text) : JSON.parse(text);
  } catch (error) {
    throw parseError(response, text, redactor, error);
  }
}

const parseError = (response: Response, text: string, redactor: Redactor, cause?: unknown) =>
  new ParseError(
    {
      status: response.status,
      contentType: response.headers.get('content-type'),
      snippet: parseSnippet(text, redactor),
      url: redactor.url(response.url),
    },
    cause === undefined ? undefined : { cause },
  );

/** Characters a JSON text can start with (after white space). */
const JSON_START = /^\s*(?:[{["\-\dtfn]|$)/;

/**
 * The text of a body not labelled JSON, read at most 1 MiB at a time:
 * when it is longer and plainly not JSON (an HTML page), the rest is cancelled.
 */
async function readJsonText(response: Response, redactor: Redactor): Promise<string> {
  const bounded = await readBounded(response, ERROR_BODY_LIMIT);
  if (bounded.complete) return bounded.text;
  if (JSON_START.test(bounded.text.slice(0, 64))) return bounded.readRest();
  bounded.cancel();
  throw parseError(response, bounded.text, redactor);
}
