/**
 * The one place that decides what a credential looks like. Every message,
 * event, `toJSON` and inspect output sturdy produces goes through a Redactor.
 */

export const REDACTED = '[REDACTED]';

/** Header names whose values are always credentials. */
const DEFAULT_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'x-auth-token',
];
/** Query parameter names (and JSON field names) whose values are always secrets. */
const DEFAULT_QUERY = [
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'api_key',
  'apikey',
  'key',
  'secret',
  'client_secret',
  'password',
  'signature',
  'sig',
];

/** How deep, how many entries and how long a string `Redactor.data` copies: printing a huge or deep body stays cheap. */
const DATA_LIMITS = { depth: 10, entries: 1000, chars: 10_000 };
/** Marks where `Redactor.data` cut something off. */
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

/**
 * Hides credentials in what sturdy prints; made by {@link createRedactor}.
 * @example
 * const redactor = createRedactor({ query: ['session'] });
 * redactor.url('https://api.example.com/?session=abc'); // 'https://api.example.com/?session=[REDACTED]'
 */
export type Redactor = {
  /** A URL with sensitive query values replaced; never throws. */
  url(url: string | URL): string;
  /** A plain object of headers with credential values replaced. */
  headers(headers: Headers | Record<string, string>): Record<string, string>;
  /** Any text (messages, snippets) with every known secret value and sensitive query value replaced. */
  text(text: string): string;
  /**
   * A plain, printable copy of parsed data (an error body): fields named like secrets hidden, strings through
   * `text`, cycles, depth and size bounded. Never throws.
   */
  data(value: unknown): unknown;
  /** Registers a secret value (a token, a password) that must never appear in output. */
  addSecret(secret: string | undefined): void;
  /** Forgets one registration of `secret` (a token that was replaced); it stays hidden while registered elsewhere. */
  removeSecret(secret: string): void;
  /** Adds header names to hide (auth strategies register theirs). */
  addHeader(name: string): void;
  /** Adds query parameter names to hide. */
  addQuery(name: string): void;
  isSensitiveHeader(name: string): boolean;
  /** True for a JSON field or form field named like a secret (`password`, `clientSecret`, `api-key`, ...). */
  isSensitiveField(name: string): boolean;
};

const lower = (names: readonly string[] | undefined): string[] => (names ?? []).map((name) => name.toLowerCase());

/** `clientSecret`, `client_secret` and `client-secret` name the same field. */
const fieldKey = (name: string) => name.toLowerCase().replace(/[-_]/g, '');

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `Bearer <x>` / `Basic <x>` as they appear in echoed text; the lookahead keeps the whole token68. */
const SCHEME_CREDENTIAL = /\b(bearer|basic)(\s+)([\w\-.~+/]{6,}=*)(?![\w\-.~+/=])/gi;
/** The userinfo of a URL (`https://user:password@host`): a credential whoever wrote it. */
const URL_USERINFO = /(\b[a-z][a-z\d+.-]*:\/\/)[^\s/?#@]+@/gi;

/**
 * Does the word after `Bearer`/`Basic` look like a credential? Tokens carry digits, symbols, padding or mixed
 * case; words (sturdy's own "bearer credentials", an auth-param `realm="..."`) do not.
 */
const looksLikeToken = (word: string, next: string): boolean => {
  if (next === '"' && word.endsWith('=')) return false; // WWW-Authenticate: Bearer error="invalid_token"
  return /\d|[_~+/]|=$|[a-z][A-Z]/.test(word) || word.length >= 20;
};

/**
 * Creates the redactor a client uses for everything it emits.
 * @example
 * const redactor = createRedactor({ fields: ['ssn'] });
 * redactor.text('{"ssn":"123-45-6789"}'); // '{"ssn":"[REDACTED]"}'
 */
export function createRedactor(options: RedactOptions = {}): Redactor {
  const headerNames = new Set([...DEFAULT_HEADERS, ...lower(options.headers)]);
  const queryNames = new Set([...DEFAULT_QUERY, ...lower(options.query)]);
  const fieldNames = new Set([...queryNames, ...lower(options.fields)]);
  const fieldKeys = new Set([...fieldNames, ...headerNames].map(fieldKey));
  // Each secret with its registration count and its percent-encoded form.
  const secrets = new Map<string, { count: number; encoded: string }>();
  let fieldPattern: RegExp | undefined;
  let queryPattern: RegExp | undefined;

  const rebuild = () => {
    const fields = [...fieldNames].map(escapeRegExp).join('|');
    // "field": "value" in JSON-ish text, and name=value in query strings or form bodies.
    fieldPattern = new RegExp(`("(?:${fields})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi');
    const query = [...queryNames].map(escapeRegExp).join('|');
    queryPattern = new RegExp(`(\\b(?:${query})=)[^&#\\s"'<>,;]*`, 'gi');
  };
  rebuild();

  const redactSecrets = (text: string): string => {
    let result = text;
    for (const [secret, { encoded }] of secrets) {
      if (result.includes(secret)) result = result.split(secret).join(REDACTED);
      if (encoded !== secret && result.includes(encoded)) result = result.split(encoded).join(REDACTED);
    }
    return result;
  };

  const copy = (value: unknown, depth: number, seen: Set<object>, budget: { entries: number }): unknown => {
    if (typeof value === 'string') {
      const text = redactor.text(value);
      return text.length > DATA_LIMITS.chars ? text.slice(0, DATA_LIMITS.chars) + CUT : text;
    }
    if (typeof value === 'bigint') return String(value);
    if (typeof value !== 'object' || value === null)
      return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
    if (seen.has(value)) return '[Circular]';
    if (depth >= DATA_LIMITS.depth) return CUT;
    seen.add(value);
    try {
      // A Date (or anything with toJSON, from a parseJson hook) prints as JSON.stringify would print it.
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') return copy(toJSON.call(value), depth + 1, seen, budget);
      if (Array.isArray(value)) {
        const items: unknown[] = [];
        for (const item of value) {
          if (budget.entries-- <= 0) return [...items, CUT];
          items.push(copy(item, depth + 1, seen, budget));
        }
        return items;
      }
      const fields: Array<[string, unknown]> = [];
      for (const key of Object.keys(value)) {
        if (budget.entries-- <= 0) {
          fields.push([CUT, CUT]);
          break;
        }
        const field = (value as Record<string, unknown>)[key];
        fields.push([
          redactSecrets(key),
          redactor.isSensitiveField(key) && field != null ? REDACTED : copy(field, depth + 1, seen, budget),
        ]);
      }
      // fromEntries defines, never assigns: a server's "__proto__" key stays a plain field.
      return Object.fromEntries(fields);
    } catch {
      // A getter, toJSON or proxy that throws: this value is unprintable, its siblings still print.
      return '[unprintable]';
    } finally {
      seen.delete(value);
    }
  };

  const redactor: Redactor = {
    url(url) {
      const text = typeof url === 'string' ? url : url.href;
      return redactor.text(text);
    },
    headers(headers) {
      const result: Record<string, string> = {};
      const entries = headers instanceof Headers ? headers.entries() : Object.entries(headers);
      for (const [name, value] of entries) {
        // Every rule of text(): a Location or Link header may carry ?access_token= too.
        result[name] = headerNames.has(name.toLowerCase()) ? REDACTED : redactor.text(value);
      }
      return result;
    },
    text(text) {
      let result = redactSecrets(text);
      result = result.replace(URL_USERINFO, `$1${REDACTED}@`);
      result = result.replace(queryPattern!, `$1${REDACTED}`);
      result = result.replace(fieldPattern!, `$1"${REDACTED}"`);
      return result.replace(
        SCHEME_CREDENTIAL,
        (match, scheme: string, space: string, word: string, offset: number, whole: string) =>
          looksLikeToken(word, whole.charAt(offset + match.length)) ? `${scheme}${space}${REDACTED}` : match,
      );
    },
    data(value) {
      return copy(value, 0, new Set(), { entries: DATA_LIMITS.entries });
    },
    addSecret(secret) {
      // Very short values would redact ordinary words; credentials are longer than this.
      if (typeof secret !== 'string' || secret.length < 4) return;
      const entry = secrets.get(secret);
      if (entry) entry.count += 1;
      else secrets.set(secret, { count: 1, encoded: encodeURIComponent(secret) });
    },
    removeSecret(secret) {
      const entry = secrets.get(secret);
      if (entry && --entry.count <= 0) secrets.delete(secret);
    },
    addHeader(name) {
      headerNames.add(name.toLowerCase());
      fieldKeys.add(fieldKey(name));
    },
    addQuery(name) {
      if (!queryNames.has(name.toLowerCase())) {
        queryNames.add(name.toLowerCase());
        fieldNames.add(name.toLowerCase());
        fieldKeys.add(fieldKey(name));
        rebuild();
      }
    },
    isSensitiveHeader(name) {
      return headerNames.has(name.toLowerCase());
    },
    isSensitiveField(name) {
      return fieldKeys.has(fieldKey(name));
    },
  };
  return redactor;
}

/**
 * The redactor used where no client is at hand (errors built outside a call).
 * @example
 * defaultRedactor.url('https://x.test/?token=abc'); // 'https://x.test/?token=[REDACTED]'
 */
export const defaultRedactor: Redactor = /* @__PURE__ */ createRedactor();
