/**
 * What one delivery's result means for its job (final, or deliver again and when), and the outcome
 * as plain data for the tabs that hear it (a Response or an Error does not cross a BroadcastChannel).
 */
import {
  HTTPError,
  SturdyError,
  isHTTPError,
  isParseError,
  isSturdyError,
  isValidationError,
  sanitizeError,
} from '../core/errors.ts';
import { defaultRedactor, type Redactor } from '../core/redact.ts';
import type { Result } from '../core/response.ts';
import { backoff, retryAfterMs, type NormalizedRetry } from '../core/retry.ts';

/**
 * A job's final outcome (what `job.done` resolves to): the server's 2xx answer with its parsed JSON,
 * or the error that ended it (an HTTPError with a final status, an OutboxError when it expired).
 * @example
 * const outcome = await job.done; if (!outcome.ok && isHTTPError(outcome.error)) showProblem(outcome.error.data);
 */
export type Outcome<T = unknown> = Result<T>;

/** 4xx statuses that are not final: the request may succeed when repeated with the same key. */
const REPEATED_4XX = [408, 409, 425, 429];

/**
 * After a delivery: `final`, or the epoch ms of the next one (`paced` when the server chose the wait).
 * @example
 * const verdict = verdictOf(result, job.attempts + 1, retry); if (!verdict.final) schedule(verdict.nextAt);
 */
export function verdictOf(
  result: Result<unknown>,
  attempt: number,
  retry: NormalizedRetry,
): { final: true } | { final: false; nextAt: number; paced: boolean } {
  if (result.ok) return { final: true };
  const { error } = result;
  let serverWait: number | undefined;
  if (isHTTPError(error)) {
    const { status } = error.response;
    if (status >= 200 && status < 300) return { final: true };
    if (status >= 400 && status < 500 && !REPEATED_4XX.includes(status)) return { final: true };
    serverWait = retryAfterMs(error.response.headers);
  }
  // The server answered 2xx with a body that is not what was expected: it processed the request.
  else if (isParseError(error) || isValidationError(error)) return { final: true };
  // Anything else (offline, a timeout, a 5xx, credentials not available now) may pass later: until maxAge.
  return {
    final: false,
    nextAt: Date.now() + (serverWait ?? backoff(attempt, retry)),
    paced: serverWait !== undefined,
  };
}

/** An outcome as plain, structured-cloneable data. */
export type OutcomeData =
  | { ok: true; response: ResponseData; data: unknown }
  | {
      ok: false;
      response?: ResponseData;
      data?: unknown;
      error: { name: string; message: string } & Record<string, unknown>;
    };

type ResponseData = { status: number; statusText: string; headers: Array<[string, string]> };

const responseData = (response: Response, redactor: Redactor): ResponseData => ({
  status: response.status,
  statusText: response.statusText,
  // set-cookie and the like stay in the tab that received them.
  headers: [...response.headers].filter(([name]) => !redactor.isSensitiveHeader(name)),
});

/** The fields of the sturdy errors that end a job (OutboxError, ParseError, ValidationError): plain data, redacted
 * when the error was built. */
const ERROR_FIELDS = ['reason', 'status', 'contentType', 'snippet', 'direction', 'issues'];

/**
 * @example
 * channel.postMessage({ id, outcome: outcomeToData(outcome, redactor) });
 */
export function outcomeToData(outcome: Outcome, redactor: Redactor): OutcomeData {
  if (outcome.ok) return { ok: true, response: responseData(outcome.response, redactor), data: outcome.data };
  const { error } = outcome;
  const fields = isSturdyError(error)
    ? Object.fromEntries(Object.entries(error).filter(([key]) => ERROR_FIELDS.includes(key)))
    : {};
  const plain = { ...fields, name: error.name, message: error.message };
  if (!isHTTPError(error)) return { ok: false, error: plain };
  const response = responseData(error.response, redactor);
  // The request as the error shows it (sturdy already redacted its URL and dropped its credentials).
  const request = { method: error.request.method, url: error.request.url };
  return { ok: false, response, data: error.data, error: { ...plain, ...request } };
}

const NULL_BODY = [101, 204, 205, 304];

const toResponse = ({ status, statusText, headers }: ResponseData, data: unknown): Response =>
  new Response(
    data === undefined || NULL_BODY.includes(status) ? null : typeof data === 'string' ? data : JSON.stringify(data),
    { status, statusText, headers },
  );

/**
 * The outcome another tab delivered, as this tab's `job.done` gives it: a Response, an HTTPError with
 * `response` and `data`, or a sturdy error (its guards, `isOutboxError` included, recognise it).
 * @example
 * waiter.resolve(outcomeFromData(message.outcome, job.url));
 */
export function outcomeFromData(outcome: OutcomeData, url: string): Outcome {
  if (outcome.ok) return { ok: true, data: outcome.data, response: toResponse(outcome.response, outcome.data) };
  const { name, message, ...fields } = outcome.error;
  let error: Error;
  if (outcome.response) {
    // ky's own options of that call stayed in the tab that made it.
    const kyOptions = {} as ConstructorParameters<typeof HTTPError>[2];
    const http = new HTTPError(toResponse(outcome.response, outcome.data), safeRequest(url, fields), kyOptions);
    http.data = outcome.data;
    // Printed as the call's own HTTPError is: what the server sent and the request out of enumeration.
    error = sanitizeError(http, defaultRedactor);
  } else error = Object.assign(new SturdyError(message), fields, { name });
  error.message = message;
  return { ok: false, error };
}

/** The request of a revived HTTPError: method and (redacted) URL as the delivering tab's error had them. */
const safeRequest = (url: string, fields: Record<string, unknown>): Request => {
  const init = { method: String(fields.method ?? 'POST') };
  try {
    return new Request(new URL(String(fields.url ?? url), globalThis.location?.href), init);
  } catch {
    return new Request('about:blank', init);
  }
};
