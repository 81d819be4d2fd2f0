/**
 * The demo's API: a small shop on a real node:http server (127.0.0.1, random
 * port; the test suite's server helper) with customers, product search,
 * invoices, four kinds of auth, a flaky inventory, a rate-limited feed and a
 * checkout behind an Idempotency-Key layer (its first answer is lost on the way).
 * Every request is logged as a server would log it, credentials hidden.
 */
import type { ServerResponse } from 'node:http';
import { idempotentCreate, type Order } from '../test/helpers/idempotency.ts';
import { startServer, type Handler, type ReceivedRequest, type TestServer } from '../test/helpers/server.ts';

export const CREDENTIALS = {
  bearer: 'demo-bearer-7f3a9c2e',
  apiKey: 'demo-key-b81d44',
  basic: { username: 'renée', password: 'pässwörd✓' },
  client: { clientId: 'demo-shop', clientSecret: 'demo-client-secret-e5c0' },
} as const;

const reply = (response: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
  response.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
  response.end(body === undefined ? undefined : JSON.stringify(body));
};

const json = (request: ReceivedRequest): Record<string, unknown> =>
  request.body ? (JSON.parse(request.body) as Record<string, unknown>) : {};
const header = (request: ReceivedRequest, name: string) => String(request.headers[name] ?? '');

/** What the server prints for a request: method, URL and the headers that matter, credentials hidden. */
function logLine(request: ReceivedRequest): string {
  const parts = [`${request.method} ${request.url.replace(/(api_key|token)=[^&]+/g, '$1=[REDACTED]')}`];
  const key = header(request, 'idempotency-key');
  if (key) parts.push(`idempotency-key=${key.slice(0, 8)}…`);
  const authorization = header(request, 'authorization');
  if (authorization) parts.push(`authorization=${authorization.split(' ')[0]} [REDACTED]`);
  if (header(request, 'x-api-key')) parts.push('x-api-key=[REDACTED]');
  return parts.join('  ');
}

/** Answers 401 unless `valid` approves the request. */
const guarded =
  (valid: (request: ReceivedRequest) => boolean, then: Handler): Handler =>
  (request, response, n, raw) =>
    valid(request)
      ? then(request, response, n, raw)
      : reply(response, 401, { error: 'unauthorized' }, { 'www-authenticate': 'Bearer' });

const utf8Basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;

/**
 * Starts the shop; `log` receives one line per request received.
 * @example
 * const api = await startDemoApi((line) => console.log(line));
 * await api.close();
 */
export async function startDemoApi(log: (line: string) => void): Promise<TestServer & { checkouts: Order[] }> {
  const server = await startServer();
  const route = (path: string, handler: Handler) =>
    server.route(path, (request, response, n, raw) => {
      log(logLine(request));
      return handler(request, response, n, raw);
    });
  let customers = 0;
  let tokens = 0;

  route('/v1/customers', (request, response) =>
    reply(response, 201, { id: `cus_${(customers += 1)}`, ...json(request), createdAt: '2026-11-25T00:00:00Z' }),
  );
  route('/v1/customers/7', (_request, response) =>
    reply(response, 200, { id: 7, name: 'Ada Lovelace', email: 'not-an-email', tier: 'platinum' }),
  );
  route('/v1/customers/404', (_request, response) =>
    reply(response, 404, { error: 'not_found', message: 'no customer 404' }),
  );

  route('/v1/products/search', (request, response) => {
    const query = Object.fromEntries(new URL(request.url, server.url).searchParams);
    const filter = json(request) as { category?: string; maxPrice?: number };
    const all = [
      { sku: 'KB-1', name: 'Mechanical keyboard', category: 'keyboards', price: 129 },
      { sku: 'KB-2', name: 'Travel keyboard', category: 'keyboards', price: 59 },
      { sku: 'MS-1', name: 'Vertical mouse', category: 'mice', price: 49 },
    ];
    const hits = all.filter((item) => item.category === filter.category && item.price <= (filter.maxPrice ?? Infinity));
    reply(response, 200, {
      query,
      filter,
      hits: query.sort === 'price' ? hits.sort((a, b) => a.price - b.price) : hits,
    });
  });

  route('/v1/invoices', (request, response) => {
    const invoice = json(request) as {
      customer: unknown;
      lines: Array<{ sku: string; quantity: number; unitPrice: number }>;
    };
    const lines = invoice.lines.map((line) => ({ ...line, amount: line.quantity * line.unitPrice }));
    reply(response, 201, {
      id: 'inv_2026_0042',
      customer: invoice.customer,
      lines,
      total: lines.reduce((sum, line) => sum + line.amount, 0),
      currency: 'EUR',
    });
  });

  route(
    '/v1/me',
    guarded(
      (request) => header(request, 'authorization') === `Bearer ${CREDENTIALS.bearer}`,
      (_request, response) => reply(response, 200, { id: 1, name: 'Demo user' }),
    ),
  );
  route(
    '/v1/reports',
    guarded(
      (request) => header(request, 'x-api-key') === CREDENTIALS.apiKey,
      (_request, response) => reply(response, 200, { revenue: 12_400, currency: 'EUR' }),
    ),
  );
  route(
    '/v1/registry',
    guarded(
      (request) =>
        header(request, 'authorization') === utf8Basic(CREDENTIALS.basic.username, CREDENTIALS.basic.password),
      (_request, response) => reply(response, 200, { packages: ['sturdy'] }),
    ),
  );

  // OAuth client credentials: the first token "expires" early, so the client refreshes once.
  route('/oauth/token', (request, response) => {
    const form = new URLSearchParams(request.body);
    const client = utf8Basic(
      encodeURIComponent(CREDENTIALS.client.clientId),
      encodeURIComponent(CREDENTIALS.client.clientSecret),
    );
    if (header(request, 'authorization') !== client || form.get('grant_type') !== 'client_credentials')
      return reply(response, 401, { error: 'invalid_client' });
    reply(response, 200, {
      access_token: `demo-access-token-${(tokens += 1)}`,
      token_type: 'Bearer',
      expires_in: 3600,
      scope: form.get('scope'),
    });
  });
  route('/v1/orders', (request, response) =>
    header(request, 'authorization') === `Bearer demo-access-token-${Math.max(tokens, 2)}`
      ? reply(response, 200, [{ id: 'ord_1', total: 42 }])
      : reply(
          response,
          401,
          { error: 'invalid_token', error_description: 'token expired' },
          { 'www-authenticate': 'Bearer error="invalid_token"' },
        ),
  );

  route('/v1/inventory', (_request, response, n) =>
    n < 2 ? reply(response, 503, { error: 'warming up' }) : reply(response, 200, { 'KB-1': 12, 'MS-1': 3 }),
  );
  route('/v1/feed', (_request, response, n) =>
    n === 0
      ? reply(response, 429, { error: 'slow down' }, { 'retry-after': '1' })
      : reply(response, 200, { items: ['restocked KB-1'] }),
  );
  // An AI-style chat stream: tokens as Server-Sent Events, ending in [DONE].
  route('/v1/chat', (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    const tokens = ['Your', ' order', ' ships', ' today.'];
    tokens.forEach((token, index) =>
      setTimeout(
        () => response.write(`id: ${index + 1}\ndata: ${JSON.stringify({ delta: token })}\n\n`),
        40 * (index + 1),
      ),
    );
    setTimeout(() => response.end('data: [DONE]\n\n'), 40 * (tokens.length + 1));
  });
  // A catalog that may be cached for a minute and revalidated by its ETag.
  route('/v1/catalog', (request, response) => {
    const headers = { 'content-type': 'application/json', 'cache-control': 'max-age=60', etag: '"catalog-v1"' };
    if (header(request, 'if-none-match') === '"catalog-v1"') return void response.writeHead(304, headers).end();
    response.writeHead(200, headers).end(JSON.stringify({ products: ['KB-1', 'MS-1'] }));
  });
  // Orders, two to a page, linked by RFC 8288 Link headers.
  route('/v1/order-history', (request, response) => {
    const page = Number(new URL(request.url, 'http://x').searchParams.get('page') ?? '1');
    const all = ['ord_1', 'ord_2', 'ord_3', 'ord_4', 'ord_5'];
    const link = page * 2 < all.length ? { link: `</v1/order-history?page=${page + 1}>; rel="next"` } : {};
    response
      .writeHead(200, { 'content-type': 'application/json', ...link })
      .end(JSON.stringify(all.slice((page - 1) * 2, page * 2)));
  });

  // Checkout: the first order is committed, then the connection drops (the client never hears back).
  const checkout = idempotentCreate({ afterCommit: (order) => (order.id === 1 ? 'drop' : 'answer') });
  route('/v1/checkout', checkout.handler);

  return Object.assign(server, { checkouts: checkout.orders });
}
