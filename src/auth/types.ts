import type { Redactor } from '../core/redact.ts';

/** What a strategy tells a redactor: its secrets and the header and query names its credential goes in. */
export type SecretSink = Pick<Redactor, 'addSecret' | 'removeSecret' | 'addHeader' | 'addQuery'>;
import type { CredentialPolicy } from './policy.ts';

/** What a strategy sees of the request it authorizes. */
export type AuthTarget = {
  /** The final URL; a strategy may add a query parameter to it. */
  url: URL;
  /** The request headers; a strategy sets its credential header here. */
  headers: Headers;
  /** The caller's signal and the call's fetch, for strategies that fetch tokens. */
  signal?: AbortSignal | undefined;
  fetch: typeof globalThis.fetch;
};

/**
 * An auth strategy: built by `bearer`, `apiKey`, `basic` or
 * `clientCredentials`, or your own object of this shape (with
 * `policy: credentialPolicy` from 'sturdy').
 */
export type AuthStrategy = {
  /** Marks a real strategy, so a typo'd option fails loudly. */
  readonly kind: 'sturdy.auth';
  /** A short name for messages and events: 'bearer', 'apiKey', ... */
  readonly type: string;
  /** More origins (`https://files.example.com`) that get this credential besides the baseUrl origin. */
  readonly origins?: readonly string[] | undefined;
  /** Allow sending this credential over plain http to a non-loopback host. */
  readonly allowInsecure?: boolean | undefined;
  /**
   * Adds the credential to the target. Returns what was used (a token), which
   * `refresh` gets back after a 401 so concurrent failures share one refresh.
   */
  authorize(target: AuthTarget): unknown | Promise<unknown>;
  /**
   * Called after a 401 with what `authorize` returned. Resolves true when a
   * repeat with new credentials makes sense (at most once per call).
   */
  refresh?(used: unknown, target: AuthTarget): Promise<boolean>;
  /** Registers this strategy's secrets and header/query names with a client's redactor. */
  register?(redactor: SecretSink): void;
  /**
   * The credential policy that sends it (origins, plain-http refusal, redirects, 401 refresh): `credentialPolicy`
   * from 'sturdy'. The strategy brings it, so a client without auth does not carry its code.
   */
  readonly policy: CredentialPolicy;
};

export const isAuthStrategy = (value: unknown): value is AuthStrategy =>
  (value as AuthStrategy | undefined)?.kind === 'sturdy.auth' &&
  typeof (value as AuthStrategy).authorize === 'function' &&
  typeof (value as AuthStrategy).policy === 'function';
