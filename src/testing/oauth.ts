/**
 * OAuth scenarios for msw: a client-credentials token endpoint (RFC 6749
 * section 4.4) that counts and remembers what it issued, and a resource that
 * treats the presented token as expired, for testing 401 -> refresh -> repeat.
 */
import { HttpResponse } from 'msw';
import type { Path } from 'msw';
import {
  checkNumber,
  defineScenario,
  reply,
  wait,
  type Reply,
  type ScenarioHandler,
  type ScenarioOptions,
} from './scenario.ts';

/**
 * Options of {@link oauthTokenEndpoint}.
 * @example
 * { clientId: 'app', clientSecret: 's3cret', expiresIn: 60, delayMs: 100 }
 */
export type TokenEndpointOptions = {
  clientId: string;
  clientSecret: string;
  /** `expires_in` of each token, in seconds. @default 3600 */
  expiresIn?: number;
  /** Delay before each answer, in ms (to see concurrent callers share one fetch). @default 0 */
  delayMs?: number;
};

/**
 * One successful token request, as the endpoint understood it.
 * @example
 * { token: 'access-token-1', clientAuth: 'basic', scope: 'orders:read', audience: undefined }
 */
export type IssuedToken = {
  token: string;
  /** How the client authenticated: an `Authorization: Basic` header or form fields. */
  clientAuth: 'basic' | 'body';
  scope: string | undefined;
  audience: string | undefined;
};

/**
 * The token endpoint handler, with what it issued.
 * @example
 * const tokens = oauthTokenEndpoint('https://auth.test/token', { clientId: 'app', clientSecret: 's3cret' });
 * expect(tokens.calls).toBe(1);
 * expect(tokens.grants[0]?.scope).toBe('orders:read');
 */
export type TokenEndpointHandler = ScenarioHandler & {
  /** Every token issued, in order, with the scope and audience asked for. */
  readonly grants: readonly IssuedToken[];
  /** True for a token this endpoint issued and has not revoked. */
  isValid(token: string | null | undefined): boolean;
  /** Revokes every token issued so far (a resource using `isValid` then answers 401). */
  revokeAll(): void;
};

const oauthError = (status: number, error: string, description: string) =>
  HttpResponse.json({ error, error_description: description }, { status, headers: { 'cache-control': 'no-store' } });

/** RFC 6749 section 2.3.1: id and secret are form-urlencoded, joined by ':', then base64 (UTF-8). */
function readBasic(header: string | null): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const bytes = Uint8Array.from(atob(match[1]!), (char) => char.charCodeAt(0));
  const decoded = new TextDecoder().decode(bytes);
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
  return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}

/**
 * A client-credentials token endpoint: checks `grant_type=client_credentials`
 * and the client's id and secret (Basic header or form body), answers
 * `{ access_token, token_type, expires_in }`, or an OAuth error
 * (`invalid_client` 401, `unsupported_grant_type` 400).
 * @example
 * const tokens = oauthTokenEndpoint('https://auth.test/token', { clientId: 'app', clientSecret: 's3cret' });
 * server.use(tokens);
 * const api = createClient({ baseUrl: 'https://api.test/', auth: clientCredentials({ tokenUrl: 'https://auth.test/token', clientId: 'app', clientSecret: 's3cret' }) });
 * await Promise.all([api.get('a'), api.get('b')]);
 * expect(tokens.calls).toBe(1); // one token, shared
 */
export function oauthTokenEndpoint(tokenUrl: Path, options: TokenEndpointOptions): TokenEndpointHandler {
  const grants: IssuedToken[] = [];
  const revoked = new Set<string>();
  const handler = defineScenario(tokenUrl, { method: 'post' }, async ({ request, call }) => {
    if (options.delayMs) await wait(options.delayMs, request.signal);
    const form = new URLSearchParams(await request.text());
    const basic = readBasic(request.headers.get('authorization'));
    const id = basic?.id ?? form.get('client_id');
    const secret = basic?.secret ?? form.get('client_secret');
    if (id !== options.clientId || secret !== options.clientSecret) {
      return oauthError(401, 'invalid_client', 'unknown client or wrong secret');
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', 'only client_credentials is supported');
    }
    const token = `access-token-${call}`;
    grants.push({
      token,
      clientAuth: basic ? 'basic' : 'body',
      scope: form.get('scope') ?? undefined,
      audience: form.get('audience') ?? undefined,
    });
    const scope = form.get('scope');
    return HttpResponse.json(
      { access_token: token, token_type: 'Bearer', expires_in: options.expiresIn ?? 3600, ...(scope ? { scope } : {}) },
      { headers: { 'cache-control': 'no-store' } },
    );
  });
  const reset = handler.reset;
  return Object.assign(handler, {
    grants,
    isValid: (token: string | null | undefined) =>
      token != null && grants.some((grant) => grant.token === token) && !revoked.has(token),
    revokeAll: () => grants.forEach((grant) => revoked.add(grant.token)),
    reset: () => {
      reset();
      grants.length = 0;
      revoked.clear();
    },
  });
}

/**
 * Options of {@link expiredToken}.
 * @example
 * { times: 1, accept: (request) => tokens.isValid(bearerToken(request)) }
 */
export type ExpiredTokenOptions = ScenarioOptions & {
  /** How many requests are refused as expired before `accept` decides. @default 1 */
  times?: number;
  /** Decides the later requests; false answers 401 too. @default every request is accepted */
  accept?: (request: Request) => boolean;
};

/**
 * The bearer token of a request, or null.
 * @example
 * bearerToken(new Request('https://api.test/', { headers: { authorization: 'Bearer abc' } })) // 'abc'
 */
export const bearerToken = (request: Request): string | null =>
  /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1] ?? null;

/**
 * A resource that answers the first `times` requests with 401
 * (`WWW-Authenticate: Bearer error="invalid_token"`), as when a token expired
 * on the server before its `expires_in`; then `accept` decides.
 * @example
 * const tokens = oauthTokenEndpoint('https://auth.test/token', { clientId: 'app', clientSecret: 's3cret' });
 * server.use(tokens, expiredToken('https://api.test/me', { accept: (request) => tokens.isValid(bearerToken(request)) }, { id: 1 }));
 * await api.get('me').json(); // 401, one refresh, repeated with token 2
 * expect(tokens.calls).toBe(2);
 */
export function expiredToken(path: Path, options: ExpiredTokenOptions = {}, then?: Reply): ScenarioHandler {
  const times = checkNumber('times', options.times, 1, { integer: true });
  return defineScenario(path, options, (info) => {
    if (info.call > times && (options.accept?.(info.request) ?? true)) return reply(then, info);
    return HttpResponse.json(
      { error: 'invalid_token', error_description: 'the access token expired' },
      { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } },
    );
  });
}
