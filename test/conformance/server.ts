/**
 * Node side of the conformance suite: the real test server (test/helpers/server.ts)
 * with the routes the cases call, in CORS mode so Chromium can call it too.
 * One server per runtime run: sequence routes count requests from zero.
 */
import { modes, startServer, type Handler, type TestServer } from '../helpers/server.ts';

/** Path of the route that tells a case what the server received on another path. */
export const RECEIVED_PATH = '/__received';

/** 503 on the first request, then echoes (the retried streaming upload). */
const failOnceThenEcho: Handler = (request, response, n, raw) => (n === 0 ? modes.json(503, { status: 503 }) : modes.echo(201))(request, response, n, raw);

/**
 * Starts a server with every conformance route.
 * @example
 * const server = await startConformanceServer();
 * process.env.STURDY_CONFORMANCE_URL = server.url;
 */
export async function startConformanceServer(): Promise<TestServer> {
  const server = await startServer({ cors: true });
  server.route('/echo', modes.echo(201));
  server.route('/never', modes.echo(200));
  server.route('/retry-key', modes.sequence([503, 503, { status: 201, body: { created: true } }]));
  server.route('/retry-after', modes.retryAfter(503, 1));
  server.route('/busy', modes.retryAfter(503, 30));
  server.route('/hang', modes.hang());
  server.route('/html', modes.html());
  server.route('/missing', modes.json(404, { error: 'not_found', detail: 'no such order' }));
  server.route('/stall', modes.stallBody());
  server.route('/upload', failOnceThenEcho);
  server.route('/order', modes.json(200, { id: 'o-1', total: '12.50', items: [{ sku: 'A1', qty: 2 }] }));
  server.route(RECEIVED_PATH, (request, response) => {
    const path = new URL(request.url, server.url).searchParams.get('path') ?? '';
    const body = JSON.stringify(server.requestsTo(path));
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  return server;
}
