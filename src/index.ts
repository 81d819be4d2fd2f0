/**
 * sturdy: a JSON API client over ky with production defaults.
 * @example
 * import { createClient, bearer } from 'sturdy';
 * const api = createClient({ baseUrl: 'https://api.example.com/v1/', auth: bearer(process.env.API_TOKEN!) });
 */
export { createClient, type SturdyClient, type Input } from './core/client.ts';
export type { ClientOptions, CallOptions, SturdyOwnOptions } from './core/options.ts';
export type { ResponsePromise, Result } from './core/response.ts';
export type { Middleware, Next, CallInfo } from './core/middleware.ts';
export type { RetryOptions, RetryBudgetOptions, ShouldRetryState, HTTPErrorWithRetryAfter } from './core/retry.ts';
export type { SturdyEvent, EventListener } from './core/events.ts';
export type { RedactOptions } from './core/redact.ts';
export type { AuthStrategy, AuthTarget } from './auth/types.ts';
export {
  credentialPolicy,
  type CredentialPolicy,
  type PolicyCall,
  type PolicyMiddleware,
  type PolicyNext,
} from './auth/policy.ts';
export { bearer, type BearerOptions, type BearerProvider, type BearerToken } from './auth/bearer.ts';
export { apiKey, type ApiKeyOptions } from './auth/api-key.ts';
export { basic, type BasicOptions } from './auth/basic.ts';
export { clientCredentials, type ClientCredentialsOptions } from './auth/client-credentials.ts';
export type { ScopeOptions } from './auth/strategy.ts';
export type { TokenGrant } from './auth/token-cache.ts';
export { RedirectError, isRedirectError } from './auth/redirect.ts';
export type { StandardSchemaV1, InferInput, InferOutput } from './core/schema.ts';
export {
  SturdyError,
  SerializationError,
  ParseError,
  ValidationError,
  AuthError,
  HTTPError,
  KyError,
  NetworkError,
  TimeoutError,
  isSturdyError,
  isSerializationError,
  isParseError,
  isValidationError,
  isAuthError,
  isHTTPError,
  isKyError,
  isNetworkError,
  isTimeoutError,
  type Issue,
} from './core/errors.ts';
