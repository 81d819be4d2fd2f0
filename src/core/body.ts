/**
 * Bounded body reads: a body needed only for an error (HTTPError.data, a ParseError snippet) or one that may
 * not be JSON is read at most 1 MiB, so a huge or endless page cannot exhaust memory.
 */

/** Most bytes read from a body that is only needed for an error (HTTPError.data, ParseError snippet). */
export const ERROR_BODY_LIMIT = 1024 * 1024;

const decoderFor = (contentType: string | null): TextDecoder => {
  try {
    return new TextDecoder(/;\s*charset\s*=\s*"?([^";,\s]+)/i.exec(contentType ?? '')?.[1]);
  } catch {
    return new TextDecoder();
  }
};

export type BoundedText = {
  /** The text read so far (at most about `limit` bytes decoded). */
  text: string;
  /** False when the body was longer than the limit; its rest is still unread. */
  complete: boolean;
  /** Reads the remainder and returns the whole text. */
  readRest(): Promise<string>;
  /** Drops the unread remainder. */
  cancel(): void;
};

/**
 * Reads at most `limit` bytes of a body as text, leaving the rest unread so the caller can cancel it.
 * @example
 * const bounded = await readBounded(response); if (!bounded.complete) bounded.cancel();
 */
export async function readBounded(response: Response, limit = ERROR_BODY_LIMIT): Promise<BoundedText> {
  const reader = response.body?.getReader();
  const decoder = decoderFor(response.headers.get('content-type'));
  let text = '';
  let bytes = 0;
  const read = async (until: number): Promise<boolean> => {
    while (reader && bytes <= until) {
      const { done, value } = await reader.read();
      if (done) return true;
      bytes += value.byteLength;
      text += decoder.decode(value, { stream: true });
    }
    return !reader;
  };
  const complete = await read(limit);
  const finish = () => text + decoder.decode();
  return {
    text,
    complete,
    readRest: async () => (await read(Infinity), finish()),
    cancel: () => void reader?.cancel().catch(() => {}),
  };
}

/**
 * The response with its body cut off at `limit` bytes: past it the stream errors and the rest is cancelled, so
 * whoever reads an error body (ky, for `HTTPError.data`) holds at most `limit`.
 * @example
 * const bounded = boundBody(response); // ky reads bounded.body; a 50 MiB error page costs 1 MiB
 */
export function boundBody(response: Response, limit = ERROR_BODY_LIMIT): Response {
  const reader = response.body?.getReader();
  if (!reader) return response;
  let bytes = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        if ((bytes += value.byteLength) > limit) {
          void reader.cancel().catch(() => {});
          return controller.error(new RangeError(`error body longer than ${limit} bytes: not read further`));
        }
        controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
  return copyMeta(new Response(stream, response), response);
}

/**
 * Gives a Response made over `source`'s body the source's `url`, `redirected` and `type` (a constructed Response
 * has none of them), on it and on its clones, so wrapping a body is invisible.
 * @example
 * return copyMeta(new Response(guarded, response), response);
 */
export function copyMeta(response: Response, source: Response): Response {
  const { clone } = response;
  for (const name of ['url', 'redirected', 'type'] as const)
    Object.defineProperty(response, name, { value: source[name], configurable: true });
  return Object.defineProperty(response, 'clone', {
    value: () => copyMeta(clone.call(response), source),
    configurable: true,
  });
}
