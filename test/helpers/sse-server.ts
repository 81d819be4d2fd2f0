/**
 * Server-Sent Events routes for the suite's real server (test/helpers/server.ts):
 * a cut-up wire-format stream, an OpenAI-style POST chat, a feed that drops and
 * resumes, streams that misbehave, and an endless one that records when the client
 * hung up. The node tests and the conformance server register the same routes.
 */
import type { ServerResponse } from 'node:http';
import { formatEvent, type ScriptedEvent } from '../../src/testing/event-stream.ts';
import { wait, type TestServer } from './server.ts';
import { CHAT_TOKENS, CUT_BYTES, WIRE_TEXT, chatChunk } from './sse-wire.ts';

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

/** Writes `text` in pieces of `bytes`, `pauseMs` apart, so the client reads it in many chunks. */
async function writeCut(response: ServerResponse, text: string, bytes = CUT_BYTES, pauseMs = 2): Promise<void> {
  const buffer = Buffer.from(text);
  for (let at = 0; at < buffer.length && !response.destroyed; at += bytes) {
    response.write(buffer.subarray(at, at + bytes));
    await wait(pauseMs);
  }
}

const events = (list: Array<ScriptedEvent | string>) => list.map(formatEvent).join('');

/** When the client hung up on each route that waits for it (ms since the server started; undefined: still open). */
export type HangUps = Map<string, number>;

/**
 * Registers the SSE routes under `/sse/...` and returns what they observed.
 * @example
 * const server = await startServer();
 * const { hangUps, drops } = registerSseRoutes(server);
 */
export function registerSseRoutes(server: TestServer): { hangUps: HangUps; drops: number[] } {
  const hangUps: HangUps = new Map();
  /** When the resume route dropped its first connection (performance.now()). */
  const drops: number[] = [];
  const started = performance.now();
  const recordHangUp = (name: string, response: ServerResponse) =>
    response.on('close', () => hangUps.set(name, performance.now() - started));

  server.route('/sse/wire', async (_request, response) => {
    response.writeHead(200, SSE_HEADERS);
    await writeCut(response, WIRE_TEXT);
    response.end();
  });
  // POST chat: the tokens cut across chunks, then [DONE]; the connection stays open after it (the client must stop at [DONE]).
  server.route('/sse/chat', async (request, response) => {
    if (request.method !== 'POST') return void response.writeHead(405).end();
    response.writeHead(200, SSE_HEADERS);
    recordHangUp('chat', response);
    await writeCut(
      response,
      events([...CHAT_TOKENS.map((token, n) => ({ data: chatChunk(n, token) })), '[DONE]']),
      7,
      1,
    );
  });
  // Ten events; event 7 has the wrong shape (n is a string).
  server.route('/sse/mismatch', (_request, response) => {
    response.writeHead(200, SSE_HEADERS);
    response.end(events(Array.from({ length: 10 }, (_, n) => ({ id: String(n), data: { n: n === 7 ? 'seven' : n } }))));
  });
  server.route('/sse/bad-json', (_request, response) => {
    response.writeHead(200, SSE_HEADERS);
    response.end(
      events([
        { id: 'a', data: { ok: true } },
        { id: 'b', data: '{"token": "sk-live-1234567890", oops' },
      ]),
    );
  });
  server.route('/sse/refused', (_request, response) => {
    response
      .writeHead(400, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: { code: 'context_length_exceeded', message: 'too long' } }));
  });
  server.route('/sse/not-sse', (_request, response) => {
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: 'stream: true was not set' }));
  });
  // A feed: connection 0 sends retry 250 and ids 1-2 then drops; connection 1 (resumed) sends 3-4 and ends; then 204.
  server.route('/sse/resume', async (_request, response, n) => {
    if (n >= 2) return void response.writeHead(204).end();
    response.writeHead(200, SSE_HEADERS);
    const ids = n === 0 ? ['1', '2'] : ['3', '4'];
    response.write(`${n === 0 ? 'retry: 250\n' : ''}${events(ids.map((id) => ({ id, data: { n: Number(id) } })))}`);
    await wait(20);
    if (n > 0) return void response.end();
    drops.push(performance.now() - started);
    response.socket?.destroy();
  });
  // Answers with an empty event stream every time (a feed that keeps ending): only the reconnect limit stops the client.
  server.route('/sse/empty', (_request, response) => {
    response.writeHead(200, SSE_HEADERS);
    response.end('retry: 20\n: nothing to say\n\n');
  });
  // One event, then silence with the connection open: an idle stall.
  server.route('/sse/stall', (_request, response, n) => {
    response.writeHead(200, SSE_HEADERS);
    response.write(events([{ id: `s${n}`, data: { n } }]));
    recordHangUp(`stall-${n}`, response);
  });
  // Like /sse/stall, but only the first connection gets its event: a resumed connection stalls at once.
  server.route('/sse/stall-once', (_request, response, n) => {
    response.writeHead(200, SSE_HEADERS);
    response.write(n === 0 ? events([{ id: 'first', data: { n } }]) : ': resumed, then silence\n\n');
  });
  // A POST stream that drops after two chunks.
  server.route('/sse/chat-drop', async (_request, response) => {
    response.writeHead(200, SSE_HEADERS);
    response.write(events(CHAT_TOKENS.slice(0, 2).map((token, n) => ({ data: chatChunk(n, token) }))));
    await wait(20);
    response.socket?.destroy();
  });
  // Eight events 40 ms apart, then the end: longer than a short totalTimeout.
  server.route('/sse/slow', async (_request, response) => {
    response.writeHead(200, SSE_HEADERS);
    for (let n = 0; n < 8 && !response.destroyed; n++) {
      await wait(40);
      response.write(formatEvent({ id: String(n), data: n }));
    }
    response.end();
  });
  // An event every 10 ms until the client hangs up.
  server.route('/sse/endless', (_request, response) => {
    response.writeHead(200, SSE_HEADERS);
    let n = 0;
    const timer = setInterval(() => response.write(formatEvent({ id: String(n), data: { n: n++ } })), 10);
    response.on('close', () => clearInterval(timer));
    recordHangUp('endless', response);
  });
  server.route('/sse/__hangups', (_request, response) => {
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ ...Object.fromEntries(hangUps), now: performance.now() - started }));
  });
  return { hangUps, drops };
}
