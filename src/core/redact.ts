/**
 * The one place that decides what a credential looks like. Every message, event, `toJSON` and inspect output
 * sturdy produces goes through a Redactor.
 */

export const REDACTED = '[REDACTED]';

/** Header names whose values are always credentials. */
const DEFAULT_HEADERS = 'authorization proxy-authorization cookie set-cookie x-api-key api-key x-auth-token';
/** Query parameter and JSON field names whose values are always secrets. */
const DEFAULT_NAMES =
  'token access_token refresh_token id_token api_key apikey key secret client_secret password signature sig';

/** How many objects and fields and how long a string `Redactor.data` copies: printing a huge or deep body stays cheap. */
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

/** `clientSecret`, `client_secret`, `client-secret` and `password]` (of `user[password]`) name the same field. */
const fieldKey = (name: string) => name.toLowerCase().replace(/[\W_]/g, '');

/** The token68 after `Bearer` / `Basic` in echoed text (the lookahead keeps it whole), and a quote after it. */
const SCHEME_CREDENTIAL = /\b(?:bearer|basic)\s+([\w\-.~+/]{6,}=*)(?![\w\-.~+/=])("?)/gi;
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
 * @example
 * const redactor = new Redactor({ query: ['session'] });
 * redactor.url('https://api.example.com/?session=abc'); // 'https://api.example.com/?session=[REDACTED]'
 */
export class Redactor {
  readonly #parent: Redactor | undefined;
  /** Field keys (see `fieldKey`) of every secret name, and `:name` for each credential header. */
  readonly #names = new Set<string>();
  /** Each registration of a secret (one secret may be registered more than once). */
  readonly #secrets: string[] = [];

  constructor(options: RedactOptions = {}, parent?: Redactor) {
    this.#parent = parent;
    const defaults = (list: string) => (parent ? [] : list.split(' '));
    for (const name of [...defaults(DEFAULT_HEADERS), ...(options.headers ?? [])]) this.addHeader(name);
    for (const name of [...defaults(DEFAULT_NAMES), ...(options.query ?? []), ...(options.fields ?? [])])
      this.addQuery(name);
  }

  /** A URL with sensitive query values replaced; never throws. */
  url(url: string | URL): string {
    return this.text(String(url));
  }

  /** Any text with every known secret, credential-looking value and sensitive query or field value replaced. */
  text(text: string): string {
    let result = text;
    for (let redactor: Redactor | undefined = this; redactor; redactor = redactor.#parent)
      // A lone surrogate travels in a URL as U+FFFD (and would make encodeURIComponent throw).
      for (const secret of redactor.#secrets)
        for (const form of [secret, encodeURIComponent(secret.replace(/\p{Cs}/gu, '\uFFFD'))])
          result = result.replaceAll(form, REDACTED);
    const hide = (match: string, head: string, name: string, tail = '') =>
      this.isSensitiveField(name) ? head + REDACTED + tail : match;
    return result
      .replace(URL_USERINFO, `$1${REDACTED}@`)
      .replace(SCHEME_CREDENTIAL, (match, word: string, quote: string) =>
        // Tokens carry digits, symbols, padding or mixed case; words ("bearer credentials", `realm="..."`) do not.
        /\d|[_~+/]|=$|[a-z][A-Z]|.{20}/.test(word) && !/="/.test(word + quote) ? match.replace(word, REDACTED) : match,
      )
      .replace(QUERY_PAIR, hide)
      .replace(JSON_PAIR, hide);
  }

  /** A plain object of headers: credential values replaced, every other value through `text`. */
  headers(headers: Headers): Record<string, string> {
    return Object.fromEntries(
      [...headers].map(([name, value]) => [name, this.isSensitiveHeader(name) ? REDACTED : this.text(value)]),
    );
  }

  /**
   * A plain, printable copy of parsed data (an error body): fields named like secrets hidden, strings through
   * `text`, cycles, size (and so depth) bounded. Never throws.
   */
  data(value: unknown): unknown {
    let entries = DATA_ENTRIES;
    const copy = (item: unknown, ancestors: unknown[]): unknown => {
      const kind = typeof item;
      if (kind === 'string' || kind === 'bigint') {
        const text = this.text(String(item));
        return text.length > DATA_CHARS ? text.slice(0, DATA_CHARS) + CUT : text;
      }
      if (kind !== 'object' || !item) return kind === 'function' || kind === 'symbol' ? undefined : item;
      if (ancestors.includes(item)) return '[Circular]';
      // Every object and every field counts: depth and toJSON chains are bounded too.
      if (--entries < 0) return CUT;
      const inside = [...ancestors, item];
      try {
        // A Date (or anything with toJSON, from a parseJson hook) prints as JSON.stringify would print it.
        const { toJSON } = item as { toJSON?: unknown };
        if (typeof toJSON === 'function') return copy(toJSON.call(item), inside);
        const fields: Array<[string, unknown]> = [];
        for (const [key, field] of Object.entries(item)) {
          if (--entries < 0) {
            fields.push([CUT, CUT]);
            break;
          }
          fields.push([this.text(key), this.isSensitiveField(key) && field != null ? REDACTED : copy(field, inside)]);
        }
        // fromEntries defines, never assigns: a server's "__proto__" key stays a plain field.
        return Array.isArray(item) ? fields.map((field) => field[1]) : Object.fromEntries(fields);
      } catch {
        // A getter, toJSON or proxy that throws: this value is unprintable, its siblings still print.
        return '[unprintable]';
      }
    };
    return copy(value, []);
  }

  /** Registers a secret value (a token, a password) that must never appear in output. */
  addSecret(secret: string | undefined): void {
    // Very short values would redact ordinary words; credentials are longer than this.
    if (typeof secret === 'string' && secret.length >= 4) this.#secrets.push(secret);
  }

  /** Forgets one registration of `secret` (a token that was replaced); it stays hidden while registered elsewhere. */
  removeSecret(secret: string): void {
    const at = this.#secrets.indexOf(secret);
    if (at >= 0) this.#secrets.splice(at, 1);
  }

  /** Adds a header name to hide (auth strategies register theirs); a field or parameter so named hides too. */
  addHeader(name: string): void {
    this.#names.add(`:${name.toLowerCase()}`);
    this.addQuery(name);
  }

  /** Adds a query parameter (and JSON field) name to hide. */
  addQuery(name: string): void {
    this.#names.add(fieldKey(name));
  }

  /** True for a header whose value is a credential (`authorization`, `cookie`, an API-key header, ...). */
  isSensitiveHeader(name: string): boolean {
    return this.#has(`:${name.toLowerCase()}`);
  }

  /**
   * True for a field or parameter named like a secret in any spelling (`password`, `clientSecret`, `api-key`),
   * or whose last words are (`X-Amz-Signature`, `user.token`).
   */
  isSensitiveField(name: string): boolean {
    // No secret's name is this long: a megabyte-long name costs its last 100 characters, not its square.
    const words = name.slice(-100).split(/\b(?=\w)/);
    return words.some((_, at) => this.#has(fieldKey(words.slice(at).join(''))));
  }

  #has(key: string): boolean {
    return this.#names.has(key) || (!!this.#parent && this.#parent.#has(key));
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
