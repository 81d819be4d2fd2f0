// sturdy/sse against a real node:http server: wire format, POST chat, errors, reconnects, stalls, hang-ups.
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createClient,
  isHTTPError,
  isNetworkError,
  isParseError,
  isTimeoutError,
  isValidationError,
  type SturdyEvent,
} from '../src/index.ts';
import { eventStream } from '../src/sse/index.ts';
import { formatEvent } from '../src/testing/event-stream.ts';
import { printed } from './helpers/printed.ts';
import { startServer, type TestServer } from './helpers/server.ts';
import { registerSseRoutes } from './helpers/sse-server.ts';
import { CHAT_TOKENS, WIRE_EVENTS, drain } from './helpers/sse-wire.ts';

let server: TestServer;
let observed: ReturnType<typeof registerSseRoutes>;
beforeAll(async () => {
  server = await startServer();
  observed = registerSseRoutes(server);
});
afterAll(() => server.close());

const client = (events: SturdyEvent[] = []) =>
  createClient({
    baseUrl: `${server.url}/sse/`,
    onEvent: (event) => events.push(event),
    retry: { limit: 1, delay: () => 10, jitter: false },
  });

/** Polls until the server saw the named connection close; returns when (ms on the server's clock). */
async function hangUpOf(name: string, withinMs = 2_000): Promise<number | undefined> {
  for (
    const end = performance.now() + withinMs;
    performance.now() < end;
    await new Promise((resolve) => setTimeout(resolve, 10))
  ) {
    const at = observed.hangUps.get(name);
    if (at !== undefined) return at;
  }
  return undefined;
}

describe('wire format', () => {
  test('BOM, comments, LF/CRLF/CR, multi-line and empty data, event/id/retry fields, cut every 3 bytes', async () => {
    const stream = eventStream(createClient({ baseUrl: `${server.url}/sse/` }), 'wire', {
      parse: 'text',
      reconnect: false,
    });
    const { events, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(events).toEqual(WIRE_EVENTS);
    // The id-only block after the last event still sets the last event id.
    expect(stream.lastEventId).toBe('8');
    const [request] = server.requestsTo('/sse/wire');
    expect(request?.headers.accept).toBe('text/event-stream');
    expect(request?.headers['last-event-id']).toBeUndefined();
  });
});

describe('POST chat stream', () => {
  const Chunk = v.object({ choices: v.array(v.object({ delta: v.object({ content: v.string() }) })) });

  test('typed chunks until [DONE]; the body is cancelled at [DONE] although the server keeps it open', async () => {
    const events: SturdyEvent[] = [];
    const stream = eventStream(client(events), 'chat', {
      method: 'POST',
      json: { model: 'm', stream: true },
      schema: Chunk,
    });
    const started = performance.now();
    const tokens: string[] = [];
    for await (const event of stream) tokens.push(event.data.choices[0]!.delta.content);
    expect(tokens).toEqual(CHAT_TOKENS);
    const [request] = server.requestsTo('/sse/chat');
    expect(request?.method).toBe('POST');
    expect(JSON.parse(request!.body)).toEqual({ model: 'm', stream: true });
    expect(request?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(await hangUpOf('chat')).toBeDefined();
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(events.filter((event) => event.type === 'retry')).toEqual([]);
  });

  test('a schema mismatch at event 7 ends the stream with a ValidationError naming index 7 and its id', async () => {
    const Event = v.object({ n: v.number() });
    const { events, error } = await drain(eventStream(client(), 'mismatch', { schema: Event }));
    expect(events.map((event) => event.data.n)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(isValidationError(error)).toBe(true);
    const failure = error as Error & {
      index: number;
      eventId: string;
      issues: Array<{ path: string }>;
      direction: string;
    };
    expect(failure.index).toBe(7);
    expect(failure.eventId).toBe('7');
    expect(failure.direction).toBe('response');
    expect(failure.issues[0]?.path).toBe('$.n');
    expect(failure.message).toMatch(
      /^event 7 \(id "7"\) of GET http:\/\/127\.0\.0\.1:\d+\/sse\/mismatch invalid at \$\.n/,
    );
  });

  test('bad JSON is a ParseError naming the event, its secret redacted and its data cut short', async () => {
    const seen: SturdyEvent[] = [];
    const { events, error } = await drain(eventStream(client(seen), 'bad-json'));
    expect(events.map((event) => event.data)).toEqual([{ ok: true }]);
    expect(isParseError(error)).toBe(true);
    const failure = error as Error & { index: number; eventId: string; snippet: string; contentType: string };
    expect(failure.index).toBe(1);
    expect(failure.eventId).toBe('b');
    expect(failure.contentType).toBe('text/event-stream; charset=utf-8');
    expect(failure.message).toContain('event 1 (id "b")');
    expect(failure.message).toContain('is not valid JSON');
    for (const text of [failure.message, failure.snippet, JSON.stringify(failure), String(failure)])
      expect(text).not.toContain('sk-live-1234567890');
    // The error also reached onEvent, redacted.
    const reported = seen.find((event) => event.type === 'error');
    expect(reported?.reason).toMatch(/^ParseError: event 1/);
    expect(reported?.reason).not.toContain('sk-live');
  });

  test('a 4xx JSON answer before the stream is the HTTPError with .data, not retried, not reconnected', async () => {
    const { events, error } = await drain(eventStream(client(), 'refused'));
    expect(events).toEqual([]);
    expect(isHTTPError(error)).toBe(true);
    expect((error as { data: unknown }).data).toEqual({
      error: { code: 'context_length_exceeded', message: 'too long' },
    });
    expect(server.requestsTo('/sse/refused')).toHaveLength(1);
  });

  test('a 2xx that is not text/event-stream is a ParseError naming its content type', async () => {
    const { error } = await drain(eventStream(client(), 'not-sse'));
    expect(isParseError(error)).toBe(true);
    expect((error as { contentType: string }).contentType).toBe('application/json');
    expect((error as Error).message).toContain('content-type application/json, not text/event-stream');
    expect((error as Error).message).toContain('stream: true was not set');
    expect(server.requestsTo('/sse/not-sse')).toHaveLength(1);
  });
});

describe('reconnection', () => {
  test("after a drop: Last-Event-ID, the server's retry: 250 honoured, a retry event per reconnect, 204 stops", async () => {
    const seen: SturdyEvent[] = [];
    const stream = eventStream(client(seen), 'resume');
    const { events, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(events.map((event) => event.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
    expect(events.map((event) => event.retry)).toEqual([250, 250, 250, 250]);
    const requests = server.requestsTo('/sse/resume');
    expect(requests.map((request) => request.headers['last-event-id'])).toEqual([undefined, '2', '4']);
    // The wait counts from the drop (a timer's early wake-up of a few ms allowed).
    expect(requests[1]!.at - observed.drops[0]!).toBeGreaterThanOrEqual(240);
    const reconnects = seen.filter((event) => event.type === 'retry');
    expect(reconnects.map(({ reason, delayMs, attempt, method }) => ({ reason, delayMs, attempt, method }))).toEqual([
      { reason: 'reconnect', delayMs: 250, attempt: 2, method: 'GET' },
      { reason: 'reconnect', delayMs: 250, attempt: 3, method: 'GET' },
    ]);
    expect(stream.lastEventId).toBe('4');
  });

  test('an id with a control character is not sent back as Last-Event-ID, and reconnection goes on', async () => {
    server.route('/sse/control-id', (_request, response, n) => {
      if (n >= 2) return void response.writeHead(204).end();
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const ids = n === 0 ? ['1', 'a\x01b'] : ['3'];
      response.end(`retry: 20\n${ids.map((id) => formatEvent({ id, data: { id } })).join('')}`);
    });
    const stream = eventStream(client(), 'control-id');
    const { events, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(events.map((event) => event.id)).toEqual(['1', 'a\x01b', '3']);
    const sent = server.requestsTo('/sse/control-id').map((request) => request.headers['last-event-id']);
    expect(sent).toEqual([undefined, undefined, '3']);
    expect(stream.lastEventId).toBe('3');
  });

  test('the reconnect limit: a feed that keeps ending without events fails after limit reconnects', async () => {
    const seen: SturdyEvent[] = [];
    const { events, error } = await drain(eventStream(client(seen), 'empty', { reconnect: { limit: 2 } }));
    expect(events).toEqual([]);
    expect(isNetworkError(error)).toBe(true);
    expect((error as Error).message).toMatch(/ended 3 times in a row without an event \(reconnect\.limit 2\)/);
    expect(server.requestsTo('/sse/empty')).toHaveLength(3);
    expect(seen.filter((event) => event.type === 'retry').map((event) => event.delayMs)).toEqual([20, 20]);
  });

  test('a POST stream does not reconnect by default: the drop ends it with the error, one request', async () => {
    const { events, error } = await drain(
      eventStream(client(), 'chat-drop', { method: 'POST', json: { stream: true } }),
    );
    expect(events).toHaveLength(2);
    // The body broke mid-way: this request's NetworkError (sse's own read of the body), not fetch's bare TypeError.
    expect(isNetworkError(error)).toBe(true);
    expect((error as Error).message).toBe(
      `Request failed due to a network error: POST ${server.url}/sse/chat-drop (other side closed)`,
    );
    expect(server.requestsTo('/sse/chat-drop')).toHaveLength(1);
  });
});

describe('stalls, hang-ups, cancellation', () => {
  test('an idle stall fails with TimeoutError (idleTimeout) and hangs up', async () => {
    const { events, error } = await drain(
      eventStream(client(), 'stall', {
        idleTimeout: 200,
        reconnect: false,
        searchParams: { token: 'sse-idle-secret' },
      }),
    );
    expect(events.map((event) => event.id)).toEqual(['s0']);
    expect(isTimeoutError(error)).toBe(true);
    expect((error as { timeout: string }).timeout).toBe('idle');
    expect((error as Error).message).toBe(
      `Request timed out (idleTimeout of 200 ms): GET ${server.url}/sse/stall?token=[REDACTED]`,
    );
    expect(printed(error)).not.toContain('sse-idle-secret');
    expect(await hangUpOf('stall-0')).toBeDefined();
  });

  test('a GET feed reconnects after a stall with Last-Event-ID; the TimeoutError ends it once the limit is spent', async () => {
    const seen: SturdyEvent[] = [];
    const { events, error } = await drain(
      eventStream(client(seen), 'stall-once', { idleTimeout: 150, reconnect: { limit: 1 } }),
    );
    expect(events.map((event) => event.id)).toEqual(['first']);
    const requests = server.requestsTo('/sse/stall-once');
    expect(requests.map((request) => request.headers['last-event-id'])).toEqual([undefined, 'first']);
    expect(isTimeoutError(error)).toBe(true);
    expect((error as { timeout: string }).timeout).toBe('idle');
    expect(seen.filter((event) => event.type === 'retry')).toHaveLength(1);
  });

  test('break hangs up at once: the server sees the socket close within 1 s', async () => {
    const stream = eventStream(client(), 'endless');
    let count = 0;
    for await (const event of stream) {
      expect(event.data).toEqual({ n: count });
      if (++count === 3) break;
    }
    const brokeAt = performance.now();
    const closedAt = await hangUpOf('endless', 1_000);
    expect(closedAt).toBeDefined();
    expect(performance.now() - brokeAt).toBeLessThan(1_000);
    expect(stream.lastEventId).toBe('2');
  });

  test('close() during a pending read ends the iteration cleanly; the caller signal rejects with its reason', async () => {
    const stream = eventStream(client(), 'stall', { idleTimeout: false, reconnect: false });
    expect((await stream.next()).done).toBe(false);
    const pending = stream.next();
    stream.close();
    expect(await pending).toEqual({ done: true, value: undefined });

    const controller = new AbortController();
    const aborted = eventStream(client(), 'stall', { idleTimeout: false, signal: controller.signal });
    await aborted.next();
    const reason = new Error('user left');
    const next = aborted.next();
    controller.abort(reason);
    await expect(next).rejects.toBe(reason);
  });

  test("the client's totalTimeout does not bound a stream; the stream's own totalTimeout bounds all of it", async () => {
    const api = createClient({ baseUrl: `${server.url}/sse/`, totalTimeout: 150 });
    const whole = await drain(eventStream(api, 'slow', { reconnect: false }));
    expect(whole.error).toBeUndefined();
    expect(whole.events.map((event) => event.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

    const bounded = await drain(eventStream(api, 'slow', { totalTimeout: 150 }));
    expect(bounded.events.length).toBeLessThan(8);
    expect(isTimeoutError(bounded.error)).toBe(true);
    expect(bounded.error).toMatchObject({ timeout: 'total' });
    expect((bounded.error as Error).message).toContain('totalTimeout of 150 ms');
  });
});
