/**
 * sturdy: a JSON API client over ky with production defaults.
 * @example
 * import { createClient, bearer } from 'sturdy';
 * const api = createClient({ baseUrl: 'https://api.example.com/v1/', auth: bearer(process.env.API_TOKEN!) });
 */
export { createClient, type SturdyClient } from './client.ts';
export type { ClientOptions, CallOptions, SturdyOwnOptions } from './options.ts';
export type { ResponsePromise, Result } from './response.ts';
export type { RetryOptions, RetryBudgetOptions, ShouldRetryState } from './retry.ts';
export type { SturdyEvent, EventListener } from './events.ts';
export type { RedactOptions } from './redact.ts';
export type { AuthStrategy, AuthTarget } from './auth/types.ts';
export type { StandardSchemaV1, InferInput, InferOutput } from './schema.ts';
export {
  SturdyError,
  SerializationError,
  ParseError,
  ValidationError,
  AuthError,
  HTTPError,
export type {
  Endpoint,
  EndpointCallOptions,
  EndpointDefinition,
  EndpointFactory,
  EndpointInput,
  EndpointMethod,
  EndpointOutput,
  PathParamNames,
  QueryValue,
} from './endpoint.ts';
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
} from './errors.ts';
