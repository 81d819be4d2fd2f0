/**
 * The errors an event stream builds itself: each names the event (0-based index, id) and
 * the request, worded through the client's redactor, with at most a short snippet of data.
 */
import { NetworkError, ParseError, ValidationError } from '../core/errors.ts';
import type { Redactor } from '../core/redact.ts';
import { validate, type StandardSchemaV1 } from '../core/schema.ts';

/** What an event's error carries besides its class's fields. */
export type EventErrorFields = {
  /** The event's 0-based position in the stream (across reconnects). */
  readonly index: number;
  /** The event's `id` field, if it had one. */
  readonly eventId: string | undefined;
};

/** The client's redactor as `CallInfo.redact` hands it out. */
export type StreamRedactor = Pick<Redactor, 'url' | 'text'>;

/** Where an error happened: the redactor and the request, already redacted (`GET https://...`). */
export type ErrorScope = { redact: StreamRedactor; request: string; status: number; contentType: string | null };

/** Longest excerpt of a server's text in a message; ParseError.snippet keeps up to 200. */
const MESSAGE_SNIPPET = 60;
const SNIPPET = 200;

/** Redacts a window wider than the excerpt, so a secret cut by the excerpt's end is still caught. */
const excerpt = (redact: StreamRedactor, text: string, length: number): string => {
  const shown = redact.text(text.slice(0, length * 4)).slice(0, length);
  return shown.length < text.length ? `${shown}…` : shown;
};

const naming = (index: number, eventId: string | undefined) =>
  `event ${index}${eventId === undefined ? '' : ` (id ${JSON.stringify(eventId)})`}`;

function parseError(scope: ErrorScope, text: string, message: string, fields?: EventErrorFields): ParseError {
  const error = new ParseError({
    status: scope.status,
    contentType: scope.contentType,
    snippet: excerpt(scope.redact, text, SNIPPET),
    url: scope.request,
  });
  error.message = scope.redact.text(message);
  return fields ? Object.assign(error, fields) : error;
}

/**
 * An event whose data is not JSON.
 * @example
 * throw badJson(scope, 7, '7', '{oops');
 */
export function badJson(
  scope: ErrorScope,
  index: number,
  eventId: string | undefined,
  data: string,
): ParseError & EventErrorFields {
  const shown = JSON.stringify(excerpt(scope.redact, data, MESSAGE_SNIPPET));
  return parseError(scope, data, `${naming(index, eventId)} of ${scope.request} is not valid JSON: ${shown}`, {
    index,
    eventId,
  }) as ParseError & EventErrorFields;
}

/**
 * An event larger than `maxEventBytes`.
 * @example
 * throw tooLarge(scope, 3, undefined, 1024);
 */
export function tooLarge(
  scope: ErrorScope,
  index: number,
  eventId: string | undefined,
  maxEventBytes: number,
): ParseError & EventErrorFields {
  const message = `${naming(index, eventId)} of ${scope.request} is larger than maxEventBytes (${maxEventBytes}): raise the option if such events are expected`;
  return parseError(scope, '', message, { index, eventId }) as ParseError & EventErrorFields;
}

/**
 * A 2xx answer that is not `text/event-stream` (a JSON error with status 200, an HTML page).
 * @example
 * throw notAnEventStream(scope, await firstText(response));
 */
export function notAnEventStream(scope: ErrorScope, text: string): ParseError {
  const shown = text === '' ? '' : `: ${JSON.stringify(excerpt(scope.redact, text, MESSAGE_SNIPPET))}`;
  return parseError(
    scope,
    text,
    `${scope.request} answered status ${scope.status} with content-type ${scope.contentType ?? 'none'}, not text/event-stream${shown}`,
  );
}

/**
 * Validates one event's data; a mismatch is a ValidationError naming the event, its issues redacted.
 * @example
 * const data = await validateEvent(scope, Chunk, parsed, 7, '7');
 */
export async function validateEvent(
  scope: ErrorScope,
  schema: StandardSchemaV1,
  value: unknown,
  index: number,
  eventId: string | undefined,
): Promise<unknown> {
  const what = `${naming(index, eventId)} of ${scope.request}`;
  try {
    return await validate(schema, value, 'response', { status: scope.status, what });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    // An issue message may quote the server's value.
    const issues = error.issues.map((issue) => ({ path: issue.path, message: scope.redact.text(issue.message) }));
    throw Object.assign(new ValidationError('response', issues, { status: scope.status, what }), { index, eventId });
  }
}

/**
 * The stream kept ending without an event until `reconnect.limit` ran out.
 * @example
 * throw endedTooOften(redactor, 'GET', url, 6, 5);
 */
export function endedTooOften(
  redact: StreamRedactor,
  method: string,
  url: string,
  times: number,
  limit: number,
): NetworkError {
  const shown = redact.url(url);
  // The request is rebuilt from the redacted URL and carries no headers: safe to print.
  // A URL never seen on the wire (a middleware answered itself) may be relative: Request would refuse it.
  const error = new NetworkError(new Request(URL.canParse(shown) ? shown : 'about:blank', { method }));
  error.message = `${method} ${shown}: the event stream ended ${times} times in a row without an event (reconnect.limit ${limit})`;
  return error;
}
