/**
 * HTTP/2: the working recipe (the global fetch with an undici `dispatcher` that allows h2, passed
 * as a client option) against a real node:http2 server over TLS. The certificate in test/fixtures
 * is a self-signed one for 127.0.0.1, made for this test only.
 */
import { readFileSync } from 'node:fs';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { bearer, createClient } from '../src/index.ts';

const cert = readFileSync(new URL('./fixtures/loopback-cert.pem', import.meta.url));
const key = readFileSync(new URL('./fixtures/loopback-key.pem', import.meta.url));

type Seen = { version: string; path: string; authorization: string | undefined; body: string };
let server: Http2SecureServer;
let origin: string;
let seen: Seen[];

beforeEach(async () => {
  seen = [];
  // HTTP/2 only: an HTTP/1.1 client cannot get an answer here.
  server = createSecureServer({ key, cert, allowHTTP1: false }, async (request, response) => {
    let body = '';
    for await (const chunk of request) body += String(chunk);
    seen.push({ version: request.httpVersion, path: request.url, authorization: request.headers.authorization, body });
    const status = request.url === '/flaky' && seen.filter((s) => s.path === '/flaky').length === 1 ? 503 : 200;
    response
      .writeHead(status, { 'content-type': 'application/json' })
      .end(JSON.stringify({ version: request.httpVersion }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('dispatcher: new Agent({ allowH2: true }) sends every attempt over HTTP/2, credentials and retries included', async () => {
  const dispatcher = new Agent({ allowH2: true, connect: { ca: cert } });
  try {
    const api = createClient({
      baseUrl: origin,
      auth: bearer('h2-token'),
      retry: { delay: () => 0, jitter: false },
      dispatcher,
    } as Parameters<typeof createClient>[0]);
    expect(await api.get('orders').json()).toEqual({ version: '2.0' });
    expect(await api.post('flaky', { json: { sku: 'A1' } }).json()).toEqual({ version: '2.0' });
    expect(seen.map((s) => [s.version, s.path, s.authorization])).toEqual([
      ['2.0', '/orders', 'Bearer h2-token'],
      ['2.0', '/flaky', 'Bearer h2-token'],
      ['2.0', '/flaky', 'Bearer h2-token'],
    ]);
    // The repeat re-sent the JSON body.
    expect(seen[2]!.body).toBe('{"sku":"A1"}');
  } finally {
    await dispatcher.close();
  }
});

test("the typed form of the recipe: a fetch option that hands ky's init to the global fetch with the dispatcher", async () => {
  const dispatcher = new Agent({ allowH2: true, connect: { ca: cert } });
  try {
    const api = createClient({
      baseUrl: origin,
      fetch: (input, init) => fetch(input, { ...init, dispatcher } as RequestInit),
    });
    expect(await api.get('a').json()).toEqual({ version: '2.0' });
    expect(seen.map((s) => s.version)).toEqual(['2.0']);
  } finally {
    await dispatcher.close();
  }
});
