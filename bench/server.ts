/**
 * The bench's loopback server, run as its own process so it does not share
 * the client's event loop. Prints its port on stdout.
 * Routes: POST /json (reply a small JSON), POST /upload (count bytes, never
 * buffer), GET /download?mb=N&bytes=B (N MiB of NDJSON records of about B bytes, default 100,
 * written with backpressure).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pump } from './pump.ts';

const REPLY = JSON.stringify({ id: 'ord_1', total: 20, items: [{ sku: 'A1', quantity: 2 }] });
/** One NDJSON record of about `bytes` bytes; `i` makes every line distinct. */
const record = (i: number, note: string) => `{"i":${i},"sku":"A1","quantity":2,"note":"${note}"}\n`;

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  if (url.pathname === '/download') {
    const total = Number(url.searchParams.get('mb') ?? 1) * 1024 * 1024;
    const note = 'x'.repeat(Math.max(0, Number(url.searchParams.get('bytes') ?? 100) - 40));
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    let i = 0;
    pump(response, total, () => {
      let chunk = '';
      while (chunk.length < 64 * 1024) chunk += record(i++, note);
      return chunk;
    });
    return;
  }
  let bytes = 0;
  let lines = 0;
  request.on('data', (chunk: Buffer) => {
    bytes += chunk.byteLength;
    if (url.pathname === '/upload') for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
  });
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(url.pathname === '/upload' ? JSON.stringify({ bytes, lines }) : REPLY);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
