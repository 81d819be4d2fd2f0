/**
 * `npm run demo`: a walk through sturdy against a real local API server.
 * Each step prints what the client did (from onEvent) and what the server
 * received, then the outcome. In your app, import from 'sturdy'.
 */
import { styleText } from 'node:util';
import { createStorage } from 'unstorage';
import * as v from 'valibot';
import {
  apiKey,
  basic,
  bearer,
  clientCredentials,
  createClient,
  isHTTPError,
  isValidationError,
  type SturdyEvent,
} from '../src/index.ts';
import { httpCache } from '../src/cache/index.ts';
import { outbox } from '../src/outbox/index.ts';
import { paginate } from '../src/paginate/index.ts';
import { eventStream } from '../src/sse/index.ts';
import { CREDENTIALS, startDemoApi } from './demo-api.ts';

const say = {
  step: (n: number, title: string) => console.log(`\n${styleText('bold', `${n}. ${title}`)}`),
  client: (text: string) => console.log(`   ${styleText('cyan', 'client')}  ${text}`),
  server: (text: string) => console.log(`   ${styleText('gray', 'server')}  ${text}`),
  ok: (text: string, value?: unknown) =>
    console.log(`   ${styleText('green', '✓')} ${text}${value === undefined ? '' : ` ${JSON.stringify(value)}`}`),
  failed: (text: string) => console.log(`   ${styleText('red', '✗')} ${text}`),
};

const server = await startDemoApi(say.server);
const baseUrl = `${server.url}/v1/`;

/** One line per sturdy event: this is what `onEvent` gives your logger. */
function logEvent(event: SturdyEvent): void {
  const url = new URL(event.url);
  // The API's own origin as a path; any other origin with its host, so a call elsewhere is never mistaken for one home.
  const path = (url.origin === server.origin ? '' : url.origin) + url.pathname + url.search;
  if (event.type === 'request') say.client(`→ ${event.method} ${path} (attempt ${event.attempt})`);
  if (event.type === 'response') say.client(`← ${event.status} in ${event.durationMs} ms`);
  if (event.type === 'retry')
    say.client(styleText('yellow', `↻ ${event.reason}: waiting ${event.delayMs} ms before attempt ${event.attempt}`));
  if (event.type === 'error') say.client(styleText('red', `✗ ${event.reason}`));
}

const NewCustomer = v.object({ name: v.pipe(v.string(), v.minLength(1)), email: v.pipe(v.string(), v.email()) });
const Customer = v.object({ id: v.string(), ...NewCustomer.entries });
const StoredCustomer = v.object({ id: v.number(), name: v.string(), email: v.pipe(v.string(), v.email()) });
const Invoice = v.object({
  id: v.string(),
  customer: v.object({ id: v.string(), name: v.string() }),
  lines: v.array(
    v.object({
      sku: v.string(),
      quantity: v.pipe(v.number(), v.integer(), v.minValue(1)),
      unitPrice: v.number(),
      amount: v.number(),
    }),
  ),
  total: v.number(),
  currency: v.literal('EUR'),
});

const api = createClient({ baseUrl, onEvent: logEvent, retry: { limit: 3, backoffLimit: 1_000 } });
console.log(`sturdy demo: a shop API is listening on ${server.url}`);

try {
  say.step(1, 'Create a resource: POST JSON (content-type, accept and an Idempotency-Key are added)');
  const customer = await api
    .post('customers', { json: { name: 'Grace Hopper', email: 'grace@example.com' }, schema: NewCustomer })
    .json(Customer);
  say.ok('created', customer);

  say.step(2, 'Query parameters and a JSON body together');
  const search = await api
    .post('products/search', {
      searchParams: { page: 1, sort: 'price' },
      json: { category: 'keyboards', maxPrice: 150 },
    })
    .json<{ hits: Array<{ sku: string; price: number }> }>();
  say.ok(
    'found',
    search.hits.map((hit) => `${hit.sku} (${hit.price} EUR)`),
  );

  say.step(3, 'A nested invoice, its response validated by a valibot schema');
  const invoice = await api
    .post('invoices', {
      json: {
        customer: { id: customer.id, name: customer.name },
        lines: [
          { sku: 'KB-1', quantity: 2, unitPrice: 129 },
          { sku: 'MS-1', quantity: 1, unitPrice: 49 },
        ],
      },
    })
    .json(Invoice);
  say.ok(
    `invoice ${invoice.id}: ${invoice.lines.map((line) => `${line.quantity} x ${line.sku} = ${line.amount}`).join(', ')}; total ${invoice.total} ${invoice.currency}`,
  );

  say.step(4, 'Auth: bearer, apiKey, basic (UTF-8) and OAuth client credentials, each sent only to the baseUrl origin');
  const withToken = api.extend({ auth: bearer(CREDENTIALS.bearer) });
  say.ok('bearer', await withToken.get('me').json());
  // localhost is another origin than 127.0.0.1: the token stays home.
  const elsewhere = await withToken.get(`http://localhost:${server.port}/v1/me`).result();
  const sent = server.requestsTo('/v1/me').at(-1)?.headers.authorization;
  if (!elsewhere.ok && sent === undefined)
    say.ok(
      `another origin (localhost:${server.port}) got no token: the server saw no Authorization header and answered ${isHTTPError(elsewhere.error) ? elsewhere.error.response.status : elsewhere.error.name}`,
    );
  else
    say.failed(
      `another origin (localhost:${server.port}) ${sent === undefined ? 'answered without a token' : 'was sent the token'}`,
    );
  const report = await api
    .extend({ auth: apiKey({ key: CREDENTIALS.apiKey }) })
    .get('reports')
    .json();
  say.ok('apiKey', report);
  const registry = await api
    .extend({ auth: basic(CREDENTIALS.basic) })
    .get('registry')
    .json();
  say.ok(`basic as ${CREDENTIALS.basic.username}`, registry);
  const oauth = api.extend({
    auth: clientCredentials({ tokenUrl: `${server.url}/oauth/token`, ...CREDENTIALS.client, scope: ['orders:read'] }),
  });
  const orders = await oauth.get('orders').json();
  say.ok(
    `clientCredentials (the first token was refused, one refresh, token endpoint called ${server.requestsTo('/oauth/token').length}x)`,
    orders,
  );

  say.step(5, 'Retry with backoff: 503, 503, then 200; and a 429 with Retry-After: 1');
  const inventory = await api.get('inventory').json();
  say.ok('inventory after 3 attempts', inventory);
  const started = performance.now();
  const feed = await api.get('feed').json();
  say.ok(`feed after waiting ${Math.round(performance.now() - started)} ms as asked`, feed);

  say.step(6, 'Validation failure: the server sends a customer whose email is not an email');
  try {
    await api.get('customers/7').json(StoredCustomer);
  } catch (error) {
    if (!isValidationError(error)) throw error;
    say.failed(
      `${error.name} (${error.direction}, status ${error.status}): ${error.issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`,
    );
  }
  // Untrusted input (a form, a queue message): its type says one thing, its data another.
  const fromForm = JSON.parse('{"name":"No Email"}') as v.InferInput<typeof NewCustomer>;
  const refused = await api.post('customers', { json: fromForm, schema: NewCustomer }).result();
  if (!refused.ok)
    say.failed(
      `request schema: ${refused.error.name}: ${refused.error.message} (nothing was sent: server saw ${server.requestsTo('/v1/customers').length} customer POST)`,
    );

  say.step(7, 'Safe .result(): never throws; a 404 is a value to branch on');
  const missing = await api.get('customers/404').result(StoredCustomer);
  if (missing.ok) say.ok('found', missing.data);
  else if (isHTTPError(missing.error))
    say.failed(`not found: status ${missing.error.response.status}, data ${JSON.stringify(missing.error.data)}`);

  say.step(8, 'An AI-style event stream: tokens as they arrive, validated, ending at [DONE]');
  let answer = '';
  for await (const event of eventStream(api, 'chat', {
    method: 'POST',
    json: { prompt: 'When does my order ship?' },
    schema: v.object({ delta: v.string() }),
  })) {
    answer += event.data.delta;
  }
  say.ok('streamed answer:', answer);

  say.step(9, 'An HTTP cache (sturdy/cache): the second GET is served without a request');
  const cached = api.extend({ use: [httpCache()] });
  const before = server.requestsTo('/v1/catalog').length;
  await cached.get('catalog').json();
  const again = await cached.get('catalog').json();
  say.ok(`${server.requestsTo('/v1/catalog').length - before} request for 2 GETs:`, again);

  say.step(10, 'Pagination (sturdy/paginate): every order across Link-header pages, fetched lazily');
  const history: string[] = [];
  for await (const id of paginate(api, 'order-history', { schema: v.array(v.string()) })) history.push(id);
  say.ok(`${history.length} orders from ${server.requestsTo('/v1/order-history').length} pages:`, history);

  say.step(11, 'Offline and crash-safe mutations (sturdy/outbox): a checkout survives a stop mid-send');
  // In your app: IndexedDB in a browser (leave `store` out), or fs / Redis through unstorage.
  const store = createStorage();
  const page = outbox(api, { name: 'checkout', store, retry: { delay: () => 60_000 } });
  const job = await page.send('checkout', { json: { cart: 'cart_9' } });
  say.ok(`stored before sending, Idempotency-Key ${job.key.slice(0, 8)}…`);
  while ((await page.pending())[0]?.attempts !== 1) await new Promise((resolve) => setTimeout(resolve, 20));
  await page.close();
  say.ok('the server committed the order, the answer was lost and the page closed: the job is still stored');
  const reloaded = outbox(api, { name: 'checkout', store });
  const outcome = await new Promise((resolve) => reloaded.onOutcome((_job, ended) => resolve(ended)));
  await reloaded.close();
  say.ok(
    `the next start sent it again with the same key: ${server.checkouts.length} order created, the stored answer came back:`,
    (outcome as { data?: unknown }).data,
  );

  console.log(`\n${styleText('green', 'demo finished')}: ${server.requests.length} requests served.`);
} finally {
  await server.close();
}
