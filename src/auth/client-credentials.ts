/**
 * `clientCredentials`: OAuth 2.0 client credentials grant (RFC 6749 section
 * 4.4). Fetches a token from `tokenUrl`, caches it until `expires_in` minus a
 * skew, shares one fetch among concurrent calls and renews it once after a 401.
 */
import { optionError } from '../shared/option-error.ts';
import { readBounded } from '../core/body.ts';
import { AuthError } from '../core/errors.ts';
import { DEFAULTS } from '../core/options.ts';
import { createRedactor } from '../core/redact.ts';
import { refuseRedirects } from './redirect.ts';
import { basicCredentials } from './basic.ts';
import { assertSecureTransport } from './scope.ts';
import { checkCredential, createSecrets, type ScopeOptions, strategy } from './strategy.ts';
import { bearerFrom, isIssuedToken, type TokenGrant } from './token-cache.ts';
import { sharedTokenLoader, type TokenStorage } from './token-store.ts';
import type { AuthStrategy } from './types.ts';

/**
 * Options of `clientCredentials`.
 * @example
 * { tokenUrl: 'https://auth.example.com/oauth/token', clientId: 'shop', clientSecret: process.env.CLIENT_SECRET!, scope: ['orders:read'] }
 */
export type ClientCredentialsOptions = ScopeOptions & {
  /** The authorization server's token endpoint. */
  tokenUrl: string | URL;
  clientId: string;
  clientSecret: string;
  /** Requested scopes: a space-separated string or a list. */
  scope?: string | readonly string[];
  /** The `audience` parameter many providers (Auth0, Okta, ...) require. */
  audience?: string;
  /** RFC 8707 resource indicators: absolute URIs of the APIs the token is for; a list sends one `resource` field each. */
  resource?: string | readonly string[];
  /** More form fields for the token request (`aud`, `tenant`, ...); they cannot replace grant_type, client_id, client_secret or scope. */
  params?: Readonly<Record<string, string | readonly string[]>>;
  /** How the client authenticates: an HTTP Basic header (RFC 6749 section 2.3.1, the default) or `client_id`/`client_secret` in the body. @default 'basic' */
  method?: 'basic' | 'body';
  /** Longest wait for the token endpoint, in ms. @default 10_000 (the client's default `timeout`) */
  timeout?: number;
  /**
   * A store every instance shares the token through (an unstorage `Storage`: Redis, Cloudflare KV, ...): a valid
   * token there is used instead of fetching one, and only one instance fetches a new one (a short lock with a
   * timeout). The key is a hash of tokenUrl, clientId, scope, audience and resource, never of the secret; the
   * stored value IS a bearer token: keep the store as private as the secret.
   * @example
   * clientCredentials({ tokenUrl, clientId, clientSecret, cache: createStorage({ driver: redisDriver({ url }) }) })
   */
  cache?: TokenStorage;
};

/**
 * Seconds a token is used when the endpoint gives no valid `expires_in` (missing, null, negative, not a
 * number): short, so a token that in fact lives less is replaced soon, and still one token request per
 * ~4.5 minutes (the 30 s skew applies) where it lives longer. A numeric string ("3599") is read as a number.
 * @example
 * { access_token, token_type: 'Bearer' } // used for 300 s - 30 s
 */
export const DEFAULT_TOKEN_LIFETIME_S = 300;

/** Form fields sturdy sets itself; `params` cannot replace them. */
const RESERVED_PARAMS = ['grant_type', 'client_id', 'client_secret', 'scope'];

/** RFC 6749 appendix B: client id and secret are form-encoded before Basic encoding. */
const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);

const asString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

const parseJson = (text: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

const list = (value: string | readonly string[]): readonly unknown[] => (Array.isArray(value) ? value : [value]);

/** RFC 8707 section 2: a resource is an absolute URI without a fragment. */
const isResource = (value: unknown): boolean => {
  try {
    return typeof value === 'string' && !new URL(value).hash && !value.includes('#');
  } catch {
    return false;
  }
};

/** The form fields after grant_type, scope and the client's: audience, resource indicators, params; checked once. */
function extraFields(options: ClientCredentialsOptions): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  if (options.audience !== undefined)
    fields.push(['audience', checkCredential(options.audience, 'clientCredentials({ audience })')]);
  if (options.resource !== undefined) {
    for (const resource of list(options.resource)) {
      if (!isResource(resource)) {
        const what = "absolute URIs without a fragment (RFC 8707) like 'https://api.example.com/'";
        throw optionError('', 'clientCredentials({ resource })', what, resource, 1);
      }
      fields.push(['resource', resource as string]);
    }
  }
  const { params } = options;
  if (params === undefined) return fields;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw optionError(
      '',
      'clientCredentials({ params })',
      "an object of form fields like { aud: 'https://api.example.com' }",
      params,
      1,
    );
  }
  for (const [name, value] of Object.entries(params)) {
    // Values are not shown: a param may carry a secret (a client assertion).
    const option = `clientCredentials({ params.${name} })`;
    if (RESERVED_PARAMS.includes(name))
      throw optionError('', option, 'left out: sturdy sets it from clientId, clientSecret and scope', value, 1);
    if (
      (name === 'audience' && options.audience !== undefined) ||
      (name === 'resource' && options.resource !== undefined)
    )
      throw optionError('', option, `left out when the \`${name}\` option is given (give it once)`, value, 1);
    for (const item of list(value)) {
      if (typeof item !== 'string') throw optionError('', option, 'a string or a list of strings', item, 1);
      fields.push([name, item]);
    }
  }
  return fields;
}

function checkGrantOptions(options: ClientCredentialsOptions): URL {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('sturdy: clientCredentials() takes { tokenUrl, clientId, clientSecret, ... }');
  let tokenUrl: URL;
  try {
    tokenUrl = new URL(options.tokenUrl);
  } catch {
    // A URL may carry a user name and password: described, never echoed.
    const what = "an absolute URL like 'https://auth.example.com/oauth/token'";
    throw optionError('', 'clientCredentials({ tokenUrl })', what, options.tokenUrl, 1);
  }
  checkCredential(options.clientId, 'clientCredentials({ clientId })');
  checkCredential(options.clientSecret, 'clientCredentials({ clientSecret })');
  if (options.method !== undefined && options.method !== 'basic' && options.method !== 'body')
    throw optionError('', 'clientCredentials({ method })', "'basic' or 'body'", options.method);
  const { cache } = options;
  if (
    cache !== undefined &&
    (typeof cache?.getItem !== 'function' ||
      typeof cache.setItem !== 'function' ||
      typeof cache.removeItem !== 'function')
  ) {
    // A store's options may hold its Redis URL and password: described, never echoed.
    const what =
      'an unstorage Storage (getItem, setItem, removeItem) like createStorage({ driver: redisDriver({ url }) })';
    throw optionError('', 'clientCredentials({ cache })', what, cache, 1);
  }
  const { timeout } = options;
  if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout > 0)))
    throw optionError('', 'clientCredentials({ timeout })', 'a positive number of ms', timeout);
  return tokenUrl;
}

/**
 * Sends `Authorization: Bearer <access_token>` obtained with the OAuth 2.0
 * client credentials grant. Token endpoint failures throw `AuthError` with the
 * OAuth `error` and `errorDescription`; the client secret is never in it.
 * A token is used for `expires_in` (or {@link DEFAULT_TOKEN_LIFETIME_S} when it is missing or invalid) minus
 * a 30 s skew. The token request goes through the fetch of the call that needs the token (concurrent calls
 * share one request).
 * @example
 * const api = createClient({
 *   baseUrl: 'https://api.example.com/',
 *   auth: clientCredentials({
 *     tokenUrl: 'https://auth.example.com/oauth/token',
 *     clientId: process.env.CLIENT_ID!,
 *     clientSecret: process.env.CLIENT_SECRET!,
 *     scope: ['orders:read'],
 *   }),
 * });
 */
export function clientCredentials(options: ClientCredentialsOptions): AuthStrategy {
  const tokenUrl = checkGrantOptions(options);
  const fields = extraFields(options);
  const { clientId, clientSecret } = options;
  const scope = typeof options.scope === 'string' ? options.scope : options.scope?.join(' ');
  const useBasic = options.method !== 'body';
  const timeout = options.timeout ?? DEFAULTS.timeout;
  const basicHeader = basicCredentials(formEncode(clientId), formEncode(clientSecret));
  // Its own redactor too: an error message is built before any client's redactor sees it.
  const scrub = createRedactor();
  const secrets = createSecrets(clientSecret, formEncode(clientSecret), basicHeader.slice('Basic '.length));
  secrets.register(scrub);
  const where = scrub.url(tokenUrl);

  const fail = (message: string, details: ConstructorParameters<typeof AuthError>[1] = {}): AuthError => {
    const clean = { ...details };
    if (clean.errorDescription !== undefined) clean.errorDescription = scrub.text(clean.errorDescription);
    if (clean.error !== undefined) clean.error = scrub.text(clean.error);
    return new AuthError(scrub.text(message), clean);
  };

  // Each load goes through the fetch of the call that started it (a custom or mocked fetch sees it too).
  const load = async (
    _refresh: boolean,
    fetchToken: typeof globalThis.fetch = globalThis.fetch,
  ): Promise<TokenGrant> => {
    assertSecureTransport(tokenUrl, 'clientCredentials', options.allowInsecure);
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope) body.set('scope', scope);
    for (const [name, value] of fields) body.append(name, value);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
      accept: 'application/json',
    };
    if (useBasic) headers.authorization = basicHeader;
    else {
      body.set('client_id', clientId);
      body.set('client_secret', clientSecret);
    }
    let response: Response;
    try {
      // A redirect must not carry the secret to wherever it points (a 3xx under 'manual' is refused below).
      response = await fetchToken(tokenUrl, {
        method: 'POST',
        headers,
        body,
        redirect: refuseRedirects(),
        signal: AbortSignal.timeout(timeout),
      });
    } catch (error) {
      const timedOut = (error as Error)?.name === 'TimeoutError';
      throw fail(
        timedOut
          ? `token endpoint ${where} did not answer within ${timeout} ms`
          : `token request to ${where} failed: ${(error as Error)?.message ?? 'network error'}`,
        { cause: error },
      );
    }
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      void response.body?.cancel().catch(() => {});
      throw fail(
        `token endpoint ${where} answered a redirect (${response.status}); the client secret is not sent on to another URL: use the final token URL`,
        { status: response.status },
      );
    }
    const [text] = await readBounded(response);
    const json = parseJson(text);
    if (!response.ok) {
      const error = asString(json?.error);
      const errorDescription = asString(json?.error_description);
      const detail = error ? `: ${error}${errorDescription ? ` (${errorDescription})` : ''}` : '';
      throw fail(`token endpoint ${where} answered ${response.status}${detail}`, {
        status: response.status,
        ...(error !== undefined ? { error } : {}),
        ...(errorDescription !== undefined ? { errorDescription } : {}),
      });
    }
    const token = asString(json?.access_token);
    if (!json || !token)
      throw fail(`token endpoint ${where} answered ${response.status} without an access_token in a JSON body`, {
        status: response.status,
      });
    const tokenType = asString(json.token_type);
    if (tokenType !== undefined && tokenType.toLowerCase() !== 'bearer') {
      throw fail(
        `token endpoint ${where} issued a token of type ${JSON.stringify(tokenType)}; only token_type "bearer" is supported`,
        { status: response.status },
      );
    }
    if (!isIssuedToken(token))
      throw fail(
        `the access_token from ${where} cannot go in an Authorization header: it must be a Latin-1 string without control characters`,
        { status: response.status },
      );
    secrets.issue(token);
    const lifetime =
      typeof json.expires_in === 'number' || typeof json.expires_in === 'string' ? Number(json.expires_in) : Number.NaN;
    // 0 is a real answer (the token serves this call only); missing, negative or not a number is no answer.
    return { token, expiresIn: Number.isFinite(lifetime) && lifetime >= 0 ? lifetime : DEFAULT_TOKEN_LIFETIME_S };
  };
  const shared = options.cache
    ? sharedTokenLoader(load, {
        storage: options.cache,
        // Everything the token request sends that shapes the token (audience, resource and params among the fields):
        // two configurations differing in any of it never share a stored token.
        identity: [tokenUrl.href, clientId, scope, ...fields.flat()],
        // A lock holder gets its token request's whole timeout before another instance takes over.
        lockTimeout: timeout + 1_000,
        // A stored token that cannot go in a header is refused (the store then fetches anew).
        onToken: (token) => {
          if (!isIssuedToken(token)) throw new AuthError('the stored token cannot go in an Authorization header');
          secrets.issue(token);
        },
      })
    : load;
  return strategy('clientCredentials', options, { ...bearerFrom(shared), register: secrets.register });
}
