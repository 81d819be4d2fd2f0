/**
 * The playground's mock API: sturdy/testing's scenario handlers (the same ones
 * users get) in an msw service worker, around a tiny shop with users, orders
 * and invoices. Each send installs fresh handlers, so counts start at zero.
 */
import { HttpResponse } from 'msw';
import { setupWorker } from 'msw/browser';
import {
  defineScenario,
  expiredToken,
  flaky,
  oauthTokenEndpoint,
  rateLimited,
  recordRequests,
  slow,
  stalledBody,
  type RecordedRequest,
  type ReplyInfo,
  type ScenarioHandler,
} from '../src/testing/index.ts';

export type Scenario =
  | { kind: 'healthy' }
  | { kind: 'fail'; failures: number }
  | { kind: 'rateLimit'; retryAfterSeconds: number }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'stalled' }
  | { kind: 'expiredToken' }
  | { kind: 'html' }
  | { kind: 'invalidShape' };

/** Where the mock API lives, relative to the page. */
export const API_PATH = '/api/';
export const TOKEN_PATH = '/oauth/token';
/** The OAuth client the token endpoint knows (the playground's clientCredentials uses it). */
export const OAUTH_CLIENT = { clientId: 'playground', clientSecret: 'pg-client-secret-5f1c' } as const;

const ALL = `${API_PATH}*`;
let orderNumber = 100;

/** The shop: GET users/:id, POST orders, GET invoices/:id; anything else is echoed. */
async function shop({ request }: ReplyInfo, broken = false): Promise<Response> {
  const url = new URL(request.url);
  const [resource, id] = url.pathname.slice(API_PATH.length).split('/');
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text();
  const json = body ? (JSON.parse(body) as Record<string, unknown>) : undefined;
  if (resource === 'users' && id) {
    return HttpResponse.json(broken ? { id: `user-${id}`, name: 'Ada Lovelace' } : { id: Number(id), name: 'Ada Lovelace', email: 'ada@example.com' });
  }
  if (resource === 'orders' && request.method === 'POST') {
    const order = { id: `ord_${(orderNumber += 1)}`, status: 'created', ...json };
    return HttpResponse.json(broken ? { ...order, status: 'shipped?', quantity: '2' } : order, { status: 201 });
  }
  if (resource === 'invoices' && id) {
    const lines = [
      { sku: 'A1', description: 'Mechanical keyboard', quantity: 1, unitPrice: 129.0 },
      { sku: 'B7', description: 'USB-C cable', quantity: broken ? 'two' : 2, unitPrice: 9.5 },
    ];
    return HttpResponse.json({ id: Number(id), customer: { id: 42, name: 'Ada Lovelace' }, currency: 'EUR', lines, total: 148.0 });
  }
  return HttpResponse.json({ method: request.method, path: url.pathname, query: Object.fromEntries(url.searchParams), body: json ?? null });
}

const HTML_PAGE = '<!doctype html><html><head><title>Bad gateway</title></head><body><h1>Our proxy is having a moment</h1></body></html>';

/** The handler for /api/* under one scenario. */
function scenarioHandler(scenario: Scenario): ScenarioHandler {
  switch (scenario.kind) {
    case 'healthy':
      return defineScenario(ALL, {}, (info) => shop(info));
    case 'fail':
      return flaky(ALL, { failures: scenario.failures, status: 503 }, (info) => shop(info));
    case 'rateLimit':
      return rateLimited(ALL, { retryAfter: scenario.retryAfterSeconds }, (info) => shop(info));
    case 'slow':
      return slow(ALL, { delayMs: scenario.delayMs, times: 1 }, (info) => shop(info));
    case 'stalled':
      return stalledBody(ALL, { head: '{"id":42,"name":"Ada' });
    case 'expiredToken':
      // The first request's credential is treated as expired; a refreshed one is accepted.
      return expiredToken(ALL, { times: 1 }, (info) => shop(info));
    case 'html':
      // A 200 with an HTML page, as a captive portal or a misrouted proxy sends.
      return defineScenario(ALL, {}, () => HttpResponse.html(HTML_PAGE, { status: 200 }));
    case 'invalidShape':
      return defineScenario(ALL, {}, (info) => shop(info, true));
  }
}

const tokens = oauthTokenEndpoint(TOKEN_PATH, { ...OAUTH_CLIENT, expiresIn: 3600 });
const worker = setupWorker(tokens);

/**
 * Starts the service worker; `onRequest` sees every request the mock API receives.
 * @example
 * await startMockApi((request) => console.log(request.method, request.url.pathname));
 */
export async function startMockApi(onRequest: (request: RecordedRequest) => void): Promise<void> {
  await worker.start({ onUnhandledFrame: 'bypass', quiet: true });
  recordRequests(worker, {
    onRequest: (request) => {
      if (request.url.pathname.startsWith(API_PATH) || request.url.pathname === TOKEN_PATH) onRequest(request);
    },
  });
}

/**
 * Installs the scenario for the next send: fresh counts, fresh tokens.
 * @example
 * useScenario({ kind: 'fail', failures: 2 });
 */
export function useScenario(scenario: Scenario): void {
  tokens.reset();
  worker.resetHandlers(tokens, scenarioHandler(scenario));
}
