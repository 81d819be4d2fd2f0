import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from 'vitest';
import { startBenchServer, type BenchServer } from '../bench/spawn.ts';
import { createClient, isHTTPError, isParseError, isSerializationError, isValidationError } from '../src/index.ts';
import { ndjsonBody, ndjsonRecords } from '../src/ndjson/index.ts';
import { modes, startServer, wait, type TestServer } from './helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

async function* generate(count: number, make: (i: number) => unknown = (i) => ({ i, name: `item ${i}` })) {
  for (let i = 0; i < count; i++) {
    if (i % 100 === 0) await wait(0);
    yield make(i);
  }
}

const lines = (body: string) =>
  body
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

describe('upload', () => {
  test('an async iterable goes out as NDJSON with its content-type, one line per record', async () => {
    server.route('/import', modes.json(200, { ok: true }));
    const api = createClient({ baseUrl: `${server.url}/` });
    await api.post('import', { ...ndjsonBody(generate(2_500)) }).json();
    const [received] = server.requestsTo('/import');
    expect(received!.headers['content-type']).toBe('application/x-ndjson');
    const records = lines(received!.body);
    expect(records).toHaveLength(2_500);
    expect(records[1_234]).toEqual({ i: 1_234, name: 'item 1234' });
    expect(received!.body.endsWith('\n')).toBe(true);
  });

  test('a stream body is sent once: a 503 is not retried (it cannot be replayed)', async () => {
    server.route('/once', modes.sequence([503, 200]));
    const api = createClient({ baseUrl: `${server.url}/`, retry: { limit: 2, delay: () => 10 } });
    const error = await api
      .post('once', { ...ndjsonBody(generate(10)), idempotencyKey: 'k1' })
      .catch((caught: unknown) => caught);
    expect(isHTTPError(error) && error.response.status).toBe(503);
    expect(server.requestsTo('/once')).toHaveLength(1);
  });

  test('given as a factory, the records are produced again per attempt and retried', async () => {
    server.route('/factory', modes.sequence([503, 200]));
    const api = createClient({ baseUrl: `${server.url}/`, retry: { limit: 2, delay: () => 10 } });
    await api.post('factory', { ...ndjsonBody(() => generate(300)), idempotencyKey: 'k2' }).json();
    const received = server.requestsTo('/factory');
    expect(received).toHaveLength(2);
    expect(lines(received[1]!.body)).toEqual(lines(received[0]!.body));
    expect(lines(received[1]!.body)).toHaveLength(300);
  });

  test('a record JSON cannot carry fails the call with SerializationError at its index', async () => {
    server.route('/bad-record', modes.json(200, {}));
    const api = createClient({ baseUrl: `${server.url}/` });
    const records = [{ price: 1 }, { price: 2 }, { price: 3n }];
    const error = await api.post('bad-record', { ...ndjsonBody(records) }).catch((caught: unknown) => caught);
    expect(isSerializationError(error)).toBe(true);
    expect(error).toMatchObject({ path: '$[2].price' });
    expect((error as Error).message).toContain('NDJSON record 2');
  });

  test('a redirect fails the upload instead of being followed (fetch would keep a copy of the stream to follow it)', async () => {
    server.route('/moved', modes.redirect('/import-target', 307));
    server.route('/import-target', modes.json(200, {}));
    const api = createClient({ baseUrl: `${server.url}/`, retry: false });
    await expect(api.post('moved', { ...ndjsonBody(generate(5)) })).rejects.toThrow();
    expect(server.requestsTo('/moved')).toHaveLength(1);
    expect(server.requestsTo('/import-target')).toHaveLength(0);
  });
});

/** Writes `chunks` one by one with a pause, so lines and UTF-8 sequences are split across reads. */
const chunked =
  (chunks: Array<string | Buffer>, contentType = 'application/x-ndjson') =>
  async (_request: unknown, response: import('node:http').ServerResponse) => {
    response.writeHead(200, { 'content-type': contentType });
    for (const chunk of chunks) {
      response.write(chunk);
      await wait(5);
    }
    response.end();
  };

describe('download', () => {
  test('records split across chunks (and inside a UTF-8 sequence), CRLF, blank lines and no final newline', async () => {
    const euro = Buffer.from('{"name":"€uro"}\n');
    server.route(
      '/export',
      chunked(['{"id":1}\n{"id"', ':2}\r\n\n', euro.subarray(0, 10), euro.subarray(10), '  \n{"id":4}']),
    );
    const api = createClient({ baseUrl: `${server.url}/` });
    const records = [];
    for await (const record of ndjsonRecords(api.get('export'))) records.push(record);
    expect(records).toEqual([{ id: 1 }, { id: 2 }, { name: '€uro' }, { id: 4 }]);
  });

  test('large chunks (read in 4 KiB pieces): records of every length, multi-byte text, long lines, CRLF and blanks', async () => {
    // Notes from 0 to ~9 KiB, with 2-, 3- and 4-byte UTF-8 sequences landing on every offset, and one 20 KiB record.
    const sent = Array.from({ length: 400 }, (_, i) => ({
      i,
      note: `${'é€😀x'.repeat((i * 37) % 2300)}${'y'.repeat(i % 7)}${i === 200 ? 'z'.repeat(20_000) : ''}`,
    }));
    const body = sent.map((record, i) => JSON.stringify(record) + (i % 5 === 0 ? '\r\n\n' : '\n')).join('');
    // Whole chunks of up to 64 KiB: the server writes the body at once.
    server.route('/big-chunks', chunked([Buffer.from(body)]));
    const api = createClient({ baseUrl: `${server.url}/` });
    const records = [];
    for await (const record of ndjsonRecords(api.get('big-chunks'))) records.push(record);
    expect(records).toEqual(sent);

    const lines = body.split('\n');
    // Line 150 holds record 125: every fifth record is followed by a blank line.
    lines[150] = '{"i":125,"note":"cut';
    server.route('/big-chunks-broken', chunked([Buffer.from(lines.join('\n'))]));
    let seen = 0;
    const error = await (async () => {
      for await (const _ of ndjsonRecords(api.get('big-chunks-broken'))) seen++;
    })().catch((caught: unknown) => caught);
    expect(isParseError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /NDJSON record 125 .* is not valid JSON: "\{\\"i\\":125,\\"note\\":\\"cut"/,
    );
    expect(seen).toBe(125);
  });

  test('each record is validated by a Standard Schema; the error path starts with the record index', async () => {
    server.route(
      '/orders',
      chunked(['{"id":"a","total":1}\n{"id":"b","total":2}\n', '{"id":"c","total":"3"}\n{"id":"d","total":4}\n']),
    );
    const api = createClient({ baseUrl: `${server.url}/` });
    const Order = v.object({ id: v.string(), total: v.number() });
    const seen: string[] = [];
    let error: unknown;
    try {
      for await (const order of ndjsonRecords(api.get('orders'), Order)) seen.push(order.id);
    } catch (caught) {
      error = caught;
    }
    expect(seen).toEqual(['a', 'b']);
    expect(isValidationError(error)).toBe(true);
    expect((error as { issues: Array<{ path: string }> }).issues[0]!.path).toBe('$[2].total');
    expect((error as Error).message).toContain('NDJSON record 2');
  });

  test('an async schema: records come out in order, validated; a bad one fails with its index and the body is hung up', async () => {
    let closed = false;
    server.route('/async-orders', async (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      response.on('close', () => (closed = true));
      response.write('{"id":"a","total":1}\n{"id":"b","total":2}\n{"id":"c","total":"3"}\n');
      for (let i = 0; i < 500 && !closed; i++) {
        response.write(`{"id":"more-${i}","total":${i}}\n`);
        await wait(5);
      }
      response.end();
    });
    const validated: string[] = [];
    // A Standard Schema whose validate is async (a remote check, an async refinement), answering out of order.
    const AsyncOrder = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: async (value: unknown) => {
          const order = value as { id: string; total: unknown };
          await wait(order.id === 'a' ? 20 : 1);
          validated.push(order.id);
          return typeof order.total === 'number'
            ? { value: order }
            : { issues: [{ message: 'total must be a number', path: ['total'] }] };
        },
      },
    };
    const api = createClient({ baseUrl: `${server.url}/` });
    const seen: string[] = [];
    let error: unknown;
    try {
      for await (const order of ndjsonRecords(api.get('async-orders'), AsyncOrder))
        seen.push((order as { id: string }).id);
    } catch (caught) {
      error = caught;
    }
    expect(seen).toEqual(['a', 'b']);
    expect(validated).toEqual(['a', 'b', 'c']);
    expect(isValidationError(error)).toBe(true);
    expect((error as { issues: Array<{ path: string }> }).issues[0]!.path).toBe('$[2].total');
    expect((error as Error).message).toContain('NDJSON record 2');
    for (let i = 0; i < 100 && !closed; i++) await wait(10);
    expect(closed).toBe(true);
  });

  test('record types: the schema output with a schema, the type argument (or unknown) without', () => {
    const Order = v.object({ id: v.string(), total: v.pipe(v.string(), v.transform(Number)) });
    const response = new Response('');
    expectTypeOf(ndjsonRecords(response, Order)).toEqualTypeOf<
      AsyncGenerator<{ id: string; total: number }, void, undefined>
    >();
    expectTypeOf(ndjsonRecords<{ i: number }>(response)).toEqualTypeOf<
      AsyncGenerator<{ i: number }, void, undefined>
    >();
    expectTypeOf(ndjsonRecords(response)).toEqualTypeOf<AsyncGenerator<unknown, void, undefined>>();
  });

  test('a line that is not JSON is a ParseError naming the record', async () => {
    server.route('/broken', chunked(['{"id":1}\n<html>oops</html>\n']));
    const api = createClient({ baseUrl: `${server.url}/` });
    const iterator = ndjsonRecords(api.get('broken'));
    await expect(iterator.next()).resolves.toEqual({ done: false, value: { id: 1 } });
    const error = await iterator.next().catch((caught: unknown) => caught);
    expect(isParseError(error)).toBe(true);
    expect((error as Error).message).toMatch(/NDJSON record 1 .* is not valid JSON: "<html>oops<\/html>"/);
  });

  test('a line longer than maxRecordBytes is a ParseError, not unbounded memory', async () => {
    server.route('/endless-line', chunked(['{"a":"', 'x'.repeat(4096), 'x'.repeat(4096)]));
    const api = createClient({ baseUrl: `${server.url}/` });
    const error = await ndjsonRecords(api.get('endless-line'), undefined, { maxRecordBytes: 4096 })
      .next()
      .catch((caught: unknown) => caught);
    expect(isParseError(error)).toBe(true);
    expect((error as Error).message).toContain('longer than maxRecordBytes (4096)');
  });

  test('breaking out of the loop cancels the rest of the body', async () => {
    let closed = false;
    server.route('/stream', async (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      response.on('close', () => (closed = true));
      for (let i = 0; i < 1_000 && !closed; i++) {
        response.write(`{"i":${i}}\n`);
        await wait(5);
      }
      response.end();
    });
    const api = createClient({ baseUrl: `${server.url}/` });
    const seen = [];
    for await (const record of ndjsonRecords<{ i: number }>(api.get('stream'))) {
      seen.push(record.i);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([0, 1, 2]);
    for (let i = 0; i < 100 && !closed; i++) await wait(10);
    expect(closed).toBe(true);
  });
});

describe('memory', () => {
  // The 512 MiB figure each way is a bench measurement (npm run bench); this is the CI-sized proof that nothing buffers.
  const MIB = 1024 * 1024;
  const SIZE = 96 * MIB;
  let bench: BenchServer;
  beforeAll(async () => {
    bench = await startBenchServer();
  });
  afterAll(() => bench.close());

  /** Runs `work` while sampling RSS every 5 ms; returns the peak growth over the RSS before it started. */
  const peakGrowth = async (work: () => Promise<void>) => {
    const before = process.memoryUsage.rss();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
    try {
      await work();
    } finally {
      clearInterval(sampler);
    }
    return (Math.max(peak, process.memoryUsage.rss()) - before) / MIB;
  };

  test(`a ${SIZE / MIB} MiB upload and download keep RSS growth under 64 MiB, every byte counted`, {
    timeout: 60_000,
  }, async () => {
    const api = createClient({ baseUrl: `${bench.url}/` });
    const record = { note: 'x'.repeat(1000) };
    const count = Math.ceil(SIZE / (JSON.stringify(record).length + 1));
    let uploaded: { bytes: number; lines: number } | undefined;
    const up = await peakGrowth(async () => {
      uploaded = await api
        .post('upload', { ...ndjsonBody(generate(count, () => record)), timeout: false })
        .json<{ bytes: number; lines: number }>();
    });
    expect(uploaded).toEqual({ bytes: count * (JSON.stringify(record).length + 1), lines: count });
    let records = 0;
    let last = -1;
    const down = await peakGrowth(async () => {
      for await (const item of ndjsonRecords<{ i: number }>(api.get(`download?mb=${SIZE / MIB}`))) {
        records += 1;
        last = item.i;
      }
    });
    expect(records).toBeGreaterThan(SIZE / 128);
    expect(last).toBe(records - 1);
    expect(up).toBeLessThan(64);
    expect(down).toBeLessThan(64);
  });
});
