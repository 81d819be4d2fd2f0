/**
 * sturdy's errors (each a SturdyError with a cross-realm guard), ky's re-exported unchanged, and what makes any
 * error safe to hand out: redacted messages, stacks and causes, and views that never print a credential.
 */
import { HTTPError, KyError, NetworkError, TimeoutError } from 'ky';
import { defaultRedactor, type Redactor } from './redact.ts';

export {
  HTTPError,
  isHTTPError,
  isKyError,
  isNetworkError,
  isTimeoutError,
  KyError,
  NetworkError,
  TimeoutError,
} from 'ky';

const BRAND = Symbol.for('sturdy.error');
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const DENO_INSPECT = Symbol.for('Deno.customInspect');

/** Longest body excerpt a ParseError carries, counted after redaction (a secret cut in half would show its start). */
export const PARSE_SNIPPET_CHARS = 200;

/**
 * A ParseError snippet of `text`: redacted first (with room past the cut, so a secret straddling it is still
 * recognised whole), then cut.
 * @example
 * new ParseError({ status, contentType, snippet: parseSnippet(text, redactor), url })
 */
export const parseSnippet = (text: string, redactor: Redactor): string =>
  redactor.text(text.slice(0, PARSE_SNIPPET_CHARS + 4096)).slice(0, PARSE_SNIPPET_CHARS);

/** `Name: message {view}`, the inspect form; a view that throws still prints the name and message. */
function printable(error: Error, view: () => unknown): string {
  try {
    return `${error.name}: ${error.message} ${JSON.stringify(view())}`;
  } catch {
    return `${error.name}: ${error.message}`;
  }
}

/** One issue of a failed validation, with its path as `$.a.b[0]`. */
export type Issue = { readonly message: string; readonly path: string };

/**
 * Base class of every error sturdy itself creates. Messages are redacted when built; `toJSON` and
 * `util.inspect` show only redacted, plain fields.
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
    // Value by value: whatever a field holds (a cycle, a BigInt), printing it cannot throw.
    for (const [key, value] of Object.entries(this)) if (key !== 'cause') json[key] = defaultRedactor.data(value);
    return json;
  }

  [INSPECT](): string {
    return printable(this, () => this.toJSON());
  }

  [DENO_INSPECT](): string {
    return this[INSPECT]();
  }
}

/**
 * The `json` value cannot be sent as JSON (BigInt, a cycle, a function, or `json` given together with `body`).
 * Thrown before any network call.
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
    super(
      `${details.what ?? `${direction} body`} invalid ${shown}${issues.length > 3 ? ` (and ${issues.length - 3} more)` : ''}`,
    );
    this.direction = direction;
    this.issues = issues;
    if (details.status !== undefined) this.status = details.status;
  }
}

/**
 * Credentials could not be obtained or may not be sent (token endpoint error, insecure transport). Never
 * carries a secret.
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
    const { cause, ...fields } = details;
    super(message, cause === undefined ? undefined : { cause });
    Object.assign(this, fields);
  }
}

/** True for every error sturdy creates, across realms. */
export const isSturdyError = (error: unknown): error is SturdyError =>
  typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
const guard =
  <T extends SturdyError>(name: string) =>
  (error: unknown): error is T =>
    isSturdyError(error) && error.name === name;
// Explicit types: JSR refuses inferred ("slow") types in a public API.
export const isSerializationError: (error: unknown) => error is SerializationError =
  /* @__PURE__ */ guard('SerializationError');
export const isParseError: (error: unknown) => error is ParseError = /* @__PURE__ */ guard('ParseError');
export const isValidationError: (error: unknown) => error is ValidationError = /* @__PURE__ */ guard('ValidationError');
export const isAuthError: (error: unknown) => error is AuthError = /* @__PURE__ */ guard('AuthError');

/**
 * Redacts, in place, the message, stack and every other text property (a runtime's `input`, a `url`) of `error`
 * and of its causes: a network error may name the URL with its query, a token provider's error the token.
 * @example
 * redactErrorChain(error, redactor); // error.message and error.cause.input no longer show a secret
 */
export function redactErrorChain(error: unknown, redactor: Redactor): void {
  for (let current = error, depth = 0; depth < 4 && current instanceof Error; depth++, current = current.cause) {
    const original = current.message;
    for (const key of ['message', 'stack', ...Object.keys(current)]) {
      const value = (current as unknown as Record<string, unknown>)[key];
      if (typeof value !== 'string') continue;
      const redacted = redactor.text(key === 'stack' ? value.split(original).join(current.message) : value);
      try {
        if (redacted !== value) (current as unknown as Record<string, unknown>)[key] = redacted;
      } catch {
        // A frozen foreign error keeps its text; its views are still redacted.
      }
    }
  }
}

type KyLikeError = KyError & {
  request?: Request;
  response?: Response;
  options?: unknown;
  data?: unknown;
  retryAfter?: number;
};

export const isKyLike = (error: unknown): error is KyLikeError =>
  error instanceof KyError ||
  error instanceof HTTPError ||
  error instanceof TimeoutError ||
  error instanceof NetworkError;

/**
 * Makes a ky error safe to hand out: redacts its message chain, replaces its request by `safe` (no credential
 * header, URL redacted), redacts its response's URL, hides ky's options from enumeration, and gives it
 * `toJSON` / inspect views without credentials.
 * @example
 * throw sanitizeKyError(error, redactor, safeRequest);
 */
export function sanitizeKyError(error: KyLikeError, redactor: Redactor, safe: Request | undefined): KyLikeError {
  redactErrorChain(error, redactor);
  try {
    if (safe) Object.defineProperty(error, 'request', { value: safe, configurable: true, writable: true });
    if (error.response)
      Object.defineProperty(error.response, 'url', { value: redactor.url(error.response.url), configurable: true });
    // Keep the normalized options (headers, body) out of enumeration and JSON.
    Object.defineProperty(error, 'options', {
      value: error.options,
      enumerable: false,
      configurable: true,
      writable: true,
    });
  } catch {
    // A frozen error keeps its fields; its views below are redacted all the same.
  }
  const view = () => {
    const { request, response } = error;
    const json: Record<string, unknown> = {
      name: error.name,
      message: error.message,
      url: redactor.url(request?.url ?? ''),
    };
    if (request) {
      json.method = request.method;
      json.requestHeaders = redactor.headers(request.headers);
    }
    if (response) {
      json.status = response.status;
      json.responseHeaders = redactor.headers(response.headers);
    }
    // Value by value, never by re-parsing redacted JSON text: whatever the server sent, printing cannot throw.
    if (error.data !== undefined) json.data = redactor.data(error.data);
    if (error.retryAfter !== undefined) json.retryAfter = error.retryAfter;
    return json;
  };
  const inspect = () => printable(error, view);
  Object.defineProperties(error, {
    toJSON: { value: view, configurable: true },
    [INSPECT]: { value: inspect, configurable: true },
    [DENO_INSPECT]: { value: inspect, configurable: true },
  });
  return error;
}
