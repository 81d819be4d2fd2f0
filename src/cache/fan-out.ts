/**
 * One response body read once, handed to many readers. Readers share the chunks (no copy per
 * reader); the source is read only while every reader has room, so at most `bufferBytes` of
 * chunks wait for the slowest reader, whatever the number of readers.
 */

type Reader = { controller: ReadableStreamDefaultController<Uint8Array>; detach: () => void };

/**
 * A fan-out of `source`: `add()` gives each reader its own stream; when every reader has cancelled,
 * the source is cancelled (the server sees the connection close).
 * @example
 * const fan = fanOut(response.body!, 256 << 10);
 * const mine = new Response(fan.add(signal), response);
 */
export function fanOut(source: ReadableStream<Uint8Array>, bufferBytes: number) {
  const reader = source.getReader();
  const readers = new Set<Reader>();
  let reading = false;
  let finished = false;

  const stop = (reason: unknown) => {
    if (finished) return;
    finished = true;
    void reader.cancel(reason).catch(() => {});
  };

  const leave = (entry: Reader, reason: unknown) => {
    if (!readers.delete(entry)) return;
    entry.detach();
    if (readers.size === 0) stop(reason);
    else void pump();
  };

  // Reads while every reader has room: the slowest reader sets the pace.
  const pump = async () => {
    if (reading || finished) return;
    reading = true;
    try {
      while (!finished && readers.size > 0 && [...readers].every((entry) => (entry.controller.desiredSize ?? 0) > 0)) {
        const { done, value } = await reader.read();
        if (done) {
          finished = true;
          for (const entry of readers) {
            entry.detach();
            entry.controller.close();
          }
          readers.clear();
          return;
        }
        for (const entry of readers) entry.controller.enqueue(value);
      }
    } catch (error) {
      finished = true;
      for (const entry of readers) {
        entry.detach();
        entry.controller.error(error);
      }
      readers.clear();
    } finally {
      reading = false;
    }
  };

  return {
    /** A new reader's stream; `signal` aborting errors this reader only. */
    add(signal?: AbortSignal | null): ReadableStream<Uint8Array> {
      let entry!: Reader;
      return new ReadableStream<Uint8Array>(
        {
          start(controller) {
            const onAbort = () => {
              controller.error(signal!.reason);
              leave(entry, signal!.reason);
            };
            // The listener goes when the reader does: a long-lived signal collects none.
            entry = { controller, detach: () => signal?.removeEventListener('abort', onAbort) };
            readers.add(entry);
            signal?.addEventListener('abort', onAbort, { once: true });
          },
          pull: () => pump(),
          cancel: (reason) => leave(entry, reason),
        },
        { highWaterMark: bufferBytes, size: (chunk) => chunk.byteLength },
      );
    },
    /** Drops the source when nobody took a reader. */
    abandon(reason: unknown): void {
      if (readers.size === 0) stop(reason);
    },
  };
}
