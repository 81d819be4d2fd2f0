/**
 * The ResponsePromise a call returns: ky's, with every failure finalized by its call, `.json(schema)` by
 * sturdy's JSON rules and `.result()`, which never rejects.
 */
import type { Call } from './call.ts';
import { parseJsonText } from './json.ts';
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

/** Where a ResponsePromise and the Responses it gives keep their client's redactor (see `redactorOf`). */
const REDACTOR = Symbol.for('sturdy.redactor');

/**
 * The redactor of the client that made this ResponsePromise or Response, so a module reading it (ndjson, sse,
 * paginate) words its errors with the client's rules; undefined for foreign values.
 * @example
 * const redactor = redactorOf(source) ?? defaultRedactor;
 */
export const redactorOf = (value: unknown): Redactor | undefined =>
  typeof value === 'object' && value !== null ? (value as Record<symbol, Redactor | undefined>)[REDACTOR] : undefined;

const brand = <T extends object>(value: T, redactor: Redactor): T => {
  try {
    Object.defineProperty(value, REDACTOR, { value: redactor, configurable: true });
  } catch {
    // A frozen foreign Response: its reader falls back to the default redactor.
  }
  return value;
};

/** ky's body shortcuts besides `json` (sturdy's `.json()` reads through `text`). */
export const SHORTCUTS = ['text', 'blob', 'arrayBuffer', 'formData', 'bytes'];

/**
 * Decorates ky's ResponsePromise for `call`.
 * @example
 * return respond(call, client.ky(input, options));
 */
export function respond<T>(call: Call, source: KySource): ResponsePromise<T> {
  const fail = (error: unknown) => Promise.reject(call.fail(error));
  const promise = brand(
    source.then((response) => brand(response, call.redact), fail),
    call.redact,
  ) as ResponsePromise<T>;
  // A shortcut reports the failure; the call's own promise must not as well (unhandled).
  const quiet = () => void promise.catch(() => {});
  // ky's shortcut (or, on a call that failed before ky ran, the same failure).
  const shortcut = (name: string) => (source[name] ?? (() => source.then(() => undefined)))();
  // A body read that breaks mid-way is this request's NetworkError.
  const readFailed = (error: unknown) => fail(error instanceof TypeError ? call.brokenBody(error) : error);
  for (const name of SHORTCUTS) {
    if (name === 'bytes' && !source.bytes && typeof Response.prototype.bytes !== 'function') continue;
    (promise as unknown as Record<string, unknown>)[name] = () => {
      quiet();
      // ky's shortcut is called at once: it sets its Accept header before the request goes out.
      call.reading ??= name;
      return shortcut(name).catch(readFailed);
    };
  }
  promise.json = ((schema?: StandardSchemaV1) => {
    quiet();
    // Before the request goes out: it asks for JSON, and the transport bounds a body that is plainly not JSON.
    call.reading = 'json';
    return promise.then(async (response) => {
      // ky's text shortcut (its body-read timeout), parsed by sturdy's JSON rules.
      const text = (await shortcut('text').catch(readFailed)) as string;
      const userParse = call.options.parseJson;
      const parse = userParse && ((raw: string) => userParse(raw, { request: call.lastRequest!, response }));
      const value = await parseJsonText(text, response, call.redact, parse).catch(fail);
      if (!schema) return value;
      return validate(schema, value, 'response', { status: response.status, what: 'response body' }, call.redact).catch(
        fail,
      );
    });
  }) as ResponsePromise<T>['json'];
  promise.result = ((schema?: StandardSchemaV1) => {
    const data = promise.json(schema as StandardSchemaV1);
    // Reported below, through the call's own promise.
    data.catch(() => {});
    return promise
      .then(async (response) => ({ ok: true, data: await data, response }))
      .catch((error: unknown) => ({ ok: false, error: error instanceof Error ? error : new Error(String(error)) }));
  }) as ResponsePromise<T>['result'];
  return promise;
}
