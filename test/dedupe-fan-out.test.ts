import { expect, test } from 'vitest';
import { fanOut } from '../src/cache/fan-out.ts';

/** A source of `count` chunks of `size` bytes that records how many it has handed out. */
function countingSource(count: number, size: number) {
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (state.pulled === count) return controller.close();
        state.pulled += 1;
        controller.enqueue(new Uint8Array(size).fill(state.pulled % 256));
      },
      cancel() {
        state.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, state };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

test('the slowest reader sets the pace: a reader that reads nothing holds the source at bufferBytes', async () => {
  const { stream, state } = countingSource(1_000, 1024);
  const fan = fanOut(stream, 8 * 1024);
  const fast = fan.add().getReader();
  fan.add(); // never read
  let read = 0;
  const reading = (async () => {
    for (let chunk = await fast.read(); !chunk.done; chunk = await fast.read()) read += chunk.value.byteLength;
  })();
  // The fast reader gets the first 8 KiB (so the fan-out does pull), then a pause shows it gets no further.
  for (const started = Date.now(); read < 8 * 1024; await settle())
    if (Date.now() - started > 2_000) throw new Error(`the fast reader got only ${read} bytes`);
  await settle();
  // 8 KiB may wait for the idle reader, plus the chunk in hand: nowhere near the 1,000 KiB source.
  expect(state.pulled).toBeGreaterThanOrEqual(8);
  expect(state.pulled).toBeLessThanOrEqual(9);
  expect(read).toBeLessThanOrEqual(9 * 1024);
  expect(state.cancelled).toBe(false);
  await fast.cancel();
  await reading;
});

test('readers share the chunks (no copy per reader) and all see every byte', async () => {
  const { stream } = countingSource(50, 100);
  const fan = fanOut(stream, 1024);
  const readers = [fan.add().getReader(), fan.add().getReader(), fan.add().getReader()];
  const all = await Promise.all(
    readers.map(async (reader) => {
      const chunks: Uint8Array[] = [];
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) chunks.push(chunk.value);
      return chunks;
    }),
  );
  expect(all.map((chunks) => chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0))).toEqual([5000, 5000, 5000]);
  expect(all[1]![7]).toBe(all[0]![7]);
});

test('a reader leaving (cancel or abort) frees the others; the last one leaving cancels the source', async () => {
  const { stream, state } = countingSource(1_000, 1024);
  const fan = fanOut(stream, 4 * 1024);
  const controller = new AbortController();
  const aborted = fan.add(controller.signal).getReader();
  const cancelled = fan.add().getReader();
  const last = fan.add().getReader();
  await last.read();
  await settle();
  const held = state.pulled;
  controller.abort(new Error('left'));
  await expect(aborted.read()).rejects.toThrow('left');
  await cancelled.cancel();
  // The remaining reader alone now sets the pace.
  for (let i = 0; i < 20; i++) await last.read();
  expect(state.pulled).toBeGreaterThan(held);
  expect(state.cancelled).toBe(false);
  await last.cancel();
  await settle();
  expect(state.cancelled).toBe(true);
});
