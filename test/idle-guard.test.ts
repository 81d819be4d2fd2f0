/**
 * The idle guard reads the body methods straight from the source and makes the
 * guarded `.body` stream only on demand: every way of reading an awaited
 * Response must still behave like a Response and still time out when stalled.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createClient, TimeoutError } from '../src/index.ts';
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
});
afterAll(() => server.close());

const api = () => createClient({ baseUrl: server.url, retry: false, idleTimeout: 1_000 });

describe('idle guard on an awaited Response', () => {
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

  test('a stalled body fails with the idle TimeoutError through text(), .body and a clone', async () => {
    const client = createClient({ baseUrl: server.url, retry: false, idleTimeout: 150 });
    const viaText = await elapsed(async () => (await client.get('stall')).text());
    expect(viaText.error).toBeInstanceOf(TimeoutError);
    expect((viaText.error as { timeout?: string }).timeout).toBe('idle');
    expect(viaText.ms).toBeGreaterThanOrEqual(140);

    const viaBody = await elapsed(async () => {
      const reader = (await client.get('stall')).body!.getReader();
      for (;;) if ((await reader.read()).done) break;
    });
    expect((viaBody.error as { timeout?: string }).timeout).toBe('idle');

    const viaClone = await elapsed(async () => (await client.get('stall')).clone().text());
    expect((viaClone.error as { timeout?: string }).timeout).toBe('idle');
  });
});
