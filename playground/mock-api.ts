/**
 * The playground's mock API: sturdy/testing's scenario handlers (the same ones
 * users get) in an msw service worker, around a tiny shop with users, orders,
 * invoices (cacheable, with ETags) and a streaming chat endpoint
 * (text/event-stream, resumable by Last-Event-ID). Each send installs fresh
 * handlers and a fresh ledger (ledger.ts), so counts start at zero; a reload
 * mid-send keeps the ledger, as a real server outlives a page.
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
import { createOnce, resetLedger } from './ledger.ts';

export type Scenario =
  | { kind: 'healthy' }
  | { kind: 'fail'; failures: number }
  | { kind: 'rateLimit'; retryAfterSeconds: number }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'stalled' }
  | { kind: 'expiredToken' }
  | { kind: 'html' }
  | { kind: 'invalidShape' }
  | { kind: 'drop' }
  | { kind: 'reload' };

/** What the page hears from the mock API besides the requests it received. */
export type MockApiHooks = {
  /** Every request the mock API receives. */
  onRequest(request: RecordedRequest): void;
  /** A repeated Idempotency-Key got the stored answer: nothing was created again. */
  onReplay(key: string): void;
  /** Scenario "reload": the first request was handled and its answer is held `holdMs`; the page reloads meanwhile. */
  onHeld(holdMs: number): void;
};

/** Where the mock API lives, relative to the page. */
export const API_PATH = '/api/';
export const TOKEN_PATH = '/oauth/token';
/** The OAuth client the token endpoint knows (the playground's clientCredentials uses it). */
export const OAUTH_CLIENT = { clientId: 'playground', clientSecret: 'pg-client-secret-5f1c' } as const;

const ALL = `${API_PATH}*`;
/** Scenario "reload": how long the first answer is held (the page reloads well before). */
const HOLD_MS = 10_000;
let hooks: MockApiHooks = { onRequest() {}, onReplay() {}, onHeld() {} };

/** How long the shop's GET answers are fresh (`cache-control: max-age`), set per send. */
let maxAgeSeconds = 5;

/** What sturdy/cache needs: freshness, stale-if-error, and an ETag; a matching If-None-Match is a 304. */
function cacheable(request: Request, etag: string, body: Record<string, unknown>): Response {
  const headers = { etag, 'cache-control': `max-age=${maxAgeSeconds}, stale-if-error=300` };
  if (request.headers.get('if-none-match') === etag) return new HttpResponse(null, { status: 304, headers });
  return HttpResponse.json(body, { headers });
}

/** The chat reply, streamed a word at a time. */
const CHAT_REPLY =
  'sturdy retries without duplicate orders, bounds every stall with a timeout, keeps tokens on their own origin and tells you exactly what went wrong.';
export const CHAT_TOKENS: readonly string[] = CHAT_REPLY.match(/\S+\s*/g) ?? [];
/** The stream breaks after this many chunks (scenario "drop"); chunk BAD_CHUNK breaks the schema ("invalidShape"). */
const DROP_AFTER = 6;
const BAD_CHUNK = 9;
const TOKEN_MS = 90;

/**
 * POST chat/completions as text/event-stream: one `{ delta }` per word with ids 1..n, resumed after the
 * Last-Event-ID a reconnect sends, ended by `data: [DONE]`.
 */
function chatStream(request: Request, mode: 'steady' | 'drop' | 'broken'): Response {
  const resumed = Number(request.headers.get('last-event-id') ?? 0);
  let sent = Number.isInteger(resumed) && resumed > 0 ? Math.min(resumed, CHAT_TOKENS.length) : 0;
  const start = sent;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (mode === 'drop' && sent === start + DROP_AFTER)
        return controller.error(new TypeError('mock API: connection reset mid-stream'));
      if (sent === CHAT_TOKENS.length) {
        controller.enqueue(encoder.encode('data: [DONE]\n\n'));
        return controller.close();
      }
      await new Promise((resolve) => setTimeout(resolve, TOKEN_MS));
      sent += 1;
      const data = mode === 'broken' && sent === BAD_CHUNK ? { delta: 42 } : { delta: CHAT_TOKENS[sent - 1] };
      // The first chunk sets the reconnect wait: a resumed stream waits what the server asked.
      controller.enqueue(
        encoder.encode(`${sent === 1 ? 'retry: 400\n' : ''}id: ${sent}\ndata: ${JSON.stringify(data)}\n\n`),
      );
    },
  });
  return new HttpResponse(body, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } });
}

/** The first answer's body breaks after a few bytes, as a connection reset mid-body does. */
function cutShort(response: Response): Response {
  const reader = response.body!.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value } = await reader.read();
      controller.enqueue(value!.subarray(0, 12));
      controller.error(new TypeError('mock API: connection reset mid-body'));
    },
  });
  return new HttpResponse(body, { status: response.status, headers: response.headers });
}

type Variant = { broken?: boolean; drop?: boolean };

/** The shop: GET users/:id, POST orders, GET invoices/:id, POST chat/completions (a stream); anything else is echoed. */
async function shop({ request }: ReplyInfo, variant: Variant = {}): Promise<Response> {
  const { broken = false } = variant;
  const url = new URL(request.url);
  const [resource, id] = url.pathname.slice(API_PATH.length).split('/');
  if (resource === 'chat') return chatStream(request, variant.drop ? 'drop' : broken ? 'broken' : 'steady');
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text();
  const json = body ? (JSON.parse(body) as Record<string, unknown>) : undefined;
  if (resource === 'users' && id) {
    const user = broken
      ? { id: `user-${id}`, name: 'Ada Lovelace' }
      : { id: Number(id), name: 'Ada Lovelace', email: 'ada@example.com' };
    return cacheable(request, `"user-${id}-${broken ? 'broken' : 'v1'}"`, user);
  }
  if (resource === 'orders' && request.method === 'POST') {
    return createOnce(
      request,
      body ?? '',
      (orderId) => {
        const order = { id: orderId, status: 'created', ...json };
        return { status: 201, json: broken ? { ...order, status: 'shipped?', quantity: '2' } : order };
      },
      (key) => hooks.onReplay(key),
    );
  }
  if (resource === 'invoices' && id) {
    const lines = [
      { sku: 'A1', description: 'Mechanical keyboard', quantity: 1, unitPrice: 129.0 },
      { sku: 'B7', description: 'USB-C cable', quantity: broken ? 'two' : 2, unitPrice: 9.5 },
    ];
    return cacheable(request, `"invoice-${id}-${broken ? 'broken' : 'v1'}"`, {
      id: Number(id),
      customer: { id: 42, name: 'Ada Lovelace' },
      currency: 'EUR',
      lines,
      total: 148.0,
    });
  }
  return HttpResponse.json({
    method: request.method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    body: json ?? null,
  });
}

const HTML_PAGE =
  '<!doctype html><html><head><title>Bad gateway</title></head><body><h1>Our proxy is having a moment</h1></body></html>';

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
      return defineScenario(ALL, {}, (info) => shop(info, { broken: true }));
    case 'drop':
      // The first connection breaks mid-body; a chat stream breaks after DROP_AFTER chunks, every other answer after a few bytes.
      return defineScenario(ALL, {}, async (info) => {
        if (info.call > 1) return shop(info);
        const response = await shop(info, { drop: true });
        return response.headers.get('content-type') === 'text/event-stream' ? response : cutShort(response);
      });
    case 'reload':
      // The first request is handled (an order is created with its answer stored), then its answer held: the page
      // reloads meanwhile, as a closed tab or a crash between sending and hearing back would lose it.
      return defineScenario(ALL, {}, async (info) => {
        const response = await shop(info);
        if (info.call > 1) return response;
        hooks.onHeld(HOLD_MS);
        await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
        return response;
      });
  }
}

const tokens = oauthTokenEndpoint(TOKEN_PATH, { ...OAUTH_CLIENT, expiresIn: 3600 });
const worker = setupWorker(tokens);

/**
 * Starts the service worker, with the shop answering as healthy and its ledger as it was (a reload
 * mid-send keeps it); `hooks` hear what the mock API receives and does.
 * @example
 * await startMockApi({ onRequest: (request) => console.log(request.method, request.url.pathname), ... });
 */
export async function startMockApi(pageHooks: MockApiHooks): Promise<void> {
  hooks = pageHooks;
  await worker.start({ onUnhandledFrame: 'bypass', quiet: true });
  worker.resetHandlers(tokens, scenarioHandler({ kind: 'healthy' }));
  recordRequests(worker, {
    onRequest: (request) => {
      if (request.url.pathname.startsWith(API_PATH) || request.url.pathname === TOKEN_PATH) hooks.onRequest(request);
    },
  });
}

/**
 * Installs the scenario for the next send: fresh counts, a fresh ledger, fresh tokens, and how long GET answers stay fresh.
 * @example
 * useScenario({ kind: 'fail', failures: 2 }, { maxAgeSeconds: 5 });
 */
export function useScenario(scenario: Scenario, server: { maxAgeSeconds: number }): void {
  maxAgeSeconds = server.maxAgeSeconds;
  tokens.reset();
  resetLedger();
  worker.resetHandlers(tokens, scenarioHandler(scenario));
}
