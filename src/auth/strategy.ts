/**
 * What every auth strategy shares: its scope options and the policy that sends it, the check on values that go
 * into a header, and the list of redactors an issued token must reach.
 */
import { checkOptions } from '../core/options.ts';
import { breaksHeader } from '../shared/header-value.ts';
import { optionError } from '../shared/option-error.ts';
import { credentialPolicy } from './policy.ts';
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
 * The strategy `type` with its scope options, checked (`origins` an array, `allowInsecure` a boolean: the string
 * 'false' would be truthy and send the credential over plain http), and `parts`, sent by `credentialPolicy`.
 * @example
 * return strategy('bearer', options, { authorize: ({ headers }) => headers.set('authorization', `Bearer ${token}`) });
 */
export function strategy(
  type: string,
  { origins, allowInsecure }: ScopeOptions,
  parts: Pick<AuthStrategy, 'authorize' | 'refresh' | 'register'>,
): AuthStrategy {
  // The client's rule for the same option (`allowInsecure` must be true or false).
  checkOptions({ allowInsecure }, 'client');
  // Origins are URLs, which may carry a user name and password: described, never echoed.
  if (origins !== undefined && !Array.isArray(origins))
    throw optionError('', `${type}({ origins })`, 'an array of origins', origins, 1);
  return { kind: 'sturdy.auth', policy: credentialPolicy, type, origins, allowInsecure, ...parts };
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
 * The redactors a token strategy registered with: a token learned later (fetched after the client was built)
 * is hidden in every one of them.
 * @example
 * const secrets = createSecrets(clientSecret); secrets.issue(token); // register: secrets.register
 */
export type Secrets = {
  /** Remembers `redactor` and gives it every secret known so far. */
  register(redactor: SecretSink): void;
  /** An issued token: hidden by every registered redactor (and every later one) while it is one of the last {@link ISSUED_TOKENS_KEPT}. */
  issue(token: string): void;
};

/**
 * Creates the list a token strategy keeps, with the secrets it holds for its lifetime (a client secret).
 * @example
 * const secrets = createSecrets(clientSecret);
 * return strategy('clientCredentials', options, { ...bearerFrom(load), register: secrets.register });
 */
export function createSecrets(...known: string[]): Secrets {
  const redactors = new Set<SecretSink>();
  const issued: string[] = [];
  // Redactors count registrations, so a secret given twice (or a token issued again) is simply registered again.
  return {
    register(redactor) {
      if (!redactors.has(redactor)) for (const secret of [...known, ...issued]) redactor.addSecret(secret);
      redactors.add(redactor);
    },
    issue(token) {
      const forgotten = issued.push(token) > ISSUED_TOKENS_KEPT && issued.shift();
      for (const redactor of redactors) {
        if (forgotten) redactor.removeSecret(forgotten);
        redactor.addSecret(token);
      }
    },
  };
}

/**
 * A credential that goes into a header must be a non-empty string without CR, LF, NUL or another control character
 * (header injection). The value itself is never shown (an empty or missing one is: it holds no secret and says the
 * variable is unset).
 * @example
 * checkCredential(process.env.API_TOKEN, 'bearer(token)'); // TypeError when unset
 */
export function checkCredential(value: unknown, what: string): string {
  if (typeof value === 'string' && value && !breaksHeader(value)) return value;
  throw optionError(
    '',
    what,
    'a non-empty string without control characters (is the environment variable set?)',
    value,
    value,
  );
}
