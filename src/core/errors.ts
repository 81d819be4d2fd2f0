import { HTTPError, KyError, NetworkError, TimeoutError } from 'ky';
import { defaultRedactor, type Redactor } from './redact.ts';

export {
  HTTPError,
  KyError,
  NetworkError,
  TimeoutError,
  isHTTPError,
  isKyError,
  isNetworkError,
  isTimeoutError,
} from 'ky';

const BRAND = Symbol.for('sturdy.error');
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const DENO_INSPECT = Symbol.for('Deno.customInspect');

/**
 * Longest body excerpt a ParseError carries, counted after redaction (a secret cut in half would show its start).
 * @example
 * parseSnippet(body, redactor).length <= PARSE_SNIPPET_CHARS
 */
export const PARSE_SNIPPET_CHARS = 200;

/** How far past the cut a body is redacted first: a secret straddling the cut is still recognised whole. */
const SNIPPET_REDACT_WINDOW = 4096;

/**
 * A ParseError snippet of `text`: redacted first, then cut to {@link PARSE_SNIPPET_CHARS}.
 * @example
 * new ParseError({ status, contentType, snippet: parseSnippet(text, redactor), url: redactor.url(response.url) })
 */
export const parseSnippet = (text: string, redactor: Redactor): string =>
  redactor.text(text.slice(0, PARSE_SNIPPET_CHARS + SNIPPET_REDACT_WINDOW)).slice(0, PARSE_SNIPPET_CHARS);

/** `Name: message {json}`, the inspect form; a view that throws still prints the name and message. */
function printable(name: string, message: string, view: () => unknown): string {
  try {
    return `${name}: ${message} ${JSON.stringify(view())}`;
  } catch {
    return `${name}: ${message}`;
  }
}

/** One issue of a failed validation, with its path as `$.a.b[0]`. */
export type Issue = { readonly message: string; readonly path: string };

/**
 * Base class of every error sturdy itself creates. Messages are redacted when
 * built; `toJSON` and `util.inspect` show only redacted, plain fields.
 * @example
 * if (isSturdyError(error)) console.error(error.toJSON());
 */
export class SturdyError extends Error {
  override name = 'SturdyError';
  /** Cross-realm brand read by the `is*Error` guards. */
  readonly [BRAND] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(defaultRedactor.text(message), options);
  }

  /** A plain, redacted view of this error: safe to log or send. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { name: this.name, message: this.message };
    for (const [key, value] of Object.entries(this)) {
      if (key === 'name' || key === 'cause' || typeof value === 'function') continue;
      // Value by value: whatever a field holds (a cycle, a BigInt), printing it cannot throw.
      json[key] = defaultRedactor.data(value);
    }
    return json;
  }

  [INSPECT](): string {
    return printable(this.name, this.message, () => this.toJSON());
  }

  [DENO_INSPECT](): string {
    return this[INSPECT]();
  }
}

/**
 * The `json` value cannot be sent as JSON (BigInt, a cycle, a function, or
 * `json` given together with `body`). Thrown before any network call.
 * @example
 * api.post('orders', { json: { total: 10n } }); // SerializationError at $.total
 */
export class SerializationError extends SturdyError {
  override name = 'SerializationError';
  /** Where in the value the problem is, like `$.items[2].price`. */
  readonly path: string;
  constructor(message: string, path = '$') {
    super(message);
    this.path = path;
  }
}

/**
 * A response body that should be JSON is not (an HTML error page with 200).
 * @example
 * catch (e) { if (isParseError(e)) console.log(e.status, e.contentType, e.snippet) }
 */
export class ParseError extends SturdyError {
  override name = 'ParseError';
  readonly status: number;
  readonly contentType: string | null;
  /** At most {@link PARSE_SNIPPET_CHARS} characters of the body, redacted. */
  readonly snippet: string;
  /** `details.snippet` is redacted text, longer is fine: it is cut here, after redaction. */
  constructor(
    details: { status: number; contentType: string | null; snippet: string; url: string },
    options?: { cause?: unknown },
  ) {
    const snippet = defaultRedactor.text(details.snippet).slice(0, PARSE_SNIPPET_CHARS);
    super(
      `Response body of ${details.url} (status ${details.status}, content-type ${details.contentType ?? 'none'}) is not valid JSON: ${JSON.stringify(snippet)}`,
      options,
    );
    this.status = details.status;
    this.contentType = details.contentType;
    this.snippet = snippet;
  }
}

/**
 * A request body or a response failed its schema.
 * @example
 * catch (e) { if (isValidationError(e)) for (const i of e.issues) console.log(i.path, i.message) }
 */
export class ValidationError extends SturdyError {
  override name = 'ValidationError';
  readonly direction: 'request' | 'response';
  readonly issues: readonly Issue[];
  /** The response status, for `direction: 'response'`. */
  readonly status?: number;
  constructor(
    direction: 'request' | 'response',
    given: readonly Issue[],
    details: { status?: number; what?: string } = {},
  ) {
    // The floor: validate() words issues with the client's redactor first; this catches what any caller passes.
    const issues = given.map((issue) => ({
      message: defaultRedactor.text(String(issue.message)),
      path: defaultRedactor.text(String(issue.path)),
    }));
    const shown = issues
      .slice(0, 3)
      .map((issue) => `at ${issue.path}: ${issue.message}`)
      .join('; ');
    const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
    super(`${details.what ?? `${direction} body`} invalid ${shown}${more}`);
    this.direction = direction;
    this.issues = issues;
    if (details.status !== undefined) this.status = details.status;
  }
}

/**
 * Credentials could not be obtained or may not be sent (token endpoint error,
 * insecure transport). Never carries a secret.
 * @example
 * catch (e) { if (isAuthError(e)) console.log(e.error, e.errorDescription) }
 */
export class AuthError extends SturdyError {
  override name = 'AuthError';
  /** OAuth `error` code, when a token endpoint answered with one. */
  readonly error?: string;
  /** OAuth `error_description`, when given. */
  readonly errorDescription?: string;
  /** HTTP status of the token endpoint, when it answered. */
  readonly status?: number;
  constructor(
    message: string,
    details: { error?: string; errorDescription?: string; status?: number; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    if (details.error !== undefined) this.error = details.error;
    if (details.errorDescription !== undefined) this.errorDescription = details.errorDescription;
    if (details.status !== undefined) this.status = details.status;
  }
}

const isBranded = (error: unknown): error is SturdyError =>
  typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;

const guard =
  <T extends SturdyError>(name: string) =>
  (error: unknown): error is T =>
    isBranded(error) && error.name === name;

/** True for every error sturdy creates, across realms. */
export const isSturdyError = (error: unknown): error is SturdyError => isBranded(error);
// Explicit types: JSR refuses inferred ("slow") types in a public API.
export const isSerializationError: (error: unknown) => error is SerializationError =
  guard<SerializationError>('SerializationError');
export const isParseError: (error: unknown) => error is ParseError = guard<ParseError>('ParseError');
export const isValidationError: (error: unknown) => error is ValidationError =
  guard<ValidationError>('ValidationError');
export const isAuthError: (error: unknown) => error is AuthError = guard<AuthError>('AuthError');

type KyLikeError = KyError & {
  request?: Request;
  response?: Response;
  options?: unknown;
  data?: unknown;
  retryAfter?: number;
};

/** Redacts an error's message and the same text in its stack. */
function redactMessage(error: Error, redactor: Redactor): void {
  const original = error.message;
  const message = redactor.text(original);
  if (message === original) return;
  try {
    error.message = message;
    if (error.stack) error.stack = error.stack.split(original).join(message);
  } catch {
    // A frozen foreign error: nothing we can change.
  }
}

/**
 * Redacts the message and stack of `error` and of its causes (a runtime's network error may name the URL with
 * its query; a token provider's error may name the token), in place.
 * @example
 * redactErrorChain(error, redactor); // error.message and error.cause.message no longer show a secret
 */
export function redactErrorChain(error: unknown, redactor: Redactor): void {
  let current = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1, current = current.cause)
    redactMessage(current, redactor);
}

/**
 * Makes a ky error safe to print: redacts its message and stack, and gives it
 * `toJSON` / inspect views without the request's credential headers.
 * @example
 * throw sanitizeKyError(error, redactor, url.href);
 */
export function sanitizeKyError(error: KyLikeError, redactor: Redactor, url: string): KyLikeError {
  redactErrorChain(error, redactor);
  const view = (): Record<string, unknown> => {
    const json: Record<string, unknown> = { name: error.name, message: error.message, url: redactor.url(url) };
    if (error.request) json.method = error.request.method;
    // sturdy's own TimeoutErrors carry a bare { method, url } request without headers.
    if (error.request?.headers) json.requestHeaders = redactor.headers(error.request.headers);
    if (error.response) {
      json.status = error.response.status;
      json.responseHeaders = redactor.headers(error.response.headers);
    }
    // Value by value, never by re-parsing redacted JSON text: whatever the server sent, printing cannot throw.
    if (error.data !== undefined) json.data = redactor.data(error.data);
    if (error.retryAfter !== undefined) json.retryAfter = error.retryAfter;
    return json;
  };
  const inspect = () => printable(error.name, error.message, view);
  Object.defineProperties(error, {
    toJSON: { value: view, configurable: true },
    [INSPECT]: { value: inspect, configurable: true },
    [DENO_INSPECT]: { value: inspect, configurable: true },
    // Keep the normalized options (headers, body) out of enumeration and JSON.
    options: { value: error.options, enumerable: false, configurable: true, writable: true },
  });
  return error;
}

export const isKyLike = (error: unknown): error is KyLikeError =>
  error instanceof HTTPError ||
  error instanceof TimeoutError ||
  error instanceof NetworkError ||
  error instanceof KyError;
