/**
 * sturdy's errors (each a SturdyError with a cross-realm guard), ky's re-exported unchanged, and what makes any
 * error safe to hand out: redacted messages, stacks and causes, and what may hold a credential out of enumeration.
 */
import { HTTPError, NetworkError, TimeoutError } from 'ky';
import { defaultRedactor, type Redactor } from './redact.ts';

// What sturdy uses of ky's errors, re-exported unchanged; the rest of ky's error exports come from ky-errors.ts.
export { HTTPError, NetworkError, TimeoutError };
export { isHTTPError, isKyError, isNetworkError, isTimeoutError, KyError } from './ky-errors.ts';

const BRAND = Symbol.for('sturdy.error');

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

/** `text` as the default rules show it, never throwing (a symbol prints as `Symbol(...)`). */
const redact = (text: unknown) => defaultRedactor.text(String(text));

/** One issue of a failed validation, with its path as `$.a.b[0]`. */
export type Issue = { readonly message: string; readonly path: string };

/**
 * Base class of every error sturdy itself creates. Its message and fields are redacted when built, so printing
 * it (`String`, `JSON.stringify`, `util.inspect`) shows no credential.
 * @example
 * if (isSturdyError(error)) console.error(error);
 */
export class SturdyError extends Error {
  override name = 'SturdyError';
  /** Cross-realm brand read by the `is*Error` guards (on the prototype: an own field prints with the error). */
  get [BRAND](): true {
    return true;
  }

  /** `fields`: a subclass's own fields (plain and redacted: printing shows them), and a `cause` when one is given. */
  constructor(message: string, fields?: object) {
    super(defaultRedactor.text(message), fields);
    Object.assign(this, fields);
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
  declare readonly path: string;
  constructor(message: string, path = '$') {
    super(message, { path });
  }
}

/**
 * A response body that should be JSON is not (an HTML error page with 200).
 * @example
 * catch (e) { if (isParseError(e)) console.log(e.status, e.contentType, e.snippet) }
 */
export class ParseError extends SturdyError {
  override name = 'ParseError';
  declare readonly status: number;
  declare readonly contentType: string | null;
  /** At most {@link PARSE_SNIPPET_CHARS} characters of the body, redacted. */
  declare readonly snippet: string;
  /** `details.snippet` is redacted text, longer is fine: it is cut here, after redaction. */
  constructor(
    { status, contentType, snippet, url }: { status: number; contentType: string | null; snippet: string; url: string },
    options?: { cause?: unknown },
  ) {
    snippet = parseSnippet(snippet, defaultRedactor);
    super(
      `Response body of ${url} (${status}, ${contentType ?? 'no content-type'}) is not JSON: ${JSON.stringify(snippet)}`,
      { ...options, status, contentType, snippet },
    );
  }
}

/**
 * A request body or a response failed its schema.
 * @example
 * catch (e) { if (isValidationError(e)) for (const i of e.issues) console.log(i.path, i.message) }
 */
export class ValidationError extends SturdyError {
  override name = 'ValidationError';
  declare readonly direction: 'request' | 'response';
  declare readonly issues: readonly Issue[];
  /** The response status, for `direction: 'response'`. */
  declare readonly status?: number;
  constructor(
    direction: 'request' | 'response',
    given: readonly Issue[],
    { status, what = `${direction} body` }: { status?: number; what?: string } = {},
  ) {
    // The floor: validate() words issues with the client's redactor first; this catches what any caller passes.
    const issues = given.map(({ message, path }) => ({ message: redact(message), path: redact(path) }));
    const shown = issues.slice(0, 3).map(({ message, path }) => `at ${path}: ${message}`);
    super(`${what} invalid ${shown.join('; ')}${issues[3] ? ` (and ${issues.length - 3} more)` : ''}`, {
      direction,
      issues,
      status,
    });
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
  declare readonly error?: string;
  /** OAuth `error_description`, when given. */
  declare readonly errorDescription?: string;
  /** HTTP status of the token endpoint, when it answered. */
  declare readonly status?: number;
  constructor(
    message: string,
    fields?: { error?: string; errorDescription?: string; status?: number; cause?: unknown },
  ) {
    super(message, fields);
  }
}

/** True for every error sturdy creates, across realms. */
export const isSturdyError = (error: unknown): error is SturdyError =>
  (error as { [BRAND]?: unknown } | undefined)?.[BRAND] === true;
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

/** What sturdy hides on an error it hands out: ky's errors carry all of these. */
type ErrorViews = { request?: Request; response?: Response; options?: unknown; data?: unknown };

/**
 * Defines a hidden `value` at `key` (replacing what was there): out of enumeration, JSON and loggers' copies. On
 * what a hook froze or sealed, nothing (it is handed out as it is).
 */
export const hide = (target: object, key: PropertyKey, value: unknown) =>
  // Reflect's form reports a refusal (frozen, sealed) instead of throwing it.
  Reflect.defineProperty(target, key, { value, configurable: true, writable: true, enumerable: false });

/**
 * Makes an error safe to hand out (ky's, or any other a call fails with): redacts its message chain, replaces
 * its request by what `safe` makes of it (no credential header, URL redacted), redacts its response's URL, and keeps its
 * request, response, options and data out of enumeration (what loggers, `JSON.stringify` and `util.inspect`
 * print): they stay readable on the error.
 * @example
 * throw sanitizeError(error, redactor, (request) => safeCopy(request));
 */
export function sanitizeError<E>(error: E, redactor: Redactor, safe?: (request: Request) => Request): E {
  // Its message, stack and every other text property (a runtime's `input`, a `url`) and its causes': a network
  // error may name the URL with its query, a token provider's error the token.
  for (let current: unknown = error, depth = 4; depth-- && current instanceof Error; current = current.cause) {
    // The stack repeats the message: redacted as text, it shows the message as redacted.
    for (const key of ['message', 'stack', ...Object.keys(current)]) {
      try {
        const value = (current as unknown as Record<string, unknown>)[key];
        if (typeof value === 'string') (current as unknown as Record<string, unknown>)[key] = redactor.text(value);
      } catch {
        // A frozen foreign error (or a getter that throws) keeps its text: it is handed out as it is.
      }
    }
  }
  try {
    const views = error as ErrorViews;
    const { response } = views;
    if (response) hide(response, 'url', redactor.url(response.url));
    // ky's request and options hold what the request held (headers, body); the response and its data what the
    // server sent back (an error body may echo a secret).
    for (const key of ['response', 'options', 'data', 'request'] as const)
      if (key in views) {
        const value = views[key];
        hide(views, key, safe && value instanceof Request ? safe(value) : value);
      }
  } catch {
    // A getter a hook put on the error may throw: what was hidden before it stays hidden.
  }
  return error;
}
