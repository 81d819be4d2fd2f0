/**
 * sturdy/endpoint: typed endpoints, `endpoint(api, { method, path: 'orders/:id', params, query, body, response })`
 * gives a function whose input and output types flow from the schemas. Path
 * parameters are filled as single, percent-encoded segments and query values
 * are serialized as values, so no input can change which resource is addressed.
 */
import { ValidationError, type Issue } from '../core/errors.ts';
import type { CallOptions } from '../core/options.ts';
import type { ResponsePromise } from '../core/response.ts';
import {
  formatPath,
  isStandardSchema,
  validate,
  type InferInput,
  type InferOutput,
  type StandardSchemaV1,
} from '../core/schema.ts';
import { optionError } from '../shared/option-error.ts';
import { encodePathSegment } from '../shared/path-segment.ts';

/**
 * HTTP methods an endpoint may use (either case).
 * @example
 * endpoint(api, { method: 'delete', path: 'orders/:id' });
 */
export type EndpointMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'QUERY';

type Segments<Path extends string> = Path extends `${infer Head}/${infer Tail}` ? Head | Segments<Tail> : Path;

/**
 * The parameter names of a path template: a segment `:name` is a parameter.
 * @example
 * type Names = PathParamNames<'orders/:id/lines/:line'>; // 'id' | 'line'
 */
export type PathParamNames<Path extends string> =
  Segments<Path> extends infer Segment ? (Segment extends `:${infer Name}` ? Name : never) : never;

/**
 * A value `query` may hold without a schema (arrays repeat the parameter; `undefined` and `null` are left out).
 * @example
 * search({ query: { q: 'shoes', size: [41, 42], since: new Date(), page: undefined } }); // ?q=shoes&size=41&size=42&since=...
 */
export type QueryValue =
  | string
  | number
  | boolean
  | bigint
  | Date
  | null
  | undefined
  | ReadonlyArray<string | number | boolean | bigint | Date>;

type MaybeSchema = StandardSchemaV1 | undefined;

/**
 * What `endpoint(api, definition)` takes. Every schema is optional; each one given types
 * and validates its part of the input (or, for `response`, the output).
 * @example
 * const getOrder = endpoint(api, { method: 'GET', path: 'orders/:id', response: Order });
 */
export type EndpointDefinition<
  Path extends string = string,
  Params extends MaybeSchema = MaybeSchema,
  Query extends MaybeSchema = MaybeSchema,
  Body extends MaybeSchema = MaybeSchema,
  Response extends MaybeSchema = MaybeSchema,
> = {
  method: EndpointMethod | Lowercase<EndpointMethod>;
  /** Resolved like any call's url (against `baseUrl`); `:name` segments are parameters. */
  path: Path;
  /** Validates `params` (its output fills the path). Without it, params are strings or numbers. */
  params?: Params;
  /** Validates `query`; its output is serialized as search parameters. */
  query?: Query;
  /** Validates `body`; its output is sent as JSON. */
  body?: Body;
  /** Validates the response body; its output is what the function resolves to. */
  response?: Response;
};

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** A part of the input typed by its schema: optional when the schema accepts `undefined`. */
type Part<Key extends string, Schema extends MaybeSchema, Otherwise> = Schema extends StandardSchemaV1
  ? undefined extends InferInput<Schema>
    ? { [K in Key]?: InferInput<Schema> }
    : { [K in Key]: InferInput<Schema> }
  : Otherwise;

type ParamsPart<Path extends string, Params extends MaybeSchema> = [PathParamNames<Path>] extends [never]
  ? Part<'params', Params, {}>
  : Params extends StandardSchemaV1
    ? { params: InferInput<Params> }
    : { params: Record<PathParamNames<Path>, string | number> };

/**
 * The input of an endpoint function: `{ params, query, body }`, each typed by its schema.
 * @example
 * type In = EndpointInput<'orders/:id', undefined, undefined, typeof NewOrder>;
 * // { params: { id: string | number }; query?: Record<string, QueryValue>; body: InferInput<typeof NewOrder> }
 */
export type EndpointInput<
  Path extends string,
  Params extends MaybeSchema,
  Query extends MaybeSchema,
  Body extends MaybeSchema,
> = Simplify<
  ParamsPart<Path, Params> & Part<'query', Query, { query?: Record<string, QueryValue> }> & Part<'body', Body, {}>
>;

/** Per-call options of an endpoint function: any call option but those the endpoint sets itself. */
export type EndpointCallOptions = Omit<CallOptions, 'json' | 'schema' | 'method' | 'body' | 'searchParams'>;

/**
 * A typed endpoint function. Its input is optional when every part of it is.
 * @example
 * const order = await getOrder({ params: { id: 'ord_1' } }, { timeout: 5_000 });
 */
export type Endpoint<Input, Output> = {} extends Input
  ? (input?: Input, options?: EndpointCallOptions) => Promise<Output>
  : (input: Input, options?: EndpointCallOptions) => Promise<Output>;

/** What the function resolves to: the response schema's output, or the parsed JSON. */
export type EndpointOutput<Response extends MaybeSchema> = Response extends StandardSchemaV1
  ? InferOutput<Response>
  : unknown;

/**
 * How an endpoint sends: the client's `request`.
 * @example
 * const request: RequestFunction = (url, options) => api.request(url, options);
 */
export type RequestFunction = (input: string, options: CallOptions) => ResponsePromise;

type Template = ReadonlyArray<string | { param: string }>;

const PARAM_NAME = /^[A-Za-z_$][\w$]*$/;
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'QUERY']);

/** Splits `orders/:id` into literal and parameter segments; a bad template is the developer's TypeError. */
function compilePath(path: unknown): Template {
  // A path may be a URL (an object's JSON is its href) or carry a query with a key: described, never echoed.
  if (typeof path !== 'string' || path === '')
    throw optionError('/endpoint', 'path', "a non-empty string like 'orders/:id'", path, 1);
  if (/[?#]/.test(path))
    throw optionError('/endpoint', 'path', "a path without '?' or '#' (query values go in the `query` input)", path, 1);
  return path.split('/').map((segment) => {
    if (!segment.startsWith(':')) return segment;
    const param = segment.slice(1);
    if (!PARAM_NAME.test(param)) {
      throw optionError('/endpoint', 'path', "segments where a parameter is a whole segment like ':id'", segment);
    }
    return { param };
  });
}

const issue = (path: PropertyKey[], message: string): Issue => ({ path: formatPath(path), message });

function fillPath(template: Template, params: unknown, path: string): string {
  const values = (typeof params === 'object' && params !== null ? params : {}) as Record<string, unknown>;
  const issues: Issue[] = [];
  const filled = template.map((segment) => {
    if (typeof segment === 'string') return segment;
    const encoded = encodePathSegment(values[segment.param], `missing: ${path} needs params.${segment.param}`);
    if ('problem' in encoded) issues.push(issue([segment.param], encoded.problem));
    return 'segment' in encoded ? encoded.segment : '';
  });
  if (issues.length > 0) throw new ValidationError('request', issues, { what: 'request params' });
  return filled.join('/');
}

const isQueryScalar = (value: unknown): value is string | number | boolean | bigint | Date =>
  ['string', 'number', 'boolean', 'bigint'].includes(typeof value) ||
  (value instanceof Date && !Number.isNaN(value.getTime()));

const queryText = (value: string | number | boolean | bigint | Date): string =>
  value instanceof Date ? value.toISOString() : String(value);

/** Serializes a query object as search parameters: values stay values (URLSearchParams encodes `&`, `=`, `#`). */
function serializeQuery(query: unknown): URLSearchParams | undefined {
  if (query === undefined || query === null) return undefined;
  if (typeof query !== 'object' || Array.isArray(query))
    throw new ValidationError('request', [issue([], 'the query must be an object of values')], {
      what: 'request query',
    });
  const params = new URLSearchParams();
  const issues: Issue[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    const list: unknown[] = Array.isArray(value) ? value : [value];
    list.forEach((item, index) => {
      if (isQueryScalar(item)) params.append(name, queryText(item));
      else
        issues.push(
          issue(
            Array.isArray(value) ? [name, index] : [name],
            'a query value must be a string, number, boolean, bigint, valid Date or an array of them',
          ),
        );
    });
  }
  if (issues.length > 0) throw new ValidationError('request', issues, { what: 'request query' });
  return params;
}

/**
 * A typed endpoint function of a client: its input (`{ params, query, body }`) and output types
 * flow from the schemas; path parameters stay one encoded segment, query values stay values.
 * @example
 * import { endpoint } from 'sturdy/endpoint';
 * const getOrder = endpoint(api, { method: 'GET', path: 'orders/:id', response: Order });
 * const order = await getOrder({ params: { id: 42 } });
 */
export function endpoint<
  const Path extends string,
  Params extends MaybeSchema = undefined,
  Query extends MaybeSchema = undefined,
  Body extends MaybeSchema = undefined,
  Response extends MaybeSchema = undefined,
>(
  api: { request: RequestFunction },
  definition: EndpointDefinition<Path, Params, Query, Body, Response>,
): Endpoint<EndpointInput<Path, Params, Query, Body>, EndpointOutput<Response>> {
  return createEndpoint(api.request, definition as EndpointDefinition) as Endpoint<
    EndpointInput<Path, Params, Query, Body>,
    EndpointOutput<Response>
  >;
}

/**
 * Builds an endpoint function over a client's `request` (what `endpoint(api, definition)` does).
 * @example
 * const getOrder = createEndpoint(api.request, { method: 'GET', path: 'orders/:id', response: Order });
 */
function createEndpoint(
  request: RequestFunction,
  definition: EndpointDefinition,
): (input?: EndpointInputValue, options?: EndpointCallOptions) => Promise<unknown> {
  if (typeof definition !== 'object' || definition === null)
    throw new TypeError('sturdy: endpoint() needs a definition like { method, path }');
  const method = typeof definition.method === 'string' ? definition.method.toUpperCase() : '';
  if (!METHODS.has(method))
    throw optionError('/endpoint', 'method', `one of ${[...METHODS].join(', ')}`, definition.method);
  const template = compilePath(definition.path);
  for (const part of ['params', 'query', 'body', 'response'] as const) {
    const schema = definition[part];
    if (schema !== undefined && !isStandardSchema(schema))
      throw optionError('/endpoint', part, 'a Standard Schema (valibot, zod, arktype, ...)', schema);
  }
  const { params: paramsSchema, query: querySchema, body: bodySchema, response: responseSchema } = definition;
  return async (given, options = {}) => {
    const input = given ?? {};
    const params = paramsSchema
      ? await validate(paramsSchema, input.params, 'request', { what: 'request params' })
      : input.params;
    const url = fillPath(template, params, definition.path);
    const query = querySchema
      ? await validate(querySchema, input.query, 'request', { what: 'request query' })
      : input.query;
    const searchParams = serializeQuery(query);
    const callOptions: CallOptions = { ...options, method };
    if (searchParams) callOptions.searchParams = searchParams;
    // The body is validated by the call itself (request validation), still before any network call.
    if (bodySchema) Object.assign(callOptions, { json: input.body, schema: bodySchema });
    else if (input.body !== undefined) callOptions.json = input.body; // untyped callers (plain JS) may still send one
    const response = request(url, callOptions);
    return responseSchema ? response.json(responseSchema) : response.json();
  };
}

/** The untyped shape of an endpoint input, as the runtime sees it. */
type EndpointInputValue = { params?: unknown; query?: unknown; body?: unknown };
