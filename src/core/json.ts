/**
 * sturdy's JSON rules: the headers a `json` body gets, serialization that names the path JSON cannot carry,
 * and parsing that turns an empty body into `undefined` and a non-JSON one into a ParseError.
 */
import { ERROR_BODY_LIMIT, readBounded } from './body.ts';
import { ParseError, parseSnippet, SerializationError } from './errors.ts';
import type { Redactor } from './redact.ts';
import { formatPath } from './schema.ts';

/** Sent with every `json` body (and asked for by `.json()`) unless the caller set an accept header. */
export const JSON_ACCEPT = 'application/json';
/** Sent with every `json` body unless the caller set a content-type. */
export const JSON_CONTENT_TYPE = `${JSON_ACCEPT}; charset=utf-8`;

/** What JSON cannot carry, by `typeof` (a cycle and `undefined` at the top are found otherwise). */
const UNSERIALIZABLE: Record<string, string> = {
  bigint: 'a BigInt (make it a string or number)',
  function: 'a function',
  symbol: 'a symbol',
};

/**
 * JSON.stringify that refuses what it would leave out silently (a function, a symbol); fast, so it runs on every
 * call, and the strict pass runs only to name the path of a failure.
 */
const checkedStringify = (value: unknown): string =>
  JSON.stringify(value, (_key, item: unknown) => {
    // A BigInt (JSON throws for it anyway), a function or a symbol.
    if (UNSERIALIZABLE[typeof item]) throw item;
    return item;
  });

/**
 * Serializes a `json` option compactly (with the caller's `stringifyJson` when given). Throws
 * SerializationError naming the path for values JSON would drop or reject, before anything is sent.
 * @example
 * serializeJson({ total: 1n }) // SerializationError: ... a BigInt ... at $.total
 */
export function serializeJson(value: unknown, stringify: (data: unknown) => string = checkedStringify): string {
  let text: unknown;
  try {
    text = stringify(value);
    if (typeof text === 'string') return text;
  } catch (error) {
    text = error;
  }
  // The strict pass, when JSON may be the reason (a caller's stringify failed, or the checked one): the first value
  // JSON would drop or reject, a function or symbol anywhere, a BigInt, a cycle, `undefined` at the top (an
  // `undefined` member is left out, as JSON does). What a getter throws is the reason itself.
  let found: [problem: string, path: string] | [reason: unknown] = [(text as Error)?.message];
  // The values from the top down to the one being written, and the key of each in the one above.
  const chain: unknown[] = [];
  const keys: string[] = [];
  try {
    if (
      JSON.stringify(value, function (this: unknown, key: string, item: unknown) {
        // `this` holds item: what came after it in the chain is finished (JSON's wrapper of the top is not in it).
        chain.length = keys.length = chain.indexOf(this) + 1;
        keys.push(key);
        const problem = chain.includes(item) ? 'a cycle' : UNSERIALIZABLE[typeof item];
        if (problem) {
          found = [problem, formatPath(keys.slice(1))];
          throw found;
        }
        chain.push(item);
        return item;
      }) === undefined
    )
      found = ['undefined (pass null or omit json)', '$'];
  } catch {}
  const [problem, path] = found;
  throw new SerializationError(`json body cannot be serialized: ${problem}${path ? ` at ${path}` : ''}`, path);
}

/**
 * Parses a response body's text: an empty body is `undefined` (a caller's `parseJson` decides that itself, as
 * in ky), anything that is not JSON a ParseError with a redacted snippet.
 * @example
 * parseJsonText('', response, redactor) // undefined
 */
export async function parseJsonText(
  text: string,
  response: Response,
  redactor: Redactor,
  parse?: (text: string) => unknown,
): Promise<unknown> {
  try {
    return parse ? await parse(text) : text ? JSON.parse(text) : undefined;
  } catch (error) {
    throw parseError(response, text, redactor, { cause: error });
  }
}

const parseError = (response: Response, text: string, redactor: Redactor, options?: { cause: unknown }) =>
  new ParseError(
    {
      status: response.status,
      contentType: response.headers.get('content-type'),
      snippet: parseSnippet(text, redactor),
      url: redactor.url(response.url),
    },
    options,
  );

/**
 * The text of a body `.json()` parses, read at most 1 MiB when it is plainly not JSON: a longer body is read on
 * only when it starts like a JSON object or array, so an endless HTML page (labelled JSON or not) or
 * "404 page not found" costs 1 MiB and a ParseError, not all of it.
 * @example
 * response.text = () => jsonText(response, redactor);
 */
export async function jsonText(response: Response, redactor: Redactor): Promise<string> {
  // A body whose length is known and within the bound is read by the platform at once.
  if (+(response.headers.get('content-length') ?? Infinity) <= ERROR_BODY_LIMIT)
    return Response.prototype.text.call(response);
  const [text, whole] = await readBounded(response, (start) => /^\s*[{[]/.test(start));
  if (whole) return text;
  throw parseError(response, text, redactor);
}
