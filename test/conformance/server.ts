/**
 * Node side of the conformance suite: the real test server (test/helpers/server.ts)
 * with the routes the cases call, in CORS mode so Chromium can call it too.
 * One server per runtime run: sequence routes count requests from zero.
 */
import { idempotentCreate } from '../helpers/idempotency.ts';
import { modes, startServer, wait, type Handler, type TestServer } from '../helpers/server.ts';
import { registerSseRoutes } from '../helpers/sse-server.ts';
import { NDJSON_RECORDS } from './context.ts';

/** Path of the route that tells a case what the server received on another path. */
export const RECEIVED_PATH = '/__received';

/** `status` on the first request, then echoes (a retried upload, a refused token). */
const failOnceThenEcho =
  (status: number, body: unknown = { status }): Handler =>
  (request, response, n, raw) =>
    (n === 0 ? modes.json(status, body) : modes.echo(201))(request, response, n, raw);

/** The client the token endpoint knows; the secret has characters form encoding must carry. */
export const OAUTH_CLIENT = { id: 'shop', secret: 's3cr3t +/é&=' };

/**
 * An RFC 6749 section 4.4 token endpoint: Basic client authentication (id and secret
 * form-encoded, then base64), `grant_type=client_credentials`; a token, or `invalid_client`.
 */
const tokenEndpoint: Handler = (request, response) => {
  const form = new URLSearchParams(request.body);
  const basic = /^Basic (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
  const [id, secret] = Buffer.from(basic ?? '', 'base64')
    .toString('utf8')
    .split(':')
    .map((part) => decodeURIComponent(part.replace(/\+/g, ' ')));
  const reply = (status: number, body: unknown): void => {
    response
      .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify(body));
  };
  if (form.get('grant_type') !== 'client_credentials') return reply(400, { error: 'unsupported_grant_type' });
  if (id !== OAUTH_CLIENT.id || secret !== OAUTH_CLIENT.secret)
    return reply(401, { error: 'invalid_client', error_description: 'unknown client or wrong secret' });
  return reply(200, { access_token: `at-${form.get('scope') ?? 'none'}`, token_type: 'Bearer', expires_in: 3600 });
};

/**
 * Starts a server with every conformance route.
 * @example
 * const server = await startConformanceServer();
 * process.env.STURDY_CONFORMANCE_URL = server.url;
 */
export async function startConformanceServer(): Promise<TestServer> {
  const server = await startServer({ cors: true });
  // Another origin (another port): credentials must never reach it.
  const other = await startServer({ cors: true });
  other.route('/landing', modes.echo(200));
  other.route('/token-landing', modes.echo(200));
  other.route('/__landed', (_request, response) => {
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ count: other.requestsTo('/token-landing').length }));
  });
  const close = server.close;
  server.close = async () => {
    await Promise.all([other.close(), close()]);
  };
  server.route('/__other', modes.json(200, { url: other.url }));
  server.route('/auth-echo', modes.echo(200));
  server.route('/oauth/token', tokenEndpoint);
  server.route('/oauth/moved', modes.redirect(`${other.url}/token-landing`, 307));
  server.route('/refused-once', failOnceThenEcho(401, { error: 'invalid_token' }));
  server.route('/redirect-away', modes.redirect(`${other.url}/landing`, 307));
  server.route('/loop', modes.redirect('/loop', 302));
  server.route('/evidence-redirect', modes.redirect('/auth-echo', 302));
  server.route('/echo', modes.echo(201));
  server.route('/never', modes.echo(200));
  server.route('/retry-key', modes.sequence([503, 503, { status: 201, body: { created: true } }]));
  server.route('/retry-after', modes.retryAfter(503, 1));
  server.route('/busy', modes.retryAfter(503, 30));
  server.route('/hang', modes.hang());
  server.route('/html', modes.html());
  server.route('/missing', modes.json(404, { error: 'not_found', detail: 'no such order' }));
  server.route('/stall', modes.stallBody());
  server.route('/upload', failOnceThenEcho(503));
  // What a typed endpoint must send for id '../admin?x=1#f': one percent-encoded segment.
  server.route('/items/..%2Fadmin%3Fx%3D1%23f', modes.echo(200));
  // sturdy/openapi: a parameter that must stay one segment, a declared 404, a POST that succeeds on its retry, a drop.
  server.route('/openapi/items/..%2Fadmin%3Fx%3D1%23f', modes.echo(200));
  server.route('/openapi/items/missing', modes.json(404, { error: 'not_found', detail: 'no such item' }));
  server.route('/openapi/orders', modes.sequence([503, { status: 201, body: { created: true } }]));
  server.route('/openapi/items/dropped', modes.drop());
  server.route('/order', modes.json(200, { id: 'o-1', total: '12.50', items: [{ sku: 'A1', qty: 2 }] }));
  // NDJSON: records cut at arbitrary bytes (inside multi-byte characters too), 10 ms apart.
  server.route('/ndjson', async (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const bytes = Buffer.from(NDJSON_RECORDS.map((record) => `${JSON.stringify(record)}\n`).join(''));
    for (let at = 0; at < bytes.length; at += 7) {
      response.write(bytes.subarray(at, at + 7));
      await wait(10);
    }
    response.end();
  });
  // An endless NDJSON stream; `/__endless-closed` says whether the client hung up.
  let endlessClosed = false;
  server.route('/ndjson-endless', (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    let n = 0;
    const timer = setInterval(() => response.write(`{"n":${n++}}\n`), 20);
    response.on('close', () => {
      clearInterval(timer);
      endlessClosed = true;
    });
  });
  server.route('/__endless-closed', (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ closed: endlessClosed }));
  });
  server.route('/ndjson-upload', failOnceThenEcho(503));
  // Holds each request 100 ms and tracks the most in flight at once (`/__max-in-flight`).
  let inFlight = 0;
  let maxInFlight = 0;
  server.route('/slow-track', async (request, response, n, raw) => {
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    await wait(100);
    inFlight -= 1;
    modes.echo(200)(request, response, n, raw);
  });
  server.route('/__max-in-flight', (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ max: maxInFlight }));
  });
  // A batch endpoint: answers each id of the JSON array in order, null for unknown ones.
  server.route('/users/batch', (request, response) => {
    const ids = JSON.parse(request.body) as string[];
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify(ids.map((id) => (id.startsWith('u') ? { id } : null))));
  });
  // sturdy/outbox: a create endpoint behind a real Idempotency-Key layer; `slow` is in progress 800 ms.
  // `/outbox/__orders` lists what each created: every key at most once.
  const outboxEndpoints = [idempotentCreate(), idempotentCreate({ processMs: 800 })];
  server.route('/outbox/orders', outboxEndpoints[0]!.handler);
  server.route('/outbox/slow', outboxEndpoints[1]!.handler);
  server.route('/outbox/__orders', (_request, response) => {
    const orders = outboxEndpoints.flatMap((endpoint) => endpoint.orders);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(orders));
  });
  server.route(RECEIVED_PATH, (request, response) => {
    const path = new URL(request.url, server.url).searchParams.get('path') ?? '';
    const body = JSON.stringify(server.requestsTo(path));
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  registerSseRoutes(server);
  return server;
}
