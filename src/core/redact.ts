/**
 * The one place that decides what a credential looks like. Every message, event, `toJSON` and inspect output
 * sturdy produces goes through a Redactor.
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
const DEFAULT_QUERY =
  'token access_token refresh_token id_token api_key apikey key secret client_secret password signature sig';

/** How deep, how many entries and how long a string `Redactor.data` copies: printing a huge or deep body stays cheap. */
const DATA_DEPTH = 10;
const DATA_ENTRIES = 1000;
const DATA_CHARS = 10_000;
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

/** `clientSecret`, `client_secret` and `client-secret` name the same field. */
const fieldKey = (name: string) => name.toLowerCase().replace(/[-_]/g, '');
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const lower = (names: readonly string[] | undefined) => (names ?? []).map((name) => name.toLowerCase());

/** `Bearer <x>` / `Basic <x>` as they appear in echoed text; the lookahead keeps the whole token68. */
const SCHEME_CREDENTIAL = /\b(bearer|basic)(\s+)([\w\-.~+/]{6,}=*)(?![\w\-.~+/=])/gi;
/** The userinfo of a URL (`https://user:password@host`): a credential whoever wrote it. */
const URL_USERINFO = /(\b[a-z][a-z\d+.-]*:\/\/)[^\s/?#@]+@/gi;

/**
 * Does the word after `Bearer`/`Basic` look like a credential? Tokens carry digits, symbols, padding or mixed
 * case; words (sturdy's own "bearer credentials", an auth-param `realm="..."`) do not.
 */
const looksLikeToken = (word: string, next: string): boolean =>
  !(next === '"' && word.endsWith('=')) && (/\d|[_~+/]|=$|[a-z][A-Z]/.test(word) || word.length >= 20);

/**
 * Hides credentials in what sturdy prints. A redactor made with a `parent` hides what its parent hides and
 * its own names and secrets besides (a call's `redact` option, a per-call strategy's secrets).
 * @example
 * const redactor = new Redactor({ query: ['session'] });
 * redactor.url('https://api.example.com/?session=abc'); // 'https://api.example.com/?session=[REDACTED]'
 */
export class Redactor {
  readonly #parent: Redactor | undefined;
  readonly #headers: Set<string>;
  readonly #query: Set<string>;
  readonly #fields: Set<string>;
  /** Each secret with its registration count. */
  readonly #secrets = new Map<string, number>();
  #query$: RegExp | undefined;
  #field$: RegExp | undefined;

  constructor(options: RedactOptions = {}, parent?: Redactor) {
    this.#parent = parent;
    this.#headers = new Set([...(parent ? [] : DEFAULT_HEADERS), ...lower(options.headers)]);
    this.#query = new Set([...(parent ? [] : DEFAULT_QUERY.split(' ')), ...lower(options.query)]);
    this.#fields = new Set(lower(options.fields));
  }

  /** A URL with sensitive query values replaced; never throws. */
  url(url: string | URL): string {
    return this.text(typeof url === 'string' ? url : url.href);
  }

  /** Any text with every known secret, credential-looking value and sensitive query or field value replaced. */
  text(text: string): string {
    let result = this.#parent ? this.#parent.text(text) : text;
    for (const secret of this.#secrets.keys()) {
      result = result.split(secret).join(REDACTED);
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) result = result.split(encoded).join(REDACTED);
    }
    if (!this.#parent) {
      result = result
        .replace(URL_USERINFO, `$1${REDACTED}@`)
        .replace(SCHEME_CREDENTIAL, (match, scheme: string, space: string, word: string, at: number, whole: string) =>
          looksLikeToken(word, whole.charAt(at + match.length)) ? `${scheme}${space}${REDACTED}` : match,
        );
    }
    const names = [...this.#query, ...this.#fields];
    if (names.length === 0) return result;
    if (!this.#query$) {
      // name=value in query strings or form bodies, and "field": "value" in JSON-ish text.
      this.#query$ = new RegExp(
        `(\\b(?:${[...this.#query].map(escapeRegExp).join('|') || '(?!)'})=)[^&#\\s"'<>,;]*`,
        'gi',
      );
      this.#field$ = new RegExp(`("(?:${names.map(escapeRegExp).join('|')})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi');
    }
    return result.replace(this.#query$, `$1${REDACTED}`).replace(this.#field$!, `$1"${REDACTED}"`);
  }

  /** A plain object of headers: credential values replaced, every other value through `text`. */
  headers(headers: Headers | Record<string, string>): Record<string, string> {
    const result: Record<string, string> = {};
    for (const [name, value] of headers instanceof Headers ? headers : Object.entries(headers)) {
      result[name] = this.isSensitiveHeader(name) ? REDACTED : this.text(value);
    }
    return result;
  }

  /**
   * A plain, printable copy of parsed data (an error body): fields named like secrets hidden, strings through
   * `text`, cycles, depth and size bounded. Never throws.
   */
  data(value: unknown): unknown {
    let entries = DATA_ENTRIES;
    const seen = new Set<object>();
    const copy = (item: unknown, depth: number): unknown => {
      if (typeof item === 'string') {
        const text = this.text(item);
        return text.length > DATA_CHARS ? text.slice(0, DATA_CHARS) + CUT : text;
      }
      if (typeof item === 'bigint') return String(item);
      if (typeof item === 'function' || typeof item === 'symbol') return undefined;
      if (typeof item !== 'object' || item === null) return item;
      if (seen.has(item)) return '[Circular]';
      if (depth >= DATA_DEPTH) return CUT;
      seen.add(item);
      try {
        // A Date (or anything with toJSON, from a parseJson hook) prints as JSON.stringify would print it.
        const toJSON = (item as { toJSON?: unknown }).toJSON;
        if (typeof toJSON === 'function') return copy(toJSON.call(item), depth + 1);
        const fields: Array<[string, unknown]> = [];
        for (const key of Object.keys(item)) {
          if (entries-- <= 0) {
            fields.push([CUT, CUT]);
            break;
          }
          const field = (item as Record<string, unknown>)[key];
          const hidden = this.isSensitiveField(key) && field != null;
          fields.push([this.text(key), hidden ? REDACTED : copy(field, depth + 1)]);
        }
        // fromEntries defines, never assigns: a server's "__proto__" key stays a plain field.
        return Array.isArray(item) ? fields.map((field) => field[1]) : Object.fromEntries(fields);
      } catch {
        // A getter, toJSON or proxy that throws: this value is unprintable, its siblings still print.
        return '[unprintable]';
      } finally {
        seen.delete(item);
      }
    };
    return copy(value, 0);
  }

  /** Registers a secret value (a token, a password) that must never appear in output. */
  addSecret(secret: string | undefined): void {
    // Very short values would redact ordinary words; credentials are longer than this.
    if (typeof secret === 'string' && secret.length >= 4)
      this.#secrets.set(secret, (this.#secrets.get(secret) ?? 0) + 1);
  }

  /** Forgets one registration of `secret` (a token that was replaced); it stays hidden while registered elsewhere. */
  removeSecret(secret: string): void {
    const count = (this.#secrets.get(secret) ?? 0) - 1;
    if (count > 0) this.#secrets.set(secret, count);
    else this.#secrets.delete(secret);
  }

  /** Adds a header name to hide (auth strategies register theirs). */
  addHeader(name: string): void {
    this.#headers.add(name.toLowerCase());
  }

  /** Adds a query parameter name to hide. */
  addQuery(name: string): void {
    this.#query.add(name.toLowerCase());
    this.#query$ = undefined;
  }

  isSensitiveHeader(name: string): boolean {
    return this.#headers.has(name.toLowerCase()) || Boolean(this.#parent?.isSensitiveHeader(name));
  }

  /** True for a JSON or form field named like a secret (`password`, `clientSecret`, `api-key`, ...). */
  isSensitiveField(name: string): boolean {
    const key = fieldKey(name);
    for (const names of [this.#query, this.#fields, this.#headers])
      for (const known of names) if (fieldKey(known) === key) return true;
    return Boolean(this.#parent?.isSensitiveField(name));
  }
}

/**
 * Creates the redactor a client uses for everything it emits (with `parent`: one that adds to the parent's).
 * @example
 * createRedactor({ fields: ['ssn'] }).text('{"ssn":"123-45-6789"}'); // '{"ssn":"[REDACTED]"}'
 */
export const createRedactor = (options?: RedactOptions, parent?: Redactor): Redactor => new Redactor(options, parent);

/**
 * The redactor used where no client is at hand (errors built outside a call).
 * @example
 * defaultRedactor.url('https://x.test/?token=abc'); // 'https://x.test/?token=[REDACTED]'
 */
export const defaultRedactor: Redactor = /* @__PURE__ */ new Redactor();
