/**
 * sturdy/openapi: calls typed from openapi-typescript's `paths`, sent through a sturdy client (retries,
 * auth scoping, redaction, timeouts, middleware and events are the client's). Each method resolves to a
 * result narrowed by status and never rejects; `.data()` is the throwing form.
 */
import { send, type Send } from './call.ts';
import type { HttpMethod, OpenApiClient, OpenApiOptions, OpenApiTarget } from './types.ts';

export { queryOptions, type QueryOptions } from './query-options.ts';
export type { QuerySerializer, QueryStyles } from './query.ts';
export type * from './types.ts';
export type * from './result.ts';

const METHODS: readonly HttpMethod[] = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * A client typed from openapi-typescript's `paths`. Paths are appended to the client's `baseUrl` as
 * OpenAPI servers are (`https://h/api/` + `/items` is `https://h/api/items`).
 * @example
 * import type { paths } from './shop.d.ts';
 * const shop = openapi<paths>(createClient({ baseUrl: 'https://shop.example.com/api/', auth: bearer(token) }));
 * const res = await shop.GET('/items/{id}', { params: { path: { id: 42 } } });
 * if (res.ok) show(res.data); else if (res.status === 404) notFound(res.error);
 */
export function openapi<Paths extends {}>(
  client: OpenApiTarget,
  options: OpenApiOptions<Paths> = {},
): OpenApiClient<Paths> {
  if (typeof client !== 'function' || typeof client.options !== 'object')
    throw new TypeError('sturdy: openapi(client) needs a createClient() client');
  const api: Record<string, unknown> = {};
  for (const method of METHODS)
    api[method.toUpperCase()] = ((path, init) => send(client, options, method, path, init)) satisfies Send;
  // The boundary: the runtime is untyped; the types come from `Paths`.
  return api as OpenApiClient<Paths>;
}
