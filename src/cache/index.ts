/**
 * `sturdy/cache`: a private HTTP cache (RFC 9111) and in-flight de-duplication, both `use` middleware.
 * @example
 * import { dedupe, httpCache } from 'sturdy/cache';
 * const api = createClient({ baseUrl, use: [dedupe(), httpCache({ maxBytes: 50 << 20 })] });
 */
export { httpCache, type HttpCacheOptions } from './http-cache.ts';
export { dedupe, type DedupeOptions } from './dedupe.ts';
export type { KeyValueStorage } from './options.ts';
