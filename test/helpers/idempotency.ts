/**
 * A real Idempotency-Key layer in front of a create endpoint, as the IETF draft
 * (draft-ietf-httpapi-idempotency-key-header) and Stripe-style servers behave: the first
 * request with a key runs and its answer is stored; a repeat with the same key and the
 * same request gets the stored answer (`idempotent-replayed: true`); a repeat while the
 * first is still running gets 409; the key reused with another request gets 422; no key, 400.
 */
import type { Handler, ReceivedRequest } from './server.ts';

/** One order the endpoint really created. */
export type Order = { id: number; key: string; body: string };

type Stored = { fingerprint: string } & ({ state: 'running' } | { state: 'done'; status: number; body: string });

export type IdempotentEndpoint = {
  handler: Handler;
  /** Every order created, in order: a key appears here at most once if the layer works. */
  orders: Order[];
  /** Every answer given (or `drop` when the connection was dropped instead), per request. */
  answers: Array<{ key: string | undefined; status: number | 'drop' }>;
};

/**
 * @example
 * const endpoint = idempotentCreate({ processMs: 200, afterCommit: (order) => (order.id === 8 ? 'drop' : 'answer') });
 * server.route('/orders', endpoint.handler);
 */
export function idempotentCreate(
  options: {
    /** How long creating takes: the key is "in progress" meanwhile. */
    processMs?: number;
    /** After the order is committed: answer, or drop the connection without a word. */
    afterCommit?: (order: Order) => 'answer' | 'drop';
  } = {},
): IdempotentEndpoint {
  const records = new Map<string, Stored>();
  const orders: Order[] = [];
  const answers: IdempotentEndpoint['answers'] = [];
  const fingerprintOf = (request: ReceivedRequest) => `${request.method} ${request.url} ${request.body}`;
  const handler: Handler = async (request, response) => {
    const key = request.headers['idempotency-key'] as string | undefined;
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      answers.push({ key, status });
      response
        .writeHead(status, { 'content-type': 'application/json', ...headers })
        .end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (!key) return answer(400, { error: 'Idempotency-Key header required' });
    const fingerprint = fingerprintOf(request);
    const known = records.get(key);
    if (known && known.fingerprint !== fingerprint)
      return answer(422, { error: 'Idempotency-Key reused with another request' });
    if (known?.state === 'running') return answer(409, { error: 'request in progress' });
    if (known?.state === 'done') return answer(known.status, known.body, { 'idempotent-replayed': 'true' });
    records.set(key, { fingerprint, state: 'running' });
    if (options.processMs) await new Promise((resolve) => setTimeout(resolve, options.processMs));
    const order: Order = { id: orders.length + 1, key, body: request.body };
    orders.push(order);
    const body = JSON.stringify({ id: order.id });
    records.set(key, { fingerprint, state: 'done', status: 201, body });
    if (options.afterCommit?.(order) === 'drop') {
      answers.push({ key, status: 'drop' });
      response.socket?.destroy();
      return;
    }
    answer(201, body);
  };
  return { handler, orders, answers };
}
