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

/** Where an error happened: the redactor and the request, already redacted (`GET https://...`). */
export type ErrorScope = { redact: Redactor; request: string; status: number; contentType: string | null };

/** Longest excerpt of a server's text in a message; ParseError.snippet keeps up to 200. */
const MESSAGE_SNIPPET = 60;
const SNIPPET = 200;

/** Redacts a window wider than the excerpt, so a secret cut by the excerpt's end is still caught. */
const excerpt = (redact: Redactor, text: string, length: number): string => {
  const shown = redact.text(text.slice(0, length * 4)).slice(0, length);
  return shown.length < text.length ? `${shown}…` : shown;
};

/** The event as an error names it: its id is the server's text and may echo a credential (a token). */
const eventFields = (scope: ErrorScope, index: number, eventId: string | undefined): EventErrorFields => ({
  index,
  eventId: eventId === undefined ? undefined : scope.redact.text(eventId),
});

const naming = ({ index, eventId }: EventErrorFields) =>
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
  const fields = eventFields(scope, index, eventId);
  const shown = JSON.stringify(excerpt(scope.redact, data, MESSAGE_SNIPPET));
  const message = `${naming(fields)} of ${scope.request} is not valid JSON: ${shown}`;
  return parseError(scope, data, message, fields) as ParseError & EventErrorFields;
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
  const fields = eventFields(scope, index, eventId);
  const message = `${naming(fields)} of ${scope.request} is larger than maxEventBytes (${maxEventBytes}): raise the option if such events are expected`;
  return parseError(scope, '', message, fields) as ParseError & EventErrorFields;
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
 * Validates one event's data; a mismatch is a ValidationError naming the event, worded with the client's redactor.
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
  try {
    return await validate(schema, value, 'response', { status: scope.status }, scope.redact);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    // Named only on failure: redacting the id on every event would tax the hot path.
    const fields = eventFields(scope, index, eventId);
    const what = `${naming(fields)} of ${scope.request}`;
    throw Object.assign(new ValidationError('response', error.issues, { status: scope.status, what }), fields);
  }
}

/**
 * The stream kept ending without an event until `reconnect.limit` ran out.
 * @example
 * throw endedTooOften(redactor, 'GET', url, 6, 5);
 */
export function endedTooOften(
  redact: Redactor,
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
