/**
 * The one place that decides what a credential looks like. Every message,
 * event, `toJSON` and inspect output sturdy produces goes through a Redactor.
 */

export const REDACTED = '[REDACTED]';

/** Header names whose values are always credentials. */
const DEFAULT_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key', 'x-auth-token'];
/** Query parameter names (and JSON field names) whose values are always secrets. */
const DEFAULT_QUERY = ['token', 'access_token', 'refresh_token', 'id_token', 'api_key', 'apikey', 'key', 'secret', 'client_secret', 'password', 'signature', 'sig'];

/** Extra names to redact, on top of the defaults. */
export type RedactOptions = {
  /** More header names to hide (case-insensitive). */
  headers?: readonly string[];
  /** More query parameter names to hide (case-insensitive). */
  query?: readonly string[];
  /** More JSON field names to hide in bodies and snippets (case-insensitive). */
  fields?: readonly string[];
};

export type Redactor = {
  /** A URL with sensitive query values replaced; never throws. */
  url(url: string | URL): string;
  /** A plain object of headers with credential values replaced. */
  headers(headers: Headers | Record<string, string>): Record<string, string>;
  /** Any text (messages, snippets) with every known secret value and sensitive query value replaced. */
  text(text: string): string;
  /** Registers secret values (tokens, passwords) that must never appear in output. */
  addSecret(secret: string | undefined): void;
  /** Adds header names to hide (auth strategies register theirs). */
  addHeader(name: string): void;
  /** Adds query parameter names to hide. */
  addQuery(name: string): void;
  isSensitiveHeader(name: string): boolean;
};

const lower = (names: readonly string[] | undefined): string[] => (names ?? []).map((name) => name.toLowerCase());

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Creates the redactor a client uses for everything it emits. */
export function createRedactor(options: RedactOptions = {}): Redactor {
  const headerNames = new Set([...DEFAULT_HEADERS, ...lower(options.headers)]);
  const queryNames = new Set([...DEFAULT_QUERY, ...lower(options.query)]);
  const fieldNames = new Set([...queryNames, ...lower(options.fields)]);
  const secrets = new Set<string>();
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
    for (const secret of secrets) {
      if (result.includes(secret)) result = result.split(secret).join(REDACTED);
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret && result.includes(encoded)) result = result.split(encoded).join(REDACTED);
    }
    return result;
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
        result[name] = headerNames.has(name.toLowerCase()) ? REDACTED : redactSecrets(value);
      }
      return result;
    },
    text(text) {
      let result = redactSecrets(text);
      result = result.replace(queryPattern!, `$1${REDACTED}`);
      result = result.replace(fieldPattern!, `$1"${REDACTED}"`);
      // "Authorization: Bearer xyz" as it may appear in echoed text.
      return result.replace(/\b(bearer|basic)\s+[\w\-.~+/=]{6,}/gi, `$1 ${REDACTED}`);
    },
    addSecret(secret) {
      // Very short values would redact ordinary words; credentials are longer than this.
      if (secret && secret.length >= 4) secrets.add(secret);
    },
    addHeader(name) {
      headerNames.add(name.toLowerCase());
    },
    addQuery(name) {
      if (!queryNames.has(name.toLowerCase())) {
        queryNames.add(name.toLowerCase());
        fieldNames.add(name.toLowerCase());
        rebuild();
      }
    },
    isSensitiveHeader(name) {
      return headerNames.has(name.toLowerCase());
    },
  };
  return redactor;
}

/** The redactor used where no client is at hand (errors built outside a call). */
export const defaultRedactor: Redactor = /* @__PURE__ */ createRedactor();
