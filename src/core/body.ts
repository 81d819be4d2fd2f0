/** Most bytes read from a body that is only needed for an error (HTTPError.data, ParseError snippet). */
export const ERROR_BODY_LIMIT = 1024 * 1024;

const charsetOf = (contentType: string | null): string => {
  const match = /;\s*charset\s*=\s*"?([^";,\s]+)/i.exec(contentType ?? '');
  return match?.[1] ?? 'utf-8';
};

const decoderFor = (contentType: string | null): TextDecoder => {
  try {
    return new TextDecoder(charsetOf(contentType));
  } catch {
    return new TextDecoder();
  }
};

export type BoundedText = {
  /** The text read so far (at most `limit` bytes decoded). */
  text: string;
  /** False when the body was longer than the limit; its rest is still unread. */
  complete: boolean;
  /** Reads the remainder and returns the whole text (only when not complete). */
  readRest(): Promise<string>;
  /** Drops the unread remainder. */
  cancel(): void;
};

/**
 * Reads at most `limit` bytes of a body as text, leaving the rest unread so
 * the caller can cancel it (a huge or endless error page cannot exhaust memory).
 */
export async function readBounded(response: Response, limit = ERROR_BODY_LIMIT): Promise<BoundedText> {
  const body = response.body;
  if (!body) return { text: '', complete: true, readRest: async () => '', cancel() {} };
  const reader = body.getReader();
  const decoder = decoderFor(response.headers.get('content-type'));
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      text += decoder.decode();
      return { text, complete: true, readRest: async () => text, cancel() {} };
    }
    bytes += value.byteLength;
    text += decoder.decode(value, { stream: true });
    if (bytes > limit) break;
  }
  let cancelled = false;
  return {
    text,
    complete: false,
    async readRest() {
      let whole = text;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return whole + decoder.decode();
        whole += decoder.decode(value, { stream: true });
      }
    },
    cancel() {
      if (cancelled) return;
      cancelled = true;
      void reader.cancel().catch(() => {});
    },
  };
}

/** Is this a JSON media type (`application/json`, `application/problem+json`, ...)? */
export const isJsonContentType = (contentType: string | null): boolean => {
  const mime = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  return /\/(?:.*[.+-])?json$/.test(mime);
};

/**
 * The response's body cut off at `limit` bytes: past it the stream errors and the rest is
 * cancelled, so whoever reads an error body (ky, for `HTTPError.data`) holds at most `limit`.
 * @example
 * const bounded = boundBody(response); // ky reads bounded.body; a 50 MiB error page costs 1 MiB
 */
export function boundBody(response: Response, limit = ERROR_BODY_LIMIT): Response {
  const source = response.body;
  if (!source) return response;
  const reader = source.getReader();
  let bytes = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        bytes += value.byteLength;
        if (bytes > limit) {
          void reader.cancel().catch(() => {});
          return controller.error(new RangeError(`error body longer than ${limit} bytes: not read further`));
        }
        controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
  return new Response(stream, { status: response.status, statusText: response.statusText, headers: response.headers });
}
