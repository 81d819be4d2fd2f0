import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { bearer, type CallOptions } from '../src/index.ts';
import { dedupe } from '../src/cache/index.ts';
import { ndjsonRecords } from '../src/ndjson/index.ts';
import type { Middleware } from '../src/core/middleware.ts';
import { eventually, recordingClient, tokenStrategy } from './helpers/cache-server.ts';
import { startServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
const BODY = JSON.stringify({ items: Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `item ${i}` })) }); // ~500 KB: past the fan-out buffer
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let closedEarly = 0;
let slowHeadClosed = 0;
let pacedClosed = 0;

beforeAll(async () => {
  server = await startServer();
  // Answers after a pause, so concurrent callers overlap; the body in 10 pieces.
  server.route('/shared', async (_request, response) => {
    await sleep(100);
    response.writeHead(200, { 'content-type': 'application/json' });
    for (let i = 0; i < 10; i++) {
      response.write(BODY.slice((i * BODY.length) / 10, ((i + 1) * BODY.length) / 10));
      await sleep(5);
    }
    response.end();
  });
  // Headers, one piece, then a slow trickle that only ends if nobody hangs up.
  server.route('/trickle', async (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.on('close', () => {
      if (!response.writableEnded) closedEarly += 1;
    });
    for (let i = 0; i < 100 && !response.destroyed; i++) {
      response.write(`chunk ${i}\n`);
      await sleep(50);
    }
    response.end();
  });
  server.route('/slow-head', async (_request, response) => {
    response.on('close', () => {
      if (!response.writableEnded) slowHeadClosed += 1;
    });
    await sleep(2_000);
    if (!response.destroyed) response.writeHead(200).end('late');
  });
  // Headers at once, then ten pieces 150 ms apart: 1.5 s of body (NDJSON: each piece a JSON string on its line).
  server.route('/paced', async (_request, response) => {
    response.on('close', () => {
      if (!response.writableEnded) pacedClosed += 1;
    });
    response.writeHead(200, { 'content-type': 'text/plain' });
    for (let i = 0; i < 10 && !response.destroyed; i++) {
      response.write(`"piece ${i}"\n`);
      await sleep(150);
    }
    response.end();
  });
  server.route('/who', async (request, response) => {
    await sleep(50);
    response
      .writeHead(200, { 'content-type': 'text/plain' })
      .end(`${request.method} ${request.headers.authorization ?? request.headers['x-token'] ?? 'anonymous'}`);
  });
});
afterAll(() => server.close());

test('20 concurrent identical GETs: one request to the server, 20 equal bodies', async () => {
  const { api } = recordingClient(server, [dedupe()]);
  const before = server.requestsTo('/shared').length;
  const bodies = await Promise.all(Array.from({ length: 20 }, () => api.get('shared').text()));
  expect(server.requestsTo('/shared').length - before).toBe(1);
  expect(bodies.every((body) => body === BODY)).toBe(true);
});

test('one caller aborting (before or after the response) leaves the other 19 intact', async () => {
  const { api } = recordingClient(server, [dedupe()]);
  const before = server.requestsTo('/shared').length;
  const early = new AbortController();
  const calls = Array.from({ length: 20 }, (_, i) => api.get('shared', i === 0 ? { signal: early.signal } : {}).text());
  setTimeout(() => early.abort(new Error('caller 0 left')), 20);
  const settled = await Promise.allSettled(calls);
  expect(settled[0]).toMatchObject({ status: 'rejected', reason: { message: 'caller 0 left' } });
  expect(settled.slice(1).every((result) => result.status === 'fulfilled' && result.value === BODY)).toBe(true);

  const late = new AbortController();
  const responses = await Promise.all(
    Array.from({ length: 20 }, (_, i) => api.get('shared', i === 0 ? { signal: late.signal } : {})),
  );
  late.abort(new Error('caller 0 left mid-body'));
  const reads = await Promise.allSettled(responses.map((response) => response.text()));
  expect(reads[0]?.status).toBe('rejected');
  expect(reads.slice(1).every((result) => result.status === 'fulfilled' && result.value === BODY)).toBe(true);
  expect(server.requestsTo('/shared').length - before).toBe(2);
});

test("a newcomer never joins a shared request every caller has left: it gets its own answer, not another caller's abort", async () => {
  // The upstream's failure reaches dedupe 150 ms after its abort (a loaded machine, a slow middleware below it).
  const lateFailure: Middleware = (request, next) =>
    next(request).catch(async (error: unknown) => {
      await sleep(150);
      throw error;
    });
  const { api } = recordingClient(server, [dedupe(), lateFailure]);
  const before = server.requestsTo('/shared').length;
  const early = new AbortController();
  const first = api.get('shared', { signal: early.signal }).text();
  await eventually(() => server.requestsTo('/shared').length === before + 1);
  early.abort(new Error('caller 0 left'));
  await expect(first).rejects.toThrow('caller 0 left');
  const later = await Promise.allSettled(Array.from({ length: 3 }, () => api.get('shared').text()));
  expect(
    later.map((result) => (result.status === 'fulfilled' ? result.value === BODY : String(result.reason))),
  ).toEqual([true, true, true]);
  expect(server.requestsTo('/shared').length - before).toBe(2);
});

test('concurrent identical calls share one request even when hashing their key is slow (a loaded machine)', async () => {
  server.route(
    '/fast-head',
    (_request, response) => void response.writeHead(200, { 'content-type': 'text/plain' }).end('fast'),
  );
  // The first digest answers at once, every later one after 200 ms: by then the first call's response is back.
  const digest = crypto.subtle.digest.bind(crypto.subtle);
  let digests = 0;
  const spy = vi
    .spyOn(crypto.subtle, 'digest')
    .mockImplementation(async (...args: Parameters<SubtleCrypto['digest']>) => {
      if (digests++ > 0) await sleep(200);
      return digest(...args);
    });
  try {
    const { api } = recordingClient(server, [dedupe()]);
    const texts = await Promise.all(Array.from({ length: 3 }, () => api.get('fast-head').text()));
    expect(texts).toEqual(['fast', 'fast', 'fast']);
    expect(server.requestsTo('/fast-head')).toHaveLength(1);
  } finally {
    spy.mockRestore();
  }
});

test('when every caller has gone, the shared request is cancelled: the server sees the connection close', async () => {
  const { api } = recordingClient(server, [dedupe()]);
  const controllers = Array.from({ length: 3 }, () => new AbortController());
  const responses = await Promise.all(
    controllers.map((controller) =>
      api.get('trickle', { signal: controller.signal, idleTimeout: false, totalTimeout: false }),
    ),
  );
  expect(server.requestsTo('/trickle').length).toBe(1);
  const readers = responses.map((response) => response.body!.getReader());
  await Promise.all(readers.map((reader) => reader.read()));
  controllers[0]!.abort();
  await readers[1]!.cancel();
  await sleep(150);
  expect(closedEarly).toBe(0); // one reader is still there
  controllers[2]!.abort();
  await eventually(() => closedEarly === 1);
});

test('callers aborting before the response: the upstream stays until the last one goes, then is aborted', async () => {
  const { api } = recordingClient(server, [dedupe()]);
  const controllers = [new AbortController(), new AbortController()];
  const calls = controllers.map((controller) => api.get('slow-head', { signal: controller.signal }).text());
  await sleep(50);
  controllers[0]!.abort(new Error('first gone'));
  await expect(calls[0]).rejects.toThrow('first gone');
  await sleep(100);
  expect(slowHeadClosed).toBe(0);
  controllers[1]!.abort(new Error('second gone'));
  await expect(calls[1]).rejects.toThrow('second gone');
  await eventually(() => slowHeadClosed === 1);
  expect(server.requestsTo('/slow-head').length).toBe(1);
});

const PACED = Array.from({ length: 10 }, (_, i) => `"piece ${i}"\n`).join('');

/** How the limited caller reads: a shortcut (ky bounds it by timeout and totalTimeout), or a stream sturdy reads (idleTimeout). */
type Read = (api: ReturnType<typeof recordingClient>['api'], options: CallOptions) => Promise<unknown>;
const viaText: Read = (api, options) => api.get('paced', options).text();
const viaRecords: Read = async (api, options) => {
  let text = '';
  for await (const record of ndjsonRecords(api.get('paced', options))) text += `${JSON.stringify(record)}\n`;
  return text;
};

test.each([
  ['totalTimeout', { totalTimeout: 400 }, /totalTimeout of/, viaText],
  ['idleTimeout', { idleTimeout: 60 }, /idleTimeout of 60 ms/, viaRecords],
  ['timeout', { timeout: 300 }, /\(timeout of 300 ms/, viaText],
] as Array<[string, CallOptions, RegExp, Read]>)(
  "one caller's own %s ends only that caller, whether it started the request or joined it",
  async (_name, limit, message, read) => {
    const { api } = recordingClient(server, [dedupe()]);
    for (const limited of [0, 1]) {
      const before = server.requestsTo('/paced').length;
      const started = performance.now();
      // The first caller starts the request, the second joins it (reading the same way: a shortcut sets `accept`).
      const calls = [0, 1].map((caller) => read(api, caller === limited ? limit : {}));
      const [mine, theirs] = limited === 0 ? calls : [calls[1]!, calls[0]!];
      const error = await mine!.then(
        () => new Error('the limited caller got the whole body'),
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ name: 'TimeoutError', message: expect.stringMatching(message) });
      expect(performance.now() - started).toBeLessThan(1_200);
      expect(await theirs).toBe(PACED);
      expect(server.requestsTo('/paced').length - before).toBe(1);
    }
    // When every caller's limit has run out, the shared request is cancelled: the server sees the connection close.
    const closed = pacedClosed;
    const both = await Promise.allSettled([0, 1].map(() => read(api, limit)));
    expect(both.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    await eventually(() => pacedClosed === closed + 1);
  },
);

test('POST is never shared', async () => {
  const { api } = recordingClient(server, [dedupe()]);
  const before = server.requestsTo('/who').length;
  const posts = await Promise.all(Array.from({ length: 5 }, () => api.post('who', { json: {} }).text()));
  expect(posts).toEqual(Array(5).fill('POST anonymous'));
  expect(server.requestsTo('/who').length - before).toBe(5);
});

test.each([
  ['bearer', bearer],
  ['a custom strategy that registers nothing', tokenStrategy],
])('different credentials are never shared (%s): B never gets A', async (_kind, strategy) => {
  const shared = dedupe();
  const asA = recordingClient(server, [shared], { auth: strategy('token-A-123') }).api;
  const asB = recordingClient(server, [shared], { auth: strategy('token-B-456') }).api;
  const before = server.requestsTo('/who').length;
  const users = await Promise.all([
    asA.get('who').text(),
    asB.get('who').text(),
    asA.get('who').text(),
    asB.get('who').text(),
  ]);
  expect(users.map((text) => text.replace(/^GET (Bearer )?/, ''))).toEqual([
    'token-A-123',
    'token-B-456',
    'token-A-123',
    'token-B-456',
  ]);
  expect(server.requestsTo('/who').length - before).toBe(2);
});

test('different content negotiation is not shared; a newcomer after the response starts its own request', async () => {
  const { api } = recordingClient(server, [dedupe()]);
  const before = server.requestsTo('/who').length;
  await Promise.all([
    api.get('who', { headers: { 'accept-language': 'en' } }).text(),
    api.get('who', { headers: { 'accept-language': 'de' } }).text(),
  ]);
  expect(server.requestsTo('/who').length - before).toBe(2);
  await api.get('who').text();
  await api.get('who').text();
  expect(server.requestsTo('/who').length - before).toBe(4);
});

test('conditional and range headers are part of the key: a plain GET never gets a concurrent conditional 304 or a 206', async () => {
  server.route('/doc', async (request, response) => {
    await sleep(100);
    if (request.headers['if-none-match'] === '"d1"') return void response.writeHead(304, { etag: '"d1"' }).end();
    if (request.headers.range) return void response.writeHead(206, { 'content-range': 'bytes 0-1/8' }).end('th');
    response.writeHead(200, { etag: '"d1"', 'content-type': 'text/plain' }).end('the doc!');
  });
  const { api } = recordingClient(server, [dedupe()], { throwHttpErrors: false });
  const conditions = [
    {},
    { 'if-none-match': '"d1"' },
    { 'if-modified-since': 'Mon, 07 Dec 2026 08:00:00 GMT' },
    { 'if-match': '"d1"' },
    { 'if-unmodified-since': 'Mon, 07 Dec 2026 08:00:00 GMT' },
    { range: 'bytes=0-1', 'if-range': '"d1"' },
    { range: 'bytes=0-1' },
  ];
  const responses = await Promise.all(conditions.map((headers) => api.get('doc', { headers })));
  expect(responses.map((response) => response.status)).toEqual([200, 304, 200, 200, 200, 206, 206]);
  expect(await responses[0]!.text()).toBe('the doc!');
  expect(server.requestsTo('/doc')).toHaveLength(conditions.length);
});

test('bad options are TypeErrors naming the option', () => {
  expect(() => dedupe({ headers: ['bad header'] })).toThrow(/option `headers` must be an array of header names/);
  expect(() => dedupe({ bufferBytes: -1 })).toThrow(/option `bufferBytes`/);
});
