/**
 * The one place that decides what a credential looks like. Every message, event and error field sturdy
 * produces goes through a Redactor.
 */

export const REDACTED = '[REDACTED]';

/** Header names whose values are always credentials. */
const DEFAULT_HEADERS = 'authorization proxy-authorization cookie set-cookie x-api-key api-key x-auth-token';
/** Query parameter and JSON field names whose values are always secrets (each header name above hides as a field
 * too: `api-key` covers `api_key` and `apiKey`). */
const DEFAULT_NAMES = 'token access_token refresh_token id_token key secret client_secret password signature sig';

/** How many objects and fields and how long a string `redactData` copies: printing a huge or deep body stays cheap. */
const DATA_ENTRIES = 1000;
const DATA_CHARS = 10_000;
/** Marks where `redactData` cut something off. */
const CUT = '[...]';

/** Extra names to redact, on top of the defaults. */
export type RedactOptions = {
  /** More header names to hide (case-insensitive). */
  headers?: readonly string[];
  /** More query parameter names to hide (case-insensitive). */
  query?: readonly string[];
  /** More JSON field names to hide in bodies and snippets (case-insensitive). */
  fields?: readonly string[];
};

/** `clientSecret`, `client_secret`, `client-secret` and `password]` (of `user[password]`) name the same field. */
const fieldKey = (name: string) => name.toLowerCase().replace(/[\W_]/g, '');

/** The token68 after `Bearer` / `Basic` in echoed text (the lookahead keeps it whole; a token followed by `"`
 * after `=` is an auth-param such as `realm="..."`). */
const SCHEME_CREDENTIAL = /(\b(?:bearer|basic)\s+)([\w.~+/-]{6,}=*)(?![\w.~+/=-]|(?<==)")/gi;
/** The userinfo of a URL (`https://user:password@host`): a credential whoever wrote it. A scheme is short (a long
 * unbounded one made a hex or hyphenated megabyte quadratic). */
const URL_USERINFO = /(\b[a-z][a-z\d+.-]{0,40}:\/\/)[^\s/?#@]+@/gi;
/** `name=value` in a query string, a form body or free text (the name starts after a separator). */
const QUERY_PAIR = /((?:^|[\s&?#=;,"'<>/])([^\s&?#=;,"'<>/]+)=)[^&#\s"'<>,;]*()/g;
/** `"name": "value"` in JSON-ish text. */
const JSON_PAIR = /("([^"\\]*)"\s*:\s*")(?:[^"\\]|\\.)*(")/g;

/**
 * Hides credentials in what sturdy prints. A redactor made with a `parent` hides what its parent hides and
 * its own names and secrets besides (a call's `redact` option, a per-call strategy's secrets).
 */
export type Redactor = {
  /** A URL with sensitive query values replaced; never throws. */
  url(url: string | URL): string;
  /** Any text with every known secret, credential-looking value and sensitive query or field value replaced. */
  text(text: string): string;
  /** Registers a secret value (a token, a password) that must never appear in output. */
  addSecret(secret: string | undefined): void;
  /** Forgets one registration of `secret` (a token that was replaced); it stays hidden while registered elsewhere. */
  removeSecret(secret: string): void;
  /** Adds a header name to hide (auth strategies register theirs); a field or parameter so named hides too. */
  addHeader(name: string): void;
  /** Adds a query parameter (and JSON field) name to hide. */
  addQuery(name: string): void;
  /** True for a header whose value is a credential (`authorization`, `cookie`, an API-key header, ...). */
  isSensitiveHeader(name: string): boolean;
  /**
   * True for a field or parameter named like a secret in any spelling (`password`, `clientSecret`, `api-key`),
   * or whose last words are (`X-Amz-Signature`, `user.token`).
   */
  isSensitiveField(name: string): boolean;
  /** Is `key` (a field key, or `:` and a header's) among this redactor's names or its parent's? */
  has(key: string): boolean;
};

/**
 * Creates the redactor a client uses for everything it emits (with `parent`: one that adds to the parent's).
 * @example
 * createRedactor({ fields: ['ssn'] }).text('{"ssn":"123-45-6789"}'); // '{"ssn":"[REDACTED]"}'
 */
export function createRedactor(
  { headers = [], query = [], fields = [] }: RedactOptions = {},
  parent?: Redactor,
): Redactor {
  /** Field keys (see `fieldKey`) of this redactor's secret names, and `:name` for each credential header. */
  const names = new Set<string>();
  /** Each registration of a secret (one secret may be registered more than once). */
  const secrets: string[] = [];
  /** A key in this redactor's names or its parent's. */
  const has = (key: string): boolean => names.has(key) || !!parent?.has(key);
  const isSensitiveHeader = (name: string) => has(`:${fieldKey(name)}`);
  const isSensitiveField = (name: string) => {
    // The name, then what follows each of its words: `X-Amz-Signature`, `Amz-Signature`, `Signature`. No secret's
    // name is 100 characters long: a megabyte-long name costs its tail, not its square.
    for (let rest = name.slice(-100); rest; rest = rest.replace(/^\w*\W*/, '')) if (has(fieldKey(rest))) return true;
    return false;
  };
  const hide = (match: string, head: string, name: string, tail: string) =>
    isSensitiveField(name) ? head + REDACTED + tail : match;
  const text = (given: string | URL): string => {
    let result = parent?.url(given) ?? `${given}`;
    // A lone surrogate travels in a URL as U+FFFD (and would make encodeURIComponent throw).
    for (const secret of secrets)
      result = result
        .replaceAll(secret, REDACTED)
        .replaceAll(encodeURIComponent(secret.replace(/\p{Cs}/gu, '\uFFFD')), REDACTED);
    // Every pass is idempotent, so a child runs them again over its parent's result (for its own names).
    return result
      .replace(URL_USERINFO, `$1${REDACTED}@`)
      .replace(SCHEME_CREDENTIAL, (match, scheme: string, word: string) =>
        // Tokens carry digits, symbols, padding or mixed case; words ("bearer credentials") do not.
        /\d|[_~+/]|=$|[a-z][A-Z]|.{20}/.test(word) ? scheme + REDACTED : match,
      )
      .replace(QUERY_PAIR, hide)
      .replace(JSON_PAIR, hide);
  };
  const addQuery = (name: string) => names.add(fieldKey(name));
  const addHeader = (name: string) => addQuery(name).add(`:${fieldKey(name)}`);
  // A child has its parent's defaults already.
  if (!parent) {
    DEFAULT_HEADERS.split(' ').map(addHeader);
    DEFAULT_NAMES.split(' ').map(addQuery);
  }
  headers.map(addHeader);
  [...query, ...fields].map(addQuery);
  return {
    url: text,
    text,
    addSecret(secret) {
      // Very short values would redact ordinary words; credentials are longer than this.
      if (typeof secret === 'string' && secret.length >= 4) secrets.push(secret);
    },
    removeSecret(secret) {
      // Not registered: -1 >>> 0 is past the end, so nothing is removed.
      secrets.splice(secrets.indexOf(secret) >>> 0, 1);
    },
    addHeader,
    addQuery,
    has,
    isSensitiveHeader,
    isSensitiveField,
  };
}

/**
 * The redactor used where no client is at hand (errors built outside a call).
 * @example
 * defaultRedactor.url('https://x.test/?token=abc'); // 'https://x.test/?token=[REDACTED]'
 */
export const defaultRedactor: Redactor = /* @__PURE__ */ createRedactor();

/**
 * A plain object of `headers` as `redactor` shows them: credential values replaced, every other value through
 * `text`. Apart from the Redactor, so a bundle that never prints headers (the core) does not carry it.
 * @example
 * redactHeaders(redactor, request.headers); // { authorization: '[REDACTED]', accept: 'application/json' }
 */
export const redactHeaders = ({ isSensitiveHeader, text }: Redactor, headers: Headers): Record<string, string> =>
  Object.fromEntries([...headers].map(([name, value]) => [name, isSensitiveHeader(name) ? REDACTED : text(value)]));

/**
 * A plain, printable copy of parsed data (an error body) as `redactor` shows it: fields named like secrets
 * hidden, strings through `text`, cycles, size (and so depth) bounded. Never throws. Apart from the Redactor,
 * so a bundle that never prints data (the core) does not carry it.
 * @example
 * redactData(redactor, { password: 'hunter2', note: 'ok' }); // { password: '[REDACTED]', note: 'ok' }
 */
export function redactData({ text, isSensitiveField }: Redactor, value: unknown): unknown {
  let entries = DATA_ENTRIES;
  const copy = (item: unknown, ancestors: unknown[]): unknown => {
    const kind = typeof item;
    if (kind === 'string' || kind === 'bigint') {
      const shown = text(`${item}`);
      return shown.slice(0, DATA_CHARS) + (shown[DATA_CHARS] ? CUT : '');
    }
    // A function or symbol is left out, as JSON leaves it out.
    if (/^[fs]/.test(kind)) return undefined;
    if (kind !== 'object' || !item) return item;
    if (ancestors.includes(item)) return '[Circular]';
    // Every object and every field counts: depth and toJSON chains are bounded too.
    if (--entries < 0) return CUT;
    const inside = [...ancestors, item];
    try {
      // A Date (or anything with toJSON, from a parseJson hook) prints as JSON.stringify would print it.
      const { toJSON } = item as { toJSON?: unknown };
      if (typeof toJSON === 'function') return copy(toJSON.call(item), inside);
      const copied: Array<[string, unknown]> = [];
      for (const [key, field] of Object.entries(item)) {
        if (--entries < 0) {
          copied.push([CUT, CUT]);
          break;
        }
        copied.push([text(key), isSensitiveField(key) && field != null ? REDACTED : copy(field, inside)]);
      }
      // fromEntries defines, never assigns: a server's "__proto__" key stays a plain field.
      return Array.isArray(item) ? copied.map((field) => field[1]) : Object.fromEntries(copied);
    } catch {
      // A getter, toJSON or proxy that throws: this value is unprintable, its siblings still print.
      return '[unprintable]';
    }
  };
  return copy(value, []);
}
