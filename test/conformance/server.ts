/**
 * Node side of the conformance suite: the real test server (test/helpers/server.ts)
 * with the routes the cases call, in CORS mode so Chromium can call it too.
 * One server per runtime run: sequence routes count requests from zero.
 */
import { modes, startServer, type Handler, type TestServer } from '../helpers/server.ts';

/** Path of the route that tells a case what the server received on another path. */
export const RECEIVED_PATH = '/__received';

/** `status` on the first request, then echoes (a retried upload, a refused token). */
const failOnceThenEcho =
  (status: number, body: unknown = { status }): Handler =>
  (request, response, n, raw) =>
    (n === 0 ? modes.json(status, body) : modes.echo(201))(request, response, n, raw);

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
  const close = server.close;
  server.close = async () => {
    await Promise.all([other.close(), close()]);
  };
  server.route('/__other', modes.json(200, { url: other.url }));
  server.route('/auth-echo', modes.echo(200));
  server.route('/refused-once', failOnceThenEcho(401, { error: 'invalid_token' }));
  server.route('/redirect-away', modes.redirect(`${other.url}/landing`, 307));
  server.route('/loop', modes.redirect('/loop', 302));
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
  server.route('/order', modes.json(200, { id: 'o-1', total: '12.50', items: [{ sku: 'A1', qty: 2 }] }));
  server.route(RECEIVED_PATH, (request, response) => {
    const path = new URL(request.url, server.url).searchParams.get('path') ?? '';
    const body = JSON.stringify(server.requestsTo(path));
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  return server;
}
