import { afterAll, beforeAll, expect, test } from 'vitest';
import { createClient } from '../src/index.ts';
import { modes, startServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  server.route('/echo', modes.echo());
  server.route('/latin1', (_request, response) => {
    response.writeHead(500, { 'content-type': 'text/plain; charset=iso-8859-1' });
    response.end(Buffer.from([0x63, 0x61, 0x66, 0xe9])); // "café" in Latin-1
  });
});
afterAll(() => server.close());

const api = createClient({ retry: false });

test('emoji, CJK and accents round-trip byte-exact as UTF-8', async () => {
  const value = { text: 'Crème brûlée 🍮 — 東京 / 서울 / Ελληνικά', family: '👨‍👩‍👧‍👦', combining: 'e\u0301' };
  const data = await api.post(`${server.url}/echo`, { json: value }).json<{ body: typeof value }>();
  expect(data.body).toEqual(value);
  const raw = server.requestsTo('/echo').at(-1)!;
  expect(raw.body).toBe(JSON.stringify(value));
  expect(raw.headers['content-length']).toBe(String(Buffer.byteLength(JSON.stringify(value), 'utf8')));
});

test('lone surrogates are sent as JSON escapes and come back unchanged', async () => {
  const value = { lone: 'a\uD800b', trailing: '\uDFFF' };
  const data = await api.post(`${server.url}/echo`, { json: value }).json<{ body: typeof value }>();
  const raw = server.requestsTo('/echo').at(-1)!;
  expect(raw.body).toBe('{"lone":"a\\ud800b","trailing":"\\udfff"}');
  expect(data.body).toEqual(value);
});

test('error bodies are decoded with their declared charset', async () => {
  const error = await api.get(`${server.url}/latin1`).catch((e: { data: unknown }) => e);
  expect((error as { data: unknown }).data).toBe('café');
});
