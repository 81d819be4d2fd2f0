/**
 * What every auth strategy shares: its scope options, the check on values that go into a header, and the list of
 * redactors its secrets must reach.
 */
import type { CredentialNames } from '../core/middleware.ts';
import { breaksHeader } from '../shared/header-value.ts';
import { optionError } from '../shared/option-error.ts';
import type { AuthStrategy, SecretSink } from './types.ts';

/**
 * Where a strategy may send its credential, on top of the client's rules.
 * @example
 * bearer(token, { origins: ['https://uploads.example.com'] })
 */
export type ScopeOptions = {
  /** Origins besides the client's `baseUrl` origin that receive this credential. */
  origins?: readonly string[];
  /** Send the credential over plain http to a non-loopback host (a trusted private network). @default false */
  allowInsecure?: boolean;
};

/**
 * A strategy's scope options, checked: `origins` an array, `allowInsecure` a boolean (as on the client: the
 * string 'false' would be truthy and send the credential over plain http).
 * @example
 * return { ...scopeOf(options, 'bearer'), authorize };
 */
export function scopeOf(options: ScopeOptions, strategy: string): Pick<AuthStrategy, 'origins' | 'allowInsecure'> {
  const { origins, allowInsecure } = options;
  if (allowInsecure !== undefined && typeof allowInsecure !== 'boolean')
    throw optionError('', `${strategy}({ allowInsecure })`, 'true or false', allowInsecure);
  // Origins are URLs, which may carry a user name and password: described, never echoed.
  if (origins !== undefined && !Array.isArray(origins))
    throw optionError('', `${strategy}({ origins })`, 'an array of origins', origins, 1);
  return { origins, allowInsecure };
}

/**
 * How many issued tokens (from a provider or a token endpoint) stay registered: the current one and the few
 * before it that may still be in flight. Older ones are forgotten, so a provider that mints a token per call
 * keeps redaction as cheap on call one million as on call one; a forgotten token is still hidden wherever a
 * pattern covers it (`Authorization` headers, `Bearer <token>` text, `access_token=` query values).
 * @example
 * // after tokens t1..t6: t3, t4, t5, t6 are hidden by value, t1 and t2 no longer
 */
export const ISSUED_TOKENS_KEPT = 4;

/**
 * The redactors a strategy registered with: a secret learned later (a token fetched after the client was built)
 * is hidden in every one of them.
 * @example
 * const secrets = createSecrets(); secrets.add(token); // in register(): secrets.register(redactor)
 */
export type Secrets = {
  /** Remembers `redactor` and gives it every secret known so far. */
  register(redactor: SecretSink): void;
  /** A secret for the strategy's lifetime (a password, a fixed key): every registered redactor (and every later one) hides it. */
  add(secret: string): void;
  /** An issued token: hidden like `add`, but only the last {@link ISSUED_TOKENS_KEPT} stay registered. */
  issue(token: string): void;
};

/**
 * Creates the list a strategy keeps: `register` is its `AuthStrategy.register`.
 * @example
 * const secrets = createSecrets();
 * return { ..., register: secrets.register };
 */
export function createSecrets(): Secrets {
  const redactors = new Set<SecretSink>();
  const known: string[] = [];
  const issued: string[] = [];
  // Redactors count registrations, so a secret given twice (or a token issued again) is simply registered again.
  const tell = (secret: string) => {
    for (const redactor of redactors) redactor.addSecret(secret);
  };
  return {
    register(redactor) {
      if (redactors.has(redactor)) return;
      redactors.add(redactor);
      for (const secret of [...known, ...issued]) redactor.addSecret(secret);
    },
    add(secret) {
      known.push(secret);
      tell(secret);
    },
    issue(token) {
      if (issued.push(token) > ISSUED_TOKENS_KEPT) {
        const forgotten = issued.shift()!;
        for (const redactor of redactors) redactor.removeSecret(forgotten);
      }
      tell(token);
    },
  };
}

/**
 * A credential that goes into a header must be a non-empty string without CR, LF or NUL (header injection). The
 * value itself is never shown (an empty or missing one is: it holds no secret and says the variable is unset).
 * @example
 * checkCredential(process.env.API_TOKEN, 'bearer(token)'); // TypeError when unset
 */
export function checkCredential(value: unknown, what: string): string {
  if (typeof value === 'string' && value && !breaksHeader(value)) return value;
  const expected =
    'a non-empty string (is the environment variable set?) without line breaks or NUL (header injection)';
  throw optionError('', what, expected, value, value);
}

const namesCache = /* @__PURE__ */ new WeakMap<AuthStrategy, CredentialNames>();

/**
 * Which header and query names carry `strategy`'s credential, read from what its `register` declares (so custom
 * strategies are covered too). Used to strip them from a redirect that leaves the credential origins.
 * @example
 * credentialNames(apiKey({ key, query: 'api_key' })).query // ['api_key']
 */
export function credentialNames(strategy: AuthStrategy): CredentialNames {
  let names = namesCache.get(strategy);
  if (!names) {
    const headers = ['authorization'];
    const query: string[] = [];
    const ignore = () => {};
    strategy.register?.({
      addHeader: (name) => void headers.push(name.toLowerCase()),
      addQuery: (name) => void query.push(name),
      addSecret: ignore,
      removeSecret: ignore,
    });
    names = { headers, query };
    namesCache.set(strategy, names);
  }
  return names;
}
