/**
 * A call's body read every way behaves like a Response (the core no longer wraps bodies: only an error body
 * and a `.json()` body that is not JSON are bounded), and what bounds a stalled body: ky's `timeout` and
 * `totalTimeout` a shortcut's read, the idle guard a stream sturdy reads (sturdy/ndjson, sturdy/sse), the
 * caller's signal an awaited Response the caller reads itself.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createClient, TimeoutError } from '../src/index.ts';
import { ndjsonRecords } from '../src/ndjson/index.ts';
import { elapsed, modes, startServer, wait, type TestServer } from './helpers/server.ts';

let server: TestServer;
const trickled = '[1,2,3,"\u00e9\u20ac"]';
beforeAll(async () => {
  server = await startServer();
  server.route('/stall', modes.stallBody());
  server.route('/trickle', async (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    // Cut inside the multi-byte characters, so decoding must join the chunks first.
    const bytes = Buffer.from(trickled);
    for (let at = 0; at < bytes.length; at += 3) {
      response.write(bytes.subarray(at, at + 3));
      await wait(20);
    }
    response.end();
  });
  server.route('/records', async (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    for (const record of [1, 2, 3]) {
      response.write(`${record}\n`);
      await wait(50);
    }
    response.end();
  });
});
afterAll(() => server.close());

const api = () => createClient({ baseUrl: server.url, retry: false, idleTimeout: 1_000 });

describe("reading a call's body", () => {
  test('text(), json(), arrayBuffer(), bytes() and blob() give the whole body, joined across chunks', async () => {
    const client = api();
    expect(await (await client.get('trickle')).text()).toBe(trickled);
    expect(await (await client.get('trickle')).json()).toEqual([1, 2, 3, '\u00e9\u20ac']);
    expect(new TextDecoder().decode(await (await client.get('trickle')).arrayBuffer())).toBe(trickled);
    expect(new TextDecoder().decode(await (await client.get('trickle')).bytes())).toBe(trickled);
    const blob = await (await client.get('trickle')).blob();
    expect(blob.type).toMatch(/^application\/json/);
    expect(await blob.text()).toBe(trickled);
  });

  test('a body read once is used: bodyUsed turns true and a second read rejects with TypeError', async () => {
    const response = await api().get('trickle');
    expect(response.bodyUsed).toBe(false);
    await response.text();
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
  });

  test('clone(): both copies read the whole body', async () => {
    const response = await api().get('trickle');
    const copy = response.clone();
    expect(copy.status).toBe(200);
    expect(copy.headers.get('content-type')).toMatch(/^application\/json/);
    const [a, b] = await Promise.all([response.text(), copy.text()]);
    expect(a).toBe(trickled);
    expect(b).toBe(trickled);
  });

  test('.body streams the whole body, and text() after taking .body reads that stream', async () => {
    const client = api();
    const streamed = await new Response((await client.get('trickle')).body).text();
    expect(streamed).toBe(trickled);
    const response = await client.get('trickle');
    expect(response.body).toBeInstanceOf(ReadableStream);
    expect(await response.text()).toBe(trickled);
  });

  test('a stalled body: a shortcut fails at timeout, a stream sturdy reads at idleTimeout (also from the awaited Response)', async () => {
    const client = createClient({ baseUrl: server.url, retry: false, timeout: 600, idleTimeout: 150 });
    const viaText = await elapsed(() => client.get('stall').text());
    expect(viaText.error).toBeInstanceOf(TimeoutError);
    expect((viaText.error as { timeout?: string }).timeout).toBe('attempt');
    expect(viaText.ms).toBeGreaterThanOrEqual(580);

    const drain = async (source: Response | Promise<Response>) => {
      for await (const _record of ndjsonRecords(source));
    };
    const viaStream = await elapsed(() => drain(client.get('stall')));
    const viaAwaited = await elapsed(async () => drain(await client.get('stall')));
    for (const { error, ms } of [viaStream, viaAwaited]) {
      expect((error as { timeout?: string }).timeout).toBe('idle');
      expect(ms).toBeGreaterThanOrEqual(140);
      expect(ms).toBeLessThan(580);
    }
  });

  test('an idleTimeout longer than a timer holds (over 2^31-1 ms) is no idle limit, not a timer firing at once', async () => {
    const client = createClient({ baseUrl: server.url, retry: false, totalTimeout: false, idleTimeout: 2 ** 31 });
    const records: unknown[] = [];
    for await (const record of ndjsonRecords(client.get('records'))) records.push(record);
    expect(records).toEqual([1, 2, 3]);
  });

  test('a stalled body the caller reads itself (text(), .body, a clone) waits for the server until its signal ends it', async () => {
    const client = createClient({ baseUrl: server.url, retry: false, idleTimeout: 150 });
    const reads: Array<(response: Response) => Promise<unknown>> = [
      (response) => response.text(),
      async (response) => {
        const reader = response.body!.getReader();
        for (;;) if ((await reader.read()).done) break;
      },
      (response) => response.clone().text(),
    ];
    for (const read of reads) {
      const controller = new AbortController();
      const reading = read(await client.get('stall', { signal: controller.signal }));
      reading.catch(() => {});
      // Three idle limits later the read still waits.
      const state = await Promise.race([
        reading.then(
          () => 'read',
          () => 'failed',
        ),
        wait(450).then(() => 'waiting'),
      ]);
      expect(state).toBe('waiting');
      controller.abort(new Error('user left'));
      await expect(reading).rejects.toThrow('user left');
    }
  });
});
