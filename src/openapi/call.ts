/**
 * One OpenAPI call at run time: the URL from the path template (each parameter one encoded segment),
 * the query string, header parameters and body, sent through the client (`client(url, options)`), then
 * read into a result by status. Nothing here knows the document: the types do.
 */
import { isHTTPError, ValidationError, type Issue } from '../core/errors.ts';
import type { CallOptions } from '../core/options.ts';
import { defaultRedactor, redactData, type Redactor } from '../core/redact.ts';
import { redactorOf } from '../core/response.ts';
import { formatPath, validate, type StandardSchemaV1 } from '../core/schema.ts';
import { encodePathSegment } from '../shared/path-segment.ts';
import { serializeQuery, type QuerySerializer } from './query.ts';
import type { ParseAs } from './result.ts';
import type { BodySerializer, OpenApiOptions, OpenApiTarget } from './types.ts';

/** An init as the runtime sees it. */
export type Init = Omit<CallOptions, 'body'> & {
  params?: { path?: Record<string, unknown>; query?: Record<string, unknown>; header?: Record<string, unknown> };
  body?: unknown;
  parseAs?: ParseAs;
  querySerializer?: QuerySerializer;
  bodySerializer?: BodySerializer;
};
type Settled =
  | { ok: true; status: number; data: unknown; response: Response }
  | { ok: false; status: number | undefined; error: unknown; response?: Response };

/** A method of an OpenAPI client as the runtime sees it: a result promise with `.data()`. */
export type Send = (path: string, init?: Init) => Promise<Settled> & { data(): Promise<unknown> };

/**
 * Sends one call and settles it into a result; `.data()` gives the 2xx body or rejects with the error.
 * @example
 * const result = await send(client, {}, 'get', '/items/{id}', { params: { path: { id: 1 } } });
 */
export function send(client: OpenApiTarget, config: OpenApiOptions<{}>, method: string, path: string, init: Init = {}) {
  const settled = settle(client, config, method, path, init).catch((error: unknown) => failure(error));
  return Object.assign(
    settled.then(({ outcome }) => outcome),
    { data: () => settled.then(({ outcome, error }) => (outcome.ok ? outcome.data : Promise.reject(error))) },
  );
}

/** The result of a call that got no body of the declared type, and what the throwing form throws. */
const failure = (error: unknown, response?: Response): { outcome: Settled; error: Error } => {
  const reason = error instanceof Error ? error : new Error(String(error));
  const outcome: Settled = { ok: false, status: undefined, error: reason };
  if (response) outcome.response = response;
  return { outcome, error: reason };
};

async function settle(
  client: OpenApiTarget,
  config: OpenApiOptions<{}>,
  method: string,
  path: string,
  init: Init,
): Promise<{ outcome: Settled; error?: unknown }> {
  const { params, body, parseAs = 'json', querySerializer, bodySerializer, ...rest } = init;
  const options: CallOptions = { ...rest, method: method.toUpperCase(), throwHttpErrors: true };
  let url = fillPath(path, params?.path);
  const serialize = querySerializer ?? config.querySerializer;
  const query = params?.query
    ? typeof serialize === 'function'
      ? serialize(params.query)
      : serializeQuery(params.query, serialize)
    : '';
  if (query) url += `?${query}`;
  if (params?.header) options.headers = { ...headerRecord(rest.headers), ...headerValues(params.header) };
  const serializeBody = bodySerializer ?? config.bodySerializer;
  if (body !== undefined) {
    if (serializeBody) options.body = serializeBody(body);
    else options.json = body;
  }
  const base = rest.baseUrl ?? client.options.baseUrl;
  // Appended as an OpenAPI server URL is, never resolved against the origin's root.
  const call = client(base === undefined ? url : String(base).replace(/\/+$/, '') + url, options);
  // The reader is asked for at once, so a JSON read sends `accept: application/json` as `.json()` does.
  const read = parseAs === 'stream' ? call.then((response) => response.body) : call[parseAs]();
  read.catch(() => {});
  const redactor = redactorOf(call) ?? defaultRedactor;
  const schemas = (config.validate as Record<string, Record<string, Record<string, StandardSchemaV1>>> | undefined)?.[
    path
  ]?.[method.toLowerCase()];
  let response: Response | undefined;
  try {
    response = await call;
    const status = response.status;
    // No content has no data, however it is read.
    const data = status === 204 || status === 205 ? undefined : await read;
    return { outcome: { ok: true, status, data: await check(schemas, status, data, redactor), response } };
  } catch (error) {
    if (!isHTTPError(error)) return failure(error, response);
    const { status } = error.response;
    try {
      // The body as the error prints it: a credential the server echoed is not in it.
      const body = await check(schemas, status, redactData(redactor, error.data), redactor);
      return { outcome: { ok: false, status, error: body, response: error.response }, error };
    } catch (invalid) {
      return failure(invalid, error.response);
    }
  }
}

/** Validates a body with the schema of its status (`404`, else `4XX`, else `default`), when there is one. */
function check(
  schemas: Record<string, StandardSchemaV1> | undefined,
  status: number,
  body: unknown,
  redactor: Redactor,
): unknown {
  const schema = schemas?.[status] ?? schemas?.[`${String(status)[0]}XX`] ?? schemas?.default;
  return schema ? validate(schema, body, 'response', { status }, redactor) : body;
}

const PARAM = /\{([^{}]+)\}/g;

/**
 * `/items/{id}` with each parameter one percent-encoded segment (or part of one), or a ValidationError.
 * An array takes OpenAPI's `simple` style (`1,2`), each item encoded alone.
 */
function fillPath(path: string, values: Record<string, unknown> | undefined): string {
  if (!path.startsWith('/') || /[?#]/.test(path))
    throw new TypeError(`sturdy: not an OpenAPI path template: ${JSON.stringify(path)}`);
  const issues: Issue[] = [];
  const filled = path.replace(PARAM, (_, name: string) => {
    const value = values?.[name];
    const pieces = Array.isArray(value) ? value : [value];
    // An empty array would leave an empty segment: the encoder refuses ''.
    return (pieces.length > 0 ? pieces : [''])
      .map((piece) => {
        const encoded = encodePathSegment(
          typeof piece === 'boolean' ? String(piece) : piece,
          `missing: ${path} needs params.path.${name}`,
        );
        if ('segment' in encoded) return encoded.segment;
        issues.push({ path: formatPath(['path', name]), message: encoded.problem });
        return '';
      })
      .join(',');
  });
  if (issues.length > 0) throw new ValidationError('request', issues, { what: 'request params' });
  return filled;
}

/** Header parameters as header values (OpenAPI's `simple` style: arrays joined with `,`); the client refuses CR/LF. */
const headerValues = (header: Record<string, unknown>): Record<string, string> => {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(header))
    if (value !== undefined && value !== null) values[name] = Array.isArray(value) ? value.join(',') : String(value);
  return values;
};

const headerRecord = (headers: CallOptions['headers']): Record<string, string | undefined> =>
  headers instanceof Headers || Array.isArray(headers)
    ? Object.fromEntries(new Headers(headers as HeadersInit))
    : ((headers ?? {}) as Record<string, string | undefined>);
