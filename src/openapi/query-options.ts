/**
 * `queryOptions(api, method, path, init)`: `{ queryKey, queryFn }` for TanStack Query (and any cache keyed
 * the same way), built on the throwing form. No TanStack import: the shape is all it needs.
 */
import type { OpenApiData, ParseAs } from './result.ts';
import type { HttpMethod, InitArgs, OpenApiClient, Operation, PathsWithMethod } from './types.ts';
import type { Init, Send } from './call.ts';

/**
 * What `queryOptions` returns: a key of plain values (method, path, then `params` and `body` when given) and a
 * query function that passes the query's `signal` on and resolves a body-less 2xx as `null`.
 * @example
 * const { queryKey } = queryOptions(shop, 'GET', '/items/{id}', { params: { path: { id: 1 } } });
 * // ['GET', '/items/{id}', { params: { path: { id: 1 } } }]
 */
export type QueryOptions<Data, Method extends string = string, Path extends string = string> = {
  queryKey: readonly [method: Method, path: Path, input?: { params?: unknown; body?: unknown }];
  queryFn: (context: {
    signal: AbortSignal;
  }) => Promise<Exclude<Data, undefined> | ([undefined] extends [Data] ? null : never)>;
};

/**
 * Query options for TanStack Query from an OpenAPI call: `useQuery(queryOptions(shop, 'GET', path, init))`.
 * The key holds only the method, the path, `params` and `body` (JSON values: stable, serializable); other
 * options (headers, timeouts) are not part of it. Failures throw the client's errors, as TanStack expects.
 * @example
 * const query = useQuery(queryOptions(shop, 'GET', '/items/{id}', { params: { path: { id } } }));
 */
export function queryOptions<
  Paths,
  Method extends Uppercase<HttpMethod>,
  Path extends PathsWithMethod<Paths, Lowercase<Method>>,
  As extends ParseAs = 'json',
>(
  api: OpenApiClient<Paths>,
  method: Method,
  path: Path,
  ...init: InitArgs<Operation<Paths, Path, Lowercase<Method>>, As>
): QueryOptions<OpenApiData<Operation<Paths, Path, Lowercase<Method>>, As>, Method, Path> {
  // The boundary: the init typed by the operation, as the runtime reads it.
  const given = (init[0] ?? {}) as Init;
  const input = {
    ...(given.params === undefined ? {} : { params: given.params }),
    ...(given.body === undefined ? {} : { body: given.body }),
  };
  // The boundary: the typed method, as the runtime calls it.
  const send = api[method] as unknown as Send;
  return {
    queryKey: Object.keys(input).length > 0 ? [method, path, input] : [method, path],
    queryFn: async ({ signal }) => {
      const signals = given.signal ? AbortSignal.any([given.signal, signal]) : signal;
      const data = await send(path, { ...given, signal: signals }).data();
      // TanStack Query refuses `undefined` as data: a 204 is `null`.
      // The boundary: the body the runtime read, as the operation types it.
      return (data === undefined ? null : data) as never;
    },
  };
}
