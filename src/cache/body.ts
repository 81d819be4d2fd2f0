/**
 * Bodies in and out of the cache: a response is stored while its reader streams it (never buffered
 * ahead of the reader, never past `maxEntryBytes`), and each hit is a fresh Response.
 */
import { concatBytes } from '../shared/bytes.ts';

/** Statuses whose Response must have a null body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * A new Response with `url` set like fetch's (the constructor cannot set it; errors name the URL).
 * @example
 * const response = responseWith(bytes, { status: 200, headers }, request.url);
 */
export function responseWith(body: BodyInit | null, init: ResponseInit & { status: number }, url: string): Response {
  const response = new Response(NULL_BODY.has(init.status) ? null : body, init);
  Object.defineProperty(response, 'url', { value: url, configurable: true });
  return response;
}

/**
 * Passes `response` through, collecting its body as the caller reads it; `onComplete` gets the bytes
 * once the body ended within `maxBytes` (and is awaited before the reader sees the end, so a
 * finished read means a finished store). A longer body, or one the reader cancels, is not collected.
 * @example
 * return captureBody(response, request.url, 1 << 20, (bytes) => store.set(key, entryOf(bytes)));
 */
export async function captureBody(
  response: Response,
  url: string,
  maxBytes: number,
  onComplete: (bytes: Uint8Array) => Promise<void> | void,
): Promise<Response> {
  const source = response.body;
  if (!source) {
    await settle(onComplete(new Uint8Array(0)));
    return response;
  }
  const reader = source.getReader();
  let chunks: Uint8Array[] | undefined = [];
  let size = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) {
          if (chunks) await settle(onComplete(concat(chunks, size)));
          chunks = undefined;
          controller.close();
          return;
        }
        size += value.byteLength;
        if (chunks && size <= maxBytes) chunks.push(value);
        // Over the limit: stop collecting and let the rest stream by.
        else chunks = undefined;
        controller.enqueue(value);
      },
      cancel(reason) {
        chunks = undefined;
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return responseWith(
    stream,
    { status: response.status, statusText: response.statusText, headers: response.headers },
    url,
  );
}

/**
 * Reads a body to its end, discarding it (a background refresh stores through captureBody).
 * @example
 * await drain(await captureBody(response, url, max, store));
 */
export async function drain(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  if (!reader) return;
  while (!(await reader.read()).done);
}

/** A storing failure is the cache's loss, not the caller's. */
async function settle(done: Promise<void> | void): Promise<void> {
  try {
    await done;
  } catch {}
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  // A copy even of one chunk: the reader got that very chunk and may write into it.
  return chunks.length === 1 ? chunks[0]!.slice() : concatBytes(chunks, size);
}
