/**
 * The ResponsePromise a call returns: ky's, with every failure finalized by its call, the request body validated
 * by its schema before ky's call starts, `.json(schema)` by sturdy's JSON rules and `.result()`, which never
 * rejects.
 */
import { Call, type Client, NO_OPTIONS } from './call.ts';
import { parseJsonText } from './json.ts';
import type { CallOptions } from './options.ts';
import type { Redactor } from './redact.ts';
import { type InferOutput, type StandardSchemaV1, validate } from './schema.ts';

/** What `.result()` resolves to: never a rejection. */
export type Result<T> = { ok: true; data: T; response: Response } | { ok: false; error: Error };

/**
 * A ky-compatible ResponsePromise: `await` gives the Response; the body shortcuts read it; `.result()` never rejects.
 * @example
 * const order = await api.get('orders/42').json(Order);
 * const r = await api.post('orders', { json }).result(Order); if (r.ok) r.data.id;
 */
export type ResponsePromise<T = unknown> = Promise<Response> & {
  json: {
    <J = T>(): Promise<J>;
    <S extends StandardSchemaV1>(schema: S): Promise<InferOutput<S>>;
  };
  result: {
    <J = T>(): Promise<Result<J>>;
    <S extends StandardSchemaV1>(schema: S): Promise<Result<InferOutput<S>>>;
  };
  text: () => Promise<string>;
  blob: () => Promise<Blob>;
  arrayBuffer: () => Promise<ArrayBuffer>;
  formData: () => Promise<FormData>;
  bytes: () => Promise<Uint8Array>;
};

/** ky's ResponsePromise as sturdy uses it: the promise and its body shortcuts. */
export type KySource = Promise<Response> & Record<string, (() => Promise<unknown>) | undefined>;

/** The call each ResponsePromise and Response sturdy made belongs to: a WeakMap, so nothing of it is reachable from them. */
const calls = new WeakMap<object, Call>();

/**
 * The call that made this ResponsePromise or Response, so a stream module reading its body (sse, ndjson) bounds
 * it by the call's `idleTimeout` and `totalTimeout` and words its errors as the call does; undefined for others.
 * @example
 * const reader = guardedReader(response.body, callOf(source) ?? callOf(response));
 */
export const callOf = (value: unknown): Call | undefined => calls.get(value as object);

/**
 * The redactor of the client (and call) that made this ResponsePromise or Response, so a module reading it
 * (ndjson, sse, paginate) words its errors with the client's rules; undefined for foreign values.
 * @example
 * const redactor = redactorOf(source) ?? defaultRedactor;
 */
export const redactorOf = (value: unknown): Redactor | undefined => callOf(value)?.redact;

/** ky's body shortcuts besides `json` (sturdy's `.json()` reads through `text`). */
const SHORTCUTS = ['text', 'blob', 'arrayBuffer', 'formData', 'bytes'];

const noop = () => {};

/**
 * Starts a call through ky (after `given.schema` validated its body) and decorates ky's ResponsePromise.
 * @example
 * return respond(client, 'get', 'orders/42', { timeout: 5_000 });
 */
export function respond<T>(
  client: Client,
  method: string,
  input: string | URL | Request,
  given: CallOptions = NO_OPTIONS,
): ResponsePromise<T> {
  const call = new Call(client, method, given);
  const { redact } = call;
  const { schema } = given;
  let source!: KySource;
  let started: Promise<void> | undefined;
  // A request schema validates the body first: ky's call starts once it has.
  if (schema)
    started = validate(schema, given.json, 'request', undefined, redact).then((json) => {
      source = call.start(input, given, json);
      started = undefined;
    });
  else source = call.start(input, given, given.json);
  // ky's Response promise, or its shortcut `name` (a call that failed before ky ran has none: its failure).
  const ky = (name?: string): Promise<unknown> =>
    started ? started.then(() => ky(name)) : (name && source[name]?.()) || source;
  const fail = (error: unknown) => Promise.reject(call.fail(error));
  const promise = ky().then((response) => {
    // ky.stop resolves undefined: no Response to know the call by.
    if (response) calls.set(response as Response, call);
    return response;
  }, fail) as ResponsePromise<T>;
  calls.set(promise, call);
  // A body read that breaks mid-way is this request's NetworkError.
  const read = (name: string) =>
    ky(name).catch((error) => fail(error instanceof TypeError ? call.brokenBody(error) : error));
  const json = (schema?: StandardSchemaV1, result?: boolean) => {
    // Before the request goes out: it asks for JSON, and the transport bounds a body that is plainly not JSON.
    call.readsJson = true;
    return promise
      .then(async (response) => {
        const { parseJson } = call.options;
        // ky's text shortcut (its body-read timeout), parsed by sturdy's JSON rules.
        const parsed = await parseJsonText(
          (await read('text')) as string,
          response,
          redact,
          parseJson && ((text) => parseJson(text, { request: call.lastRequest!, response })),
        );
        const data = schema ? await validate(schema, parsed, 'response', { status: response.status }, redact) : parsed;
        return result ? { ok: true, data, response } : data;
      })
      .catch(fail);
  };
  const shortcuts = promise as unknown as Record<string, unknown>;
  for (const name of SHORTCUTS)
    if (name in Response.prototype)
      shortcuts[name] = () => {
        // The shortcut reports the failure; the call's own promise must not as well (unhandled).
        promise.catch(noop);
        return read(name);
      };
  shortcuts.json = json;
  shortcuts.result = (schema?: StandardSchemaV1) =>
    json(schema, true).catch((error: unknown) => ({
      ok: false,
      error: error instanceof Error ? error : new Error(String(error)),
    }));
  return promise;
}
