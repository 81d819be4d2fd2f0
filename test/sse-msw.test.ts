// sturdy/sse unit behaviour with msw, and the sturdy/testing eventStream handler: options, limits, redaction, timeouts.
import { inspect } from 'node:util';
import { http, HttpResponse } from 'msw';
import * as v from 'valibot';
import { describe, expect, test } from 'vitest';
import {
  bearer,
  createClient,
  isNetworkError,
  isParseError,
  isValidationError,
  type Middleware,
  type SturdyEvent,
} from '../src/index.ts';
import { eventStream } from '../src/sse/index.ts';
import { eventStream as scriptedStream, formatEvent } from '../src/testing/event-stream.ts';
import { useMswServer } from './helpers/msw-server.ts';
import { drain } from './helpers/sse-wire.ts';

const API = 'https://api.sse.test/v1/';
const { server, recorder } = useMswServer();

const client = (events: SturdyEvent[] = [], extra: Parameters<typeof createClient>[0] = {}) =>
  createClient({
    baseUrl: API,
    onEvent: (event) => events.push(event),
    retry: { limit: 1, delay: () => 5, jitter: false },
    ...extra,
  });

/** A handler streaming the given pieces of text as an event stream, one chunk each, as the client pulls. */
const streamOf = (path: string, pieces: () => Iterable<string>) =>
  http.get(`${API}${path}`, () => {
    const encoder = new TextEncoder();
    const iterator = pieces()[Symbol.iterator]();
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
    });
    return new HttpResponse(body, { headers: { 'content-type': 'text/event-stream' } });
  });

describe('sturdy/testing eventStream handler', () => {
  test('drops after N events, then resumes from the Last-Event-ID the client sends; [DONE] ends it', async () => {
    const feed = scriptedStream(`${API}feed`, {
      events: [1, 2, 3, 4].map((n) => ({ id: String(n), data: { n } })),
      dropAfter: 2,
      done: true,
    });
    server.use(feed);
    const stream = eventStream(client(), 'feed', { reconnect: { limit: 1 } });
    const { events, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(events.map((event) => event.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
    expect(feed.calls).toBe(2);
    expect(feed.lastEventIds).toEqual([null, '2']);
    feed.reset();
    expect([feed.calls, feed.lastEventIds]).toEqual([0, []]);
  });

  test('formatEvent writes fields and one data line per line', () => {
    expect(formatEvent({ comment: 'hb', event: 'delta', id: '9', retry: 100, data: 'a\nb' })).toBe(
      ': hb\nevent: delta\nid: 9\nretry: 100\ndata: a\ndata: b\n\n',
    );
    expect(formatEvent({ data: { n: 1 } })).toBe('data: {"n":1}\n\n');
    expect(() => scriptedStream(`${API}x`, { events: 'nope' } as never)).toThrow(/option `events` must be an array/);
    expect(() => scriptedStream(`${API}x`, { events: [], dropAfter: -1 })).toThrow(/option `dropAfter`/);
  });
});

describe('options', () => {
  test('bad options are TypeErrors naming the option, thrown before any request', () => {
    const api = client();
    const cases: Array<[unknown, RegExp]> = [
      [{ parse: 'xml' }, /option `parse` must be 'json' or 'text'/],
      [{ done: '[DONE]' }, /option `done` must be a function/],
      [{ reconnect: { limit: -1 } }, /option `reconnect.limit` must be a non-negative integer/],
      [{ reconnect: 'yes' }, /option `reconnect` must be true, false or \{ limit \}/],
      [{ maxEventBytes: 0 }, /option `maxEventBytes` must be a positive integer/],
      [{ lastEventId: 'a\r\nx-evil: 1' }, /option `lastEventId` must be a string without line breaks/],
      // Allowed in an event's id by the event-stream format, refused in a header by fetch (undici).
      [{ lastEventId: 'a\x01b' }, /option `lastEventId` must be a string without line breaks or other control/],
      [{ schema: { parse() {} } }, /option `schema` must be a Standard Schema/],
      [{ idleTimeout: -5 }, /option `idleTimeout` must be a non-negative number/],
      [{ totalTimeout: 'long' }, /option `totalTimeout`/],
    ];
    for (const [options, message] of cases) expect(() => eventStream(api, 'feed', options as never)).toThrow(message);
    expect(() => eventStream({} as never, 'feed')).toThrow(/needs a client from createClient\(\)/);
    expect(recorder.requests).toEqual([]);
  });

  test('nothing is sent until iteration starts; a custom done predicate and event types', async () => {
    server.use(streamOf('chat', () => ['event: greet\ndata: "hi"\n\n', 'data: bye\n\n', 'data: "never"\n\n']));
    const stream = eventStream(client(), 'chat', { parse: 'text', done: (data) => data === 'bye' });
    expect(recorder.requests).toHaveLength(0);
    const { events } = await drain(stream);
    expect(events).toEqual([{ data: '"hi"', event: 'greet', id: undefined, retry: undefined }]);
    expect(recorder.requests).toHaveLength(1);
  });
});

describe('bounded memory', () => {
  test('an event larger than maxEventBytes (counted in UTF-8 bytes) is a ParseError naming it', async () => {
    server.use(
      streamOf('big', () => [
        formatEvent({ id: 'ok', data: 'é'.repeat(500) }),
        formatEvent({ id: 'big', data: 'é'.repeat(501) }),
      ]),
    );
    const { events, error } = await drain(eventStream(client(), 'big', { parse: 'text', maxEventBytes: 1000 }));
    expect(events.map((event) => event.id)).toEqual(['ok']);
    expect(isParseError(error)).toBe(true);
    expect(error).toMatchObject({ index: 1, eventId: 'big' });
    expect((error as Error).message).toContain('larger than maxEventBytes (1000)');
  });

  test('an endless line never ending its event stops at the limit instead of buffering', async () => {
    let sent = 0;
    server.use(
      streamOf('endless-line', function* () {
        yield 'data: ';
        for (;;) {
          sent += 64 * 1024;
          yield 'x'.repeat(64 * 1024);
        }
      }),
    );
    const { events, error } = await drain(eventStream(client(), 'endless-line', { maxEventBytes: 256 * 1024 }));
    expect(events).toEqual([]);
    expect(isParseError(error)).toBe(true);
    expect(error).toMatchObject({ index: 0 });
    expect(sent).toBeLessThan(1024 * 1024);
  });
});

describe('redaction, auth, middleware', () => {
  test("errors follow the client's redact rules; credentials go out but never into errors or events", async () => {
    server.use(streamOf('private', () => [formatEvent({ id: '1', data: '{"session": "sess-abcdef123", "tail": ' })]));
    const seen: SturdyEvent[] = [];
    const api = client(seen, { redact: { fields: ['session'] }, auth: bearer('tok-0123456789') });
    const { error } = await drain(eventStream(api, 'private?api_key=k-987654321'));
    expect(isParseError(error)).toBe(true);
    const printed = [
      (error as Error).message,
      JSON.stringify(error),
      String(error),
      ...seen.map((event) => JSON.stringify(event)),
    ].join('\n');
    for (const secret of ['sess-abcdef123', 'tok-0123456789', 'k-987654321']) expect(printed).not.toContain(secret);
    expect((error as Error).message).toContain('api_key=[REDACTED]');
    expect(recorder.requests[0]?.headers.get('authorization')).toBe('Bearer tok-0123456789');
  });

  test("an event id echoing the bearer token is hidden by the client's redactor in every form of the error", async () => {
    const token = 'tok_live_0123456789abcdef';
    server.use(
      streamOf('echo-schema', () => [formatEvent({ id: token, data: { [token]: 'one' } })]),
      streamOf('echo-json', () => [formatEvent({ id: token, data: '{"n": 1, oops' })]),
    );
    const seen: SturdyEvent[] = [];
    const api = client(seen, { auth: bearer(token) });
    const cases = [
      {
        stream: () => eventStream(api, 'echo-schema', { schema: v.record(v.string(), v.number()) }),
        guard: isValidationError,
      },
      { stream: () => eventStream(api, 'echo-json'), guard: isParseError },
    ];
    for (const { stream, guard } of cases) {
      const { error } = await drain(stream());
      expect(guard(error)).toBe(true);
      const failure = error as Error & { index: number; eventId: string };
      expect(failure).toMatchObject({ index: 0, eventId: '[REDACTED]' });
      expect(failure.message).toContain('event 0 (id "[REDACTED]")');
      expect(failure.stack?.startsWith(`${failure.name}: ${failure.message}\n`)).toBe(true);
      const printed = [
        failure.message,
        String(failure),
        failure.stack,
        JSON.stringify(failure),
        inspect(failure, { showHidden: true, depth: 10 }),
        ...Object.values(failure).map((value) => inspect(value, { depth: 10 })),
      ];
      for (const text of printed) expect(text).not.toContain(token);
    }
    expect(JSON.stringify(seen)).not.toContain(token);
    expect(recorder.requests[0]?.headers.get('authorization')).toBe(`Bearer ${token}`);
  });

  test("the caller's use middleware sees each connection with accept: text/event-stream", async () => {
    server.use(scriptedStream(`${API}feed`, { events: [{ id: '1', data: 1 }], dropAfter: 1 }));
    const accepts: Array<string | null> = [];
    const spy: Middleware = (request, next) => {
      accepts.push(request.headers.get('accept'));
      return next(request);
    };
    const { events, error } = await drain(
      eventStream(client(), 'feed', { use: [spy], reconnect: { limit: 1 }, retry: 0 }),
    );
    // The resumed connection has nothing after id 1 and ends: with limit 1 that is the end.
    expect(events.map((event) => event.data)).toEqual([1]);
    expect(isNetworkError(error)).toBe(true);
    expect(accepts).toEqual(['text/event-stream', 'text/event-stream']);
  });

  test('a use middleware may answer the stream itself; the reconnect limit error still prints', async () => {
    let calls = 0;
    const answer: Middleware = async () => (
      calls++, new Response('retry: 1\n\n', { headers: { 'content-type': 'text/event-stream' } })
    );
    const { error } = await drain(eventStream(client(), 'feed', { use: [answer], reconnect: { limit: 1 } }));
    expect(isNetworkError(error)).toBe(true);
    expect((error as Error).message).toContain(
      'GET feed: the event stream ended 2 times in a row without an event (reconnect.limit 1)',
    );
    expect(String(error)).toContain('NetworkError');
    expect(calls).toBe(2);
    expect(recorder.requests).toEqual([]);
  });

  test('a non-ASCII id goes out as its UTF-8 bytes in Last-Event-ID', async () => {
    const feed = scriptedStream(`${API}feed`, {
      events: [
        { id: 'évt-1', data: 1 },
        { id: 'évt-2', data: 2 },
      ],
      dropAfter: 1,
    });
    server.use(feed);
    const { events } = await drain(eventStream(client(), 'feed', { lastEventId: 'début', reconnect: { limit: 1 } }));
    expect(events.map((event) => event.id)).toEqual(['évt-1', 'évt-2']);
    const sent = recorder.requests.map((request) => request.headers.get('last-event-id'));
    expect(sent.map((value) => new TextDecoder().decode(Uint8Array.from(value!, (c) => c.charCodeAt(0))))).toEqual([
      'début',
      'évt-1',
      'évt-2',
    ]);
    expect(feed.lastEventIds).toEqual(['début', 'évt-1', 'évt-2']);
  });
});
