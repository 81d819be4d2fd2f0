/**
 * Redirects of an attempt that carries trace headers, followed here where the runtime lets code see them
 * (as the credential policy does for credentials), so `traceparent` / `tracestate` are dropped once a hop
 * leaves the origins they may go to. Elsewhere (a browser) the runtime follows them itself.
 */
import { copyTo } from '../auth/policy.ts';
import { canFollowRedirects, followRedirects } from '../auth/redirect.ts';
import type { CallInfo, Next } from '../core/middleware.ts';

/** A body larger than this is not kept for a 307/308: such a redirect then fails as for a stream. */
const MAX_REPLAY_BYTES = 1024 * 1024;

/**
 * What the trace headers of one attempt are, and where they may go.
 * @example
 * const traced: Traced = { names: ['traceparent', 'tracestate'], mayReceive: (url) => url.origin === base };
 */
export type Traced = { names: readonly string[]; mayReceive(url: URL): boolean };

/**
 * Sends `request` (which carries the trace headers `traced.names`) and follows its redirects in code when it
 * asks fetch to follow them and the runtime lets code do so; hops that leave `traced.mayReceive` go without them.
 * @example
 * const response = await sendTraced(request, next, { names: ['traceparent'], mayReceive }, call);
 */
export async function sendTraced(request: Request, next: Next, traced: Traced, call: CallInfo): Promise<Response> {
  if (request.redirect !== 'follow' || !canFollowRedirects()) return next(request);
  // Taken before the first hop takes the body over.
  const copy = request.body ? keepBody(request) : undefined;
  try {
    return await followRedirects(
      await next(new Request(request, { redirect: 'manual' })),
      new URL(request.url),
      request.method,
      request.headers,
      request.body,
      (url, headers, body, method) => next(copyTo(request, url, headers, body, 'manual', method)),
      traced.mayReceive,
      { headers: traced.names, query: [] },
      // Read when a 307/308 asks for the body: by then the copy may have grown past its bound.
      () => copy?.replay(),
      (url) => call.redact.url(url),
    );
  } finally {
    copy?.release();
  }
}

/**
 * A copy of `request`'s body for a 307/308, read alongside the upload and dropped once it outgrows
 * MAX_REPLAY_BYTES (a streamed upload is not held in memory).
 */
function keepBody(request: Request) {
  let spare: Request;
  try {
    spare = request.clone();
  } catch {
    // A body another middleware already read or locked: nothing to keep (a 307/308 then fails as for a stream).
    return undefined;
  }
  const reader = spare.body!.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let size = 0;
  let dropped = false;
  const drop = () => {
    dropped = true;
    chunks.length = 0;
    reader.cancel().catch(() => {});
  };
  const read = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || dropped) return;
      size += value.byteLength;
      if (size > MAX_REPLAY_BYTES) return drop();
      chunks.push(value);
    }
  })().catch(drop);
  return {
    /** A maker of the body again, or undefined once it was dropped. */
    replay: () =>
      dropped
        ? undefined
        : () =>
            new ReadableStream<Uint8Array<ArrayBuffer>>({
              async start(controller) {
                await read;
                if (dropped) return controller.error(new TypeError('the request body was too large to keep'));
                for (const chunk of chunks) controller.enqueue(chunk);
                controller.close();
              },
            }),
    release: () => {
      if (!dropped) drop();
    },
  };
}
