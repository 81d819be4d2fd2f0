/**
 * sturdy/openapi's request types: paths, operations and what a call takes, read off openapi-typescript's
 * `paths` (v7 output, and the v6 shape GitHub's published types still have: absent keys).
 * Nothing here runs.
 */
import type { CallOptions, ResolvedOptions } from '../core/options.ts';
import type { ResponsePromise } from '../core/response.ts';
import type { QuerySerializer } from './query.ts';
import type { MediaBody, OpenApiResponse, ParseAs, ResponsesOf, StandardSchemaOf } from './result.ts';

/** The operations of an OpenAPI path item, as openapi-typescript names them. */
export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';

/**
 * The paths of `Paths` that have an operation for `Method`.
 * @example
 * type Readable = PathsWithMethod<paths, 'get'>; // '/items' | '/items/{id}' | ...
 */
export type PathsWithMethod<Paths, Method extends HttpMethod> = {
  [Path in keyof Paths]: Paths[Path] extends { [M in Method]: object } ? Path : never;
}[keyof Paths] &
  string;

/**
 * The operation of `Path` for `Method`.
 * @example
 * type GetItem = Operation<paths, '/items/{id}', 'get'>; // operations['getItem']
 */
export type Operation<Paths, Path, Method extends HttpMethod> = Path extends keyof Paths
  ? Paths[Path] extends { [M in Method]: infer Op }
    ? Op
    : never
  : never;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** `{ key: T[key] }`, optional when `key` is optional in T, and nothing when T has no such key or it is `never`. */
type Part<T, Key extends string> = Key extends keyof T
  ? [NonNullable<T[Key]>] extends [never]
    ? {}
    : T extends { [K in Key]: unknown }
      ? { [K in Key]: T[Key] }
      : { [K in Key]?: NonNullable<T[Key]> }
  : {};

type Parameters<Op> = Op extends { parameters: infer P } ? P : {};

/** `params` of an operation: `path`, `query` and `header`, each required where the document requires it. */
type ParamsOf<Op> = Simplify<
  Part<Parameters<Op>, 'path'> & Part<Parameters<Op>, 'query'> & Part<Parameters<Op>, 'header'>
>;

type RequestBodyOf<Op> = 'requestBody' extends keyof Op ? NonNullable<Op['requestBody' & keyof Op]> : never;

/** `body` of an operation: required when its `requestBody` is. */
type BodyOf<Op> = [RequestBodyOf<Op>] extends [never]
  ? {}
  : RequestBodyOf<Op> extends { content: infer Content }
    ? Op extends { requestBody: unknown }
      ? { body: MediaBody<Content> }
      : { body?: MediaBody<Content> }
    : {};

/**
 * Turns a request body into what fetch sends (a FormData, URLSearchParams, a string...), instead of JSON.
 * @example
 * const form: BodySerializer = (body) => new URLSearchParams(body as Record<string, string>);
 */
// biome-ignore lint/suspicious/noExplicitAny: a serializer takes the body its operations declare; the caller types it.
export type BodySerializer = (body: any) => NonNullable<CallOptions['body']>;

/**
 * Call options of an OpenAPI call: every option of the client (`timeout`, `retry`, `auth`, `signal`,
 * `headers`, ...), except those the operation fills itself.
 */
export type OpenApiCallOptions = Omit<
  CallOptions,
  'json' | 'body' | 'method' | 'schema' | 'searchParams' | 'throwHttpErrors'
> & {
  /** Query parameters as a string: a function, or OpenAPI styles for arrays and objects. @default { array: { style: 'form', explode: true }, object: { style: 'deepObject' } } */
  querySerializer?: QuerySerializer;
  /** Sends `body` as this returns (FormData, URLSearchParams, ...) instead of as `json`. */
  bodySerializer?: BodySerializer;
};

/**
 * What an OpenAPI call takes: `params` and `body` typed by the operation, and the client's call options.
 * @example
 * const init: OpenApiInit<operations['getItem']> = { params: { path: { id: 1 }, header: { 'X-Request-Id': 'r1' } } };
 */
export type OpenApiInit<Op, As extends ParseAs = 'json'> = ({} extends ParamsOf<Op>
  ? { params?: ParamsOf<Op> }
  : { params: ParamsOf<Op> }) &
  BodyOf<Op> &
  OpenApiCallOptions & {
    /** How a 2xx body is read. @default 'json' */
    parseAs?: As;
  };

/** The init argument: optional when nothing in it is required. */
export type InitArgs<Op, As extends ParseAs> = {} extends ParamsOf<Op> & BodyOf<Op>
  ? [init?: OpenApiInit<Op, As>]
  : [init: OpenApiInit<Op, As>];

/** One method of an OpenAPI client: the path checked against `Paths`, the init typed by the operation. */
export type OpenApiMethod<Paths, Method extends HttpMethod> = <
  Path extends PathsWithMethod<Paths, Method>,
  As extends ParseAs = 'json',
>(
  path: Path,
  ...init: InitArgs<Operation<Paths, Path, Method>, As>
) => OpenApiResponse<Operation<Paths, Path, Method>, As>;

/**
 * A client typed from openapi-typescript's `paths`: one method per HTTP method, as openapi-fetch names them.
 * @example
 * const shop = openapi<paths>(createClient({ baseUrl: 'https://shop.example.com/api/' }));
 */
export type OpenApiClient<Paths> = { readonly [M in HttpMethod as Uppercase<M>]: OpenApiMethod<Paths, M> } & {
  /** Types only (never set): lets `queryOptions(api, ...)` read `Paths` back. */
  readonly [PATHS]?: Paths;
};

declare const PATHS: unique symbol;

/**
 * Standard Schemas that check response bodies at run time, by path, method and status (as the document
 * keys them: `200`, `'4XX'`, `'default'`). Each schema's output must fit the documented body.
 * @example
 * const validate: ResponseSchemas<paths> = { '/items/{id}': { get: { 200: ItemSchema, 404: NotFoundSchema } } };
 */
export type ResponseSchemas<Paths> = {
  [Path in keyof Paths]?: {
    [M in HttpMethod as Paths[Path] extends { [K in M]: object } ? M : never]?: {
      [Key in keyof ResponsesOf<Operation<Paths, Path, M>>]?: StandardSchemaOf<
        ResponsesOf<Operation<Paths, Path, M>>[Key]
      >;
    };
  };
};

/**
 * What `openapi()` needs of a client: to be called (`client(url, options)`) and its options (`baseUrl`).
 * @example
 * const target: OpenApiTarget = createClient({ baseUrl: 'https://shop.example.com/api/' });
 */
export type OpenApiTarget = ((input: string, options: CallOptions) => ResponsePromise) & {
  readonly options: ResolvedOptions;
};

/**
 * Options of `openapi(client, options)`: serializers for every call (a call may give its own) and
 * response schemas checked at run time.
 * @example
 * openapi<paths>(api, { validate: { '/items/{id}': { get: { 200: Item } } } });
 */
export type OpenApiOptions<Paths> = {
  querySerializer?: QuerySerializer;
  bodySerializer?: BodySerializer;
  /** Standard Schemas by path, method and status; a body that fails its schema is a ValidationError result. */
  validate?: ResponseSchemas<Paths>;
};
