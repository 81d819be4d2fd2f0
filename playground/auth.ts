/**
 * The auth strategies the playground offers, with made-up credentials that
 * the mock API accepts. The timeline shows them only as [REDACTED].
 */
import { apiKey, basic, bearer, clientCredentials, type AuthStrategy } from '../src/index.ts';
import { OAUTH_CLIENT, TOKEN_PATH } from './mock-api.ts';

export type AuthName = 'none' | 'bearer' | 'apiKey' | 'basic' | 'clientCredentials';

/** A stand-in for your app's session: a refresh gives a new token. */
let sessionToken = 1;

/** The strategy for a name (a new one per send, so token caches start empty), or undefined for none. */
export function authFor(name: AuthName): AuthStrategy | undefined {
  switch (name) {
    case 'none':
      return undefined;
    case 'bearer':
      return bearer(({ refresh }) => {
        if (refresh) sessionToken += 1;
        return `pg-session-token-${sessionToken}`;
      });
    case 'apiKey':
      return apiKey({ key: 'pg-api-key-3b9f1e' });
    case 'basic':
      return basic({ username: 'ada', password: 'pässwörd✓' });
    case 'clientCredentials':
      return clientCredentials({
        tokenUrl: new URL(TOKEN_PATH, location.origin).href,
        ...OAUTH_CLIENT,
        scope: 'orders:read',
      });
  }
}

/** The strategy as code, for the "same call in code" panel. */
export function authCode(name: AuthName): string {
  switch (name) {
    case 'none':
      return 'false';
    case 'bearer':
      return 'bearer(({ refresh }) => session.token({ refresh }))';
    case 'apiKey':
      return 'apiKey({ key: API_KEY })';
    case 'basic':
      return "basic({ username: 'ada', password })";
    case 'clientCredentials':
      return `clientCredentials({ tokenUrl: location.origin + '${TOKEN_PATH}', clientId: '${OAUTH_CLIENT.clientId}', clientSecret, scope: 'orders:read' })`;
  }
}

const TRY_REFRESHING =
  'Pick bearer or clientCredentials to see sturdy refresh the credential and repeat the call once.';

/**
 * Why a 401 is final with this strategy, or undefined where sturdy refreshes (bearer with a provider, clientCredentials).
 * @example
 * hint.textContent = refreshHint('apiKey') ?? '';
 */
export function refreshHint(name: AuthName): string | undefined {
  switch (name) {
    case 'none':
      return `With auth none no credential is sent, so there is nothing to refresh: the 401 is final. ${TRY_REFRESHING}`;
    case 'apiKey':
      return `With apiKey the key is fixed and sturdy cannot refresh it: the 401 is final. ${TRY_REFRESHING}`;
    case 'basic':
      return `With basic the username and password are fixed and sturdy cannot refresh them: the 401 is final. ${TRY_REFRESHING}`;
    default:
      return undefined;
  }
}
