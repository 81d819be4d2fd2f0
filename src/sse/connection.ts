/**
 * What one connection of an event stream needs besides the client: the media type check,
 * which failures a reconnect may cure, the caller's headers, and the start of a wrong body.
 */
import { TimeoutError, isNetworkError } from '../core/errors.ts';
import type { BodyReader } from '../core/timeouts.ts';
import type { EventStreamOptions } from './options.ts';

/** The media type sent as `accept` and required of a 2xx answer. */
export const EVENT_STREAM = 'text/event-stream';

/**
 * For cleanups whose failure changes nothing (cancelling a body already gone).
 * @example
 * void reader.cancel().catch(noop);
 */
export const noop = (): void => {};

/**
 * Is this content type an event stream (parameters and case ignored)?
 * @example
 * isEventStream('text/event-stream; charset=utf-8') // true
 */
export const isEventStream = (contentType: string | null): boolean =>
  (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase() === EVENT_STREAM;

/**
 * A failure after which a reconnect may help: the network or a stall, never an answer or our own limit.
 * @example
 * mayReconnect(new TypeError('terminated'), true) // true: the body broke off
 */
export const mayReconnect = (error: unknown, fromBody: boolean): boolean =>
  (error as { timeout?: string } | null)?.timeout !== 'total' &&
  (fromBody || isNetworkError(error) || error instanceof TimeoutError);

/**
 * The caller's headers as a plain object; `undefined` values stay (they delete the client's).
 * @example
 * plainHeaders(new Headers({ 'x-a': '1' })) // { 'x-a': '1' }
 */
export function plainHeaders(headers: EventStreamOptions['headers']): Record<string, string | undefined> {
  if (!headers) return {};
  if (headers instanceof Headers || Array.isArray(headers))
    return Object.fromEntries(headers as Iterable<[string, string]>);
  return { ...(headers as Record<string, string | undefined>) };
}

/**
 * The start of a body that should have been an event stream, for the error; the rest is cancelled.
 * @example
 * const text = await firstText(reader); // at most the first KiB of the first chunk
 */
export async function firstText(reader: BodyReader | null): Promise<string> {
  if (!reader) return '';
  try {
    const { value } = await reader.read();
    return value ? new TextDecoder().decode(value.subarray(0, 1024)) : '';
  } catch {
    return '';
  } finally {
    void reader.cancel().catch(noop);
  }
}
