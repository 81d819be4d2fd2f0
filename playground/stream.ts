/**
 * The chat preset: an answer read with sturdy/sse's eventStream as it arrives,
 * each chunk appended to a bubble in the result card and counted on the timeline.
 */
import type { StandardSchemaV1, SturdyClient } from '../src/index.ts';
import { eventStream, type EventStreamOptions } from '../src/sse/index.ts';
import type { Timeline } from './timeline.ts';

/** What one chunk adds to the answer: its `delta` when it has one, else the data as JSON. */
const textOf = (data: unknown): string => {
  const delta = (data as { delta?: unknown } | null)?.delta;
  return typeof delta === 'string' ? delta : JSON.stringify(data);
};

/**
 * Streams `input` into `target` (a bubble that grows chunk by chunk); resolves with how it ended.
 * POST streams reconnect only when asked: the chat endpoint resumes from Last-Event-ID, so ask.
 * @example
 * const ended = await streamInto(byId('result'), timeline, api, 'chat/completions', { method: 'POST', json }, ChatChunk);
 */
export async function streamInto(
  target: HTMLElement,
  timeline: Timeline,
  api: Pick<SturdyClient, 'request'>,
  input: string,
  options: EventStreamOptions<undefined>,
  schema: StandardSchemaV1 | undefined,
): Promise<{ ok: true; chunks: number } | { ok: false; error: Error; chunks: number }> {
  const settings = { reconnect: true, ...options };
  const stream = schema ? eventStream(api, input, { ...settings, schema }) : eventStream(api, input, settings);
  const head = document.createElement('p');
  head.className = 'verdict pending';
  head.dataset.outcome = 'streaming';
  head.textContent = 'Streaming…';
  const bubble = document.createElement('p');
  bubble.className = 'bubble';
  bubble.id = 'answer';
  target.replaceChildren(head, bubble);
  let chunks = 0;
  let progress: HTMLElement | undefined;
  try {
    for await (const event of stream) {
      chunks += 1;
      bubble.append(textOf(event.data));
      const detail = `${chunks} chunk${chunks === 1 ? '' : 's'} so far · last event id ${stream.lastEventId || 'none'}`;
      // One row that counts, so a long answer does not flood the timeline; a reconnect starts a new one.
      if (progress?.isConnected && progress === timeline.last()) timeline.setDetail(progress, detail);
      else progress = timeline.add('stream', 'Chunks arriving', detail);
    }
    head.className = 'verdict ok';
    head.dataset.outcome = 'ok';
    head.textContent = `✓ stream complete: ${chunks} chunks`;
    return { ok: true, chunks };
  } catch (error) {
    // The answer so far stays on show, under the error.
    head.remove();
    return { ok: false, error: error instanceof Error ? error : new Error(String(error)), chunks };
  }
}
