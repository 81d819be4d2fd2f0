// Type tests: checked by `npm run typecheck` (tsc over test/), never run by vitest (it runs *.test.ts).
import * as v from 'valibot';
import { expectTypeOf } from 'vitest';
import { z } from 'zod';
import { createClient } from '../src/index.ts';
import { eventStream, type EventStream, type ServerSentEvent } from '../src/sse/index.ts';

const api = createClient({ baseUrl: 'https://api.example.com/v1/' });

// With a schema, event.data is the schema's OUTPUT (transforms applied), from valibot or zod.
const Chunk = v.object({
  delta: v.string(),
  at: v.pipe(
    v.string(),
    v.transform((s) => new Date(s)),
  ),
});
const chat = eventStream(api, 'chat/completions', { method: 'POST', json: { stream: true }, schema: Chunk });
expectTypeOf(chat).toEqualTypeOf<EventStream<{ delta: string; at: Date }>>();
for await (const event of chat) {
  expectTypeOf(event.data).toEqualTypeOf<{ delta: string; at: Date }>();
  expectTypeOf(event).toEqualTypeOf<ServerSentEvent<{ delta: string; at: Date }>>();
  expectTypeOf(event.id).toEqualTypeOf<string | undefined>();
  expectTypeOf(event.event).toEqualTypeOf<string>();
  expectTypeOf(event.retry).toEqualTypeOf<number | undefined>();
}
const Tick = z.object({ n: z.number().transform(String) });
expectTypeOf(eventStream(api, 'ticks', { schema: Tick })).toEqualTypeOf<EventStream<{ n: string }>>();

// parse: 'text' without a schema: strings; with one, the schema's output.
expectTypeOf(eventStream(api, 'log', { parse: 'text' })).toEqualTypeOf<EventStream<string>>();
expectTypeOf(eventStream(api, 'log', { parse: 'text', schema: v.pipe(v.string(), v.length(3)) })).toEqualTypeOf<
  EventStream<string>
>();

// No schema: unknown, or the type the caller names.
expectTypeOf(eventStream(api, 'feed')).toEqualTypeOf<EventStream<unknown>>();
expectTypeOf(eventStream<{ price: number }>(api, 'feed', { reconnect: { limit: 10 } })).toEqualTypeOf<
  EventStream<{ price: number }>
>();

// The stream's surface.
expectTypeOf(chat.lastEventId).toEqualTypeOf<string>();
expectTypeOf(chat.close).toEqualTypeOf<() => void>();

// @ts-expect-error parse is 'json' or 'text'
eventStream(api, 'feed', { parse: 'xml' });
// @ts-expect-error reconnect takes a limit, not a delay
eventStream(api, 'feed', { reconnect: { delay: 5 } });
// @ts-expect-error done receives the raw data string
eventStream(api, 'feed', { done: (data: number) => data === 0 });
// @ts-expect-error the response check is the stream's own (throwHttpErrors is not an option here)
eventStream(api, 'feed', { throwHttpErrors: false });
