/**
 * sturdy/openapi's types: what a call takes and what it resolves to, read off openapi-typescript's
 * `paths` (v7 output, and the v6 shape GitHub's published types still have: absent keys, `content: never`).
 * Nothing here runs.
 */
import type { CallOptions, ClientOptions } from '../core/options.ts';
import type { ResponsePromise } from '../core/response.ts';
import type { StandardSchemaV1 } from '../core/schema.ts';
import type { QuerySerializer } from './query.ts';

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

/** Media types read and sent as JSON: `application/json` and any `+json` type, with or without parameters. */
export type JsonMediaType =
  | `${string}/json`
  | `${string}/json;${string}`
  | `${string}+json`
  | `${string}+json;${string}`;

/** The body type of a `content` map: its JSON media types' when it has any, else every media type's. */
type MediaBody<Content> = [Content] extends [never]
  ? undefined
  : Content extends object
    ? [Extract<keyof Content, JsonMediaType>] extends [never]
      ? Content[keyof Content]
      : Content[Extract<keyof Content, JsonMediaType>]
    : undefined;

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
 * How a 2xx body is read: as JSON (the client's rules: empty -> undefined, not JSON -> ParseError), as text,
 * a Blob, an ArrayBuffer or the body stream.
 */
export type ParseAs = 'json' | 'text' | 'blob' | 'arrayBuffer' | 'stream';

type Parsed = { text: string; blob: Blob; arrayBuffer: ArrayBuffer; stream: ReadableStream<Uint8Array> };

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

type Digit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9';
type ToNumber<Text> = Text extends `${infer N extends number}` ? N : never;
/** Every status of a class: `Range<'4'>` is 400 | 401 | ... | 499. */
type Range<Class extends string> = ToNumber<`${Class}${Digit}${Digit}`>;
type Success = Range<'2'>;
type Failure = Range<'3'> | Range<'4'> | Range<'5'>;

type Codes<Responses> = keyof Responses extends infer Key ? (Key extends number ? Key : ToNumber<Key>) : never;
type RangeKey = `${1 | 2 | 3 | 4 | 5}XX`;
type RangeOf<Key> = Key extends `${infer Class}XX` ? Range<Class> : never;
/** The statuses a response map names: its codes and the whole of each `4XX`-style range. */
type Declared<Responses> = Codes<Responses> | RangeOf<Extract<keyof Responses, RangeKey>>;

type Ok<Status, Data> = [Status] extends [never] ? never : { ok: true; status: Status; data: Data; response: Response };
type Err<Status, Body> = [Status] extends [never]
  ? never
  : { ok: false; status: Status; error: Body; response: Response };

/**
 * No body of the declared type: no response at all (a network error, a timeout, a request sturdy refused to
 * send), or one that could not be read as declared (a ParseError, a ValidationError: `response` is set).
 */
export type NoResponse = { ok: false; status: undefined; error: Error; response?: Response };

type BodyAs<Entry, As extends ParseAs> = Entry extends { content: infer Content }
  ? [Content] extends [never]
    ? undefined
    : As extends keyof Parsed
      ? Parsed[As]
      : MediaBody<Content>
  : undefined;
type ErrorBody<Entry> = Entry extends { content: infer Content } ? MediaBody<Content> : undefined;

type Variant<Responses, Key extends keyof Responses, As extends ParseAs> = Key extends 'default'
  ?
      | Err<Exclude<Failure, Declared<Responses>>, ErrorBody<Responses[Key]>>
      // `default` covers 2xx statuses only when no success is declared.
      | ([Extract<Declared<Responses>, Success>] extends [never] ? Ok<Success, BodyAs<Responses[Key], As>> : never)
  : Key extends RangeKey
    ? RangeOf<Key> extends infer Statuses
      ? Statuses extends Success
        ? Ok<Exclude<Statuses, Codes<Responses>>, BodyAs<Responses[Key], As>>
        : Err<Exclude<Statuses, Codes<Responses>>, ErrorBody<Responses[Key]>>
      : never
    : (Key extends number ? Key : ToNumber<Key>) extends infer Status
      ? Status extends Success
        ? Ok<Status, BodyAs<Responses[Key], As>>
        : Status extends Failure
          ? Err<Status, ErrorBody<Responses[Key]>>
          : never
      : never;

type ResponsesOf<Op> = Op extends { responses: infer Responses } ? Responses : {};

/**
 * Without `default`, the statuses the document leaves out: errors with an `unknown` body, and, when it
 * declares no success at all (a 302 to a download, which fetch follows), a 2xx with `unknown` data.
 */
type Undeclared<Responses> =
  | Err<Exclude<Failure, Declared<Responses>>, unknown>
  | ([Extract<Declared<Responses>, Success>] extends [never] ? Ok<Success, unknown> : never);

/**
 * What an OpenAPI call resolves to, never rejecting: one member per declared status (2xx: `data`; others:
 * `error`, the response body), `4XX`-style ranges and `default` for the statuses not declared, statuses the
 * document does not cover (when it has no `default`) with an `unknown` body, and {@link NoResponse}.
 * Narrowing on `status` gives that status's body.
 * @example
 * const res = await shop.GET('/items/{id}', { params: { path: { id: 1 } } });
 * if (res.ok) res.data.name; else if (res.status === 404) res.error.code; else if (res.status === undefined) res.error.message;
 */
export type OpenApiResult<Op, As extends ParseAs = 'json'> =
  | (ResponsesOf<Op> extends infer Responses
      ?
          | { [Key in keyof Responses]-?: Variant<Responses, Key, As> }[keyof Responses]
          | ('default' extends keyof Responses ? never : Undeclared<Responses>)
      : never)
  | NoResponse;

/**
 * The 2xx body an operation resolves to (what the throwing form returns).
 * @example
 * type Item = OpenApiData<operations['getItem']>;
 */
export type OpenApiData<Op, As extends ParseAs = 'json'> = Extract<OpenApiResult<Op, As>, { ok: true }>['data'];

/**
 * What a method resolves to: the result (never rejecting), with `.data()` for the throwing form: the 2xx
 * body, or the client's error (`HTTPError` for other statuses, with `.data`; `NetworkError`, `TimeoutError`, ...).
 * @example
 * const item = await shop.GET('/items/{id}', { params: { path: { id: 1 } } }).data();
 */
export type OpenApiResponse<Op, As extends ParseAs = 'json'> = Promise<OpenApiResult<Op, As>> & {
  data(): Promise<OpenApiData<Op, As>>;
};

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

type StandardSchemaOf<Entry> = StandardSchemaV1<unknown, ErrorBody<Entry>>;

/**
 * What `openapi()` needs of a client: to be called (`client(url, options)`) and its options (`baseUrl`).
 * @example
 * const target: OpenApiTarget = createClient({ baseUrl: 'https://shop.example.com/api/' });
 */
export type OpenApiTarget = ((input: string, options: CallOptions) => ResponsePromise) & {
  readonly options: Readonly<ClientOptions>;
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
