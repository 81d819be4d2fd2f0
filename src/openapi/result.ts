/**
 * sturdy/openapi's result types: what a call resolves to, narrowed by status, read off an operation's
 * `responses` (openapi-typescript v7, and the v6 shape GitHub's published types have: `content: never`).
 * Nothing here runs.
 */
import type { StandardSchemaV1 } from '../core/schema.ts';

/** Media types read and sent as JSON: `application/json` and any `+json` type, with or without parameters. */
export type JsonMediaType =
  | `${string}/json`
  | `${string}/json;${string}`
  | `${string}+json`
  | `${string}+json;${string}`;

/** The body type of a `content` map: its JSON media types' when it has any, else every media type's. */
export type MediaBody<Content> = [Content] extends [never]
  ? undefined
  : Content extends object
    ? [Extract<keyof Content, JsonMediaType>] extends [never]
      ? Content[keyof Content]
      : Content[Extract<keyof Content, JsonMediaType>]
    : undefined;

/**
 * How a 2xx body is read: as JSON (the client's rules: empty -> undefined, not JSON -> ParseError), as text,
 * a Blob, an ArrayBuffer or the body stream.
 */
export type ParseAs = 'json' | 'text' | 'blob' | 'arrayBuffer' | 'stream';

type Parsed = { text: string; blob: Blob; arrayBuffer: ArrayBuffer; stream: ReadableStream<Uint8Array> };

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

export type ResponsesOf<Op> = Op extends { responses: infer Responses } ? Responses : {};

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

/** A Standard Schema whose output fits a response entry's body (what `validate` takes). */
export type StandardSchemaOf<Entry> = StandardSchemaV1<unknown, ErrorBody<Entry>>;
