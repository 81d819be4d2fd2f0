import { parseJsonResponse } from './json.ts';
import type { Redactor } from './redact.ts';
import { validate, type InferOutput, type StandardSchemaV1 } from './schema.ts';

/** What `.result()` resolves to: never a rejection. */
export type Result<T> = { ok: true; data: T; response: Response } | { ok: false; error: Error };

/**
 * A ky-compatible ResponsePromise: `await` gives the Response; the body
 * shortcuts read it; `.result()` never rejects.
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

/** What the promise needs of its call. */
export type BodyContext = {
  redactor: Redactor;
  /** The call's `parseJson`, given ky's context `{ request, response }`. */
  parse: ((text: string, response: Response) => unknown) | undefined;
  /** Turns any failure into the error the caller gets (redacted, named, reported once). */
  finalize: (error: unknown) => unknown;
  /** `.json()` was asked for before the request went out: it asks for JSON (as ky's `.json()` does). */
  wantJson: () => void;
};

/** Where a ResponsePromise and the Responses it gives keep their client's redactor (see `redactorOf`). */
const REDACTOR = Symbol.for('sturdy.redactor');

/**
 * The redactor of the client that made this ResponsePromise or Response, so a module reading it
 * (ndjson, sse, paginate) words its errors with the client's rules; undefined for foreign values.
 * @example
 * const redactor = redactorOf(source) ?? defaultRedactor;
 */
export function redactorOf(value: unknown): Redactor | undefined {
  return typeof value === 'object' && value !== null
    ? ((value as Record<symbol, Redactor | undefined>)[REDACTOR] ?? undefined)
    : undefined;
}

const brand = <T extends object>(value: T, redactor: Redactor): T => {
  try {
    Object.defineProperty(value, REDACTOR, { value: redactor, configurable: true });
  } catch {
    // A frozen foreign Response: its reader falls back to the default redactor.
  }
  return value;
};

type KyShortcuts = Partial<
  Record<'json' | 'text' | 'blob' | 'arrayBuffer' | 'formData' | 'bytes', () => Promise<unknown>>
>;

/**
 * Decorates ky's ResponsePromise: ky's body shortcuts (with ky's body-read timeout) with errors
 * finalized, `.json(schema)` with sturdy's JSON rules (empty body -> undefined, ParseError,
 * ValidationError) and `.result()`, which never rejects.
 * @example
 * return toResponsePromise(ky(input, options), { redactor, parse, finalize });
 */
export function toResponsePromise<T>(
  source: Promise<Response> & KyShortcuts,
  context: BodyContext,
): ResponsePromise<T> {
  const call = source.then(
    (response) => brand(response, context.redactor),
    (error: unknown) => Promise.reject(context.finalize(error)),
  );
  const promise = brand(call as ResponsePromise<T>, context.redactor);
  // ky's shortcut is called at once: it sets its Accept header before the request goes out.
  const shortcut = <R>(name: keyof KyShortcuts, fallback: (response: Response) => Promise<R>) => {
    const ky = source[name];
    return (): Promise<R> => {
      // The shortcut reports the failure; the call's own promise must not as well (unhandled).
      call.catch(() => {});
      return (ky ? (ky() as Promise<R>) : call.then(fallback)).then(undefined, (error: unknown) =>
        Promise.reject(context.finalize(error)),
      );
    };
  };
  const text = shortcut('text', (response) => response.text());
  const json = async (schema?: StandardSchemaV1): Promise<unknown> => {
    context.wantJson();
    const response = await call;
    try {
      const parse = context.parse && ((text: string) => context.parse!(text, response));
      const data = await parseJsonResponse(
        response,
        context.redactor,
        parse,
        source.text ? () => source.text!() as Promise<string> : undefined,
      );
      return schema === undefined
        ? data
        : await validate(
            schema,
            data,
            'response',
            { status: response.status, what: 'response body' },
            context.redactor,
          );
    } catch (error) {
      throw context.finalize(error);
    }
  };
  promise.json = json as ResponsePromise<T>['json'];
  promise.text = text;
  promise.blob = shortcut('blob', (response) => response.blob());
  promise.arrayBuffer = shortcut('arrayBuffer', (response) => response.arrayBuffer());
  promise.formData = shortcut('formData', (response) => response.formData());
  promise.bytes = shortcut('bytes', async (response) => new Uint8Array(await response.arrayBuffer()));
  promise.result = (async (schema?: StandardSchemaV1) => {
    try {
      const response = await call;
      const data = await json(schema);
      return { ok: true, data, response };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
    }
  }) as ResponsePromise<T>['result'];
  return promise;
}
