/**
 * sturdy/sse in every runtime: the wire format cut into tiny chunks, a POST chat until [DONE],
 * per-event schema errors, answers that are not streams, a dropped feed resumed with
 * Last-Event-ID after the server's retry, an idle stall, and a loop left early hanging up.
 * The routes are the suite's SSE routes (test/helpers/sse-server.ts, registerSseRoutes).
 */
import * as v from 'valibot';
import type { CaseContext, Received } from '../context.ts';
import { expect } from '../harness.ts';
import { CHAT_TOKENS, WIRE_EVENTS, drain } from '../../helpers/sse-wire.ts';

type SseModule = typeof import('../../../src/sse/index.ts');

/**
 * @example
 * registerSseCases(createContext(registry, { url, runtime: 'deno', sturdy, entries: { sse } }));
 */
export function registerSseCases(context: CaseContext): void {
  const { registry, url, sturdy, received, guarded } = context;
  const { eventStream } = context.entry<SseModule>('sse');
  const api = sturdy.createClient({ baseUrl: `${url}/sse/`, retry: { limit: 1, delay: () => 10, jitter: false } });
  const header = (request: Received | undefined, name: string) => request?.headers[name];

  registry.test(
    'sse: the wire format (BOM, comments, LF/CRLF/CR, multi-line and empty data, fields) cut every 3 bytes',
    async () => {
      const stream = eventStream(api, 'wire', { parse: 'text', reconnect: false });
      const { events, error } = await drain(stream);
      expect(error).toBe(undefined);
      expect(events).toEqual(WIRE_EVENTS);
      expect(stream.lastEventId).toBe('8');
      const [request] = await received('/sse/wire');
      expect(header(request, 'accept')).toBe('text/event-stream');
    },
  );

  registry.test('sse: a POST chat stream, validated chunk by chunk, ends at [DONE]', async () => {
    const Chunk = v.object({ choices: v.array(v.object({ delta: v.object({ content: v.string() }) })) });
    const tokens: string[] = [];
    for await (const event of eventStream(api, 'chat', { method: 'POST', json: { stream: true }, schema: Chunk }))
      tokens.push(event.data.choices[0]!.delta.content);
    expect(tokens).toEqual(CHAT_TOKENS);
    const [request] = await received('/sse/chat');
    expect(request?.method).toBe('POST');
    expect(request?.body).toBe('{"stream":true}');
  });

  registry.test('sse: a schema mismatch at event 7 is a ValidationError with index 7 and its id', async () => {
    const { events, error } = await drain(eventStream(api, 'mismatch', { schema: v.object({ n: v.number() }) }));
    expect(events.length).toBe(7);
    expect(sturdy.isValidationError(error)).toBe(true);
    expect((error as { index?: number }).index).toBe(7);
    expect((error as { eventId?: string }).eventId).toBe('7');
  });

  registry.test(
    'sse: a 4xx before the stream is an HTTPError with .data; a 2xx JSON answer is a ParseError naming it',
    async () => {
      const refused = await drain(eventStream(api, 'refused'));
      expect(sturdy.isHTTPError(refused.error)).toBe(true);
      expect((refused.error as { data?: unknown }).data).toEqual({
        error: { code: 'context_length_exceeded', message: 'too long' },
      });
      const notStream = await drain(eventStream(api, 'not-sse'));
      expect(sturdy.isParseError(notStream.error)).toBe(true);
      expect((notStream.error as { contentType?: string }).contentType).toBe('application/json');
    },
  );

  registry.test(
    "sse: a dropped feed resumes with Last-Event-ID after the server's retry: 250; a 204 ends it",
    async () => {
      const { events, error } = await drain(eventStream<{ n: number }>(api, 'resume'));
      expect(error).toBe(undefined);
      expect(events.map((event) => event.data.n)).toEqual([1, 2, 3, 4]);
      const requests = await received('/sse/resume');
      expect(requests.map((request) => header(request, 'last-event-id') ?? null)).toEqual([null, '2', '4']);
      // The route drops 20 ms after its first events; a timer may wake a few ms early.
      expect(requests[1]!.at - requests[0]!.at).toBeAtLeast(250);
    },
  );

  registry.test('sse: an idle stall fails with TimeoutError (idle)', async () => {
    const { events, error } = await drain(eventStream(api, 'stall', { idleTimeout: 300, reconnect: false }));
    expect(events.length).toBe(1);
    expect(sturdy.isTimeoutError(error)).toBe(true);
    expect((error as { timeout?: string }).timeout).toBe('idle');
  });

  guarded('sse: break hangs up at once: the server sees the connection close within 1 s', 'bodyCancel', async () => {
    let count = 0;
    for await (const _event of eventStream(api, 'endless')) if (++count === 3) break;
    const left = Date.now();
    let closed = false;
    while (!closed && Date.now() - left < 1_000) {
      closed = ((await (await fetch(`${url}/sse/__hangups`)).json()) as { endless?: number }).endless !== undefined;
      if (!closed) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(closed).toBe(true);
  });
}
