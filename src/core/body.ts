/**
 * Bounded body reads: a body needed only for an error (HTTPError.data, a ParseError snippet) or one that may
 * not be JSON is read at most 1 MiB, so a huge or endless page cannot exhaust memory.
 */
import { hide } from './errors.ts';

/** Most bytes read from a body that is only needed for an error (HTTPError.data, ParseError snippet). */
export const ERROR_BODY_LIMIT = 2 ** 20;

/**
 * Reads a body as UTF-8 text (as JSON is), at most {@link ERROR_BODY_LIMIT} bytes unless `readOn` says, from what came
 * so far, to read it all; an unread rest is cancelled. Resolves the text and whether it is the whole body.
 * @example
 * const [text, whole] = await readBounded(response, (start) => start.startsWith('{'));
 */
export async function readBounded(
  response: Response,
  readOn?: (start: string) => boolean,
): Promise<[text: string, whole: boolean]> {
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  let text = '';
  /** Bytes left before the bound; past it, read on to the end only when what came so far says so. */
  let left = ERROR_BODY_LIMIT;
  let whole = true;
  while (reader && whole) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if ((left -= value.byteLength) < 0) {
      whole = !!readOn?.(text);
      left = Infinity;
    }
  }
  if (!whole) reader?.cancel().catch(() => {});
  return [text + decoder.decode(), whole];
}

/**
 * The response with its body cut off at {@link ERROR_BODY_LIMIT} bytes: past it the stream errors and the rest is
 * cancelled, so whoever reads an error body (ky, for `HTTPError.data`) holds at most that.
 * @example
 * const bounded = boundBody(response); // ky reads bounded.body; a 50 MiB error page costs 1 MiB
 */
export function boundBody(response: Response): Response {
  let left = ERROR_BODY_LIMIT;
  const bounded = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      // Erroring the pipe's destination cancels its source.
      if ((left -= chunk.byteLength) < 0) controller.error(RangeError('error body over 1 MiB'));
      else controller.enqueue(chunk);
    },
  });
  return response.body ? copyMeta(new Response(response.body.pipeThrough(bounded), response), response) : response;
}

/**
 * Gives a Response made over `source`'s body the source's `url`, `redirected` and `type` (a constructed Response
 * has none of them), on it and on its clones, so wrapping a body is invisible.
 * @example
 * return copyMeta(new Response(guarded, response), response);
 */
function copyMeta(response: Response, source: Response): Response {
  const { clone } = response;
  for (const key of ['url', 'redirected', 'type'] as const) hide(response, key, source[key]);
  hide(response, 'clone', () => copyMeta(clone.call(response), source));
  return response;
}
