/**
 * The mock shop's ledger: the orders it created and, per Idempotency-Key, the answer it gave, as a
 * server with an Idempotency-Key layer keeps them (the IETF draft, Stripe). A repeat of a key with
 * the same request gets the stored answer (`idempotent-replayed: true`) and creates nothing; the key
 * with another request gets 422.
 */
import { HttpResponse } from 'msw';

// localStorage: msw runs the handlers in the page, whose memory a reload wipes; this is written synchronously
// (the order and its answer are on disk before any answer leaves) and shared by the origin's tabs, as one server is.
const STORAGE_KEY = 'sturdy-playground:ledger';
const FIRST_ORDER = 100;

/** One order the shop created, and the key it came with (null: none). */
export type LedgerOrder = { id: string; key: string | null };
type StoredAnswer = { fingerprint: string; status: number; body: string };
type Ledger = { last: number; orders: LedgerOrder[]; answers: Record<string, StoredAnswer> };

const empty = (): Ledger => ({ last: FIRST_ORDER, orders: [], answers: {} });

function read(): Ledger {
  try {
    const ledger: Partial<Ledger> | null = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    if (typeof ledger?.last === 'number' && Array.isArray(ledger.orders) && typeof ledger.answers === 'object')
      return { last: ledger.last, orders: ledger.orders, answers: ledger.answers ?? {} };
  } catch {
    // Unreadable (edited by hand, another version's shape): start over.
  }
  return empty();
}

const write = (ledger: Ledger): void => localStorage.setItem(STORAGE_KEY, JSON.stringify(ledger));

/** Starts a fresh ledger (each send from the form does: counts start at zero). */
export function resetLedger(): void {
  write(empty());
}

/**
 * The orders created since the last reset, oldest first.
 * @example
 * ordersCreated().length; // 1 after a POST repeated with its key
 */
export function ordersCreated(): LedgerOrder[] {
  return read().orders;
}

/**
 * The ledger in words: the proof that a repeated key created nothing twice.
 * @example
 * ordersSummary(); // 'the mock API created 1 order (ord_101)'
 */
export function ordersSummary(): string {
  const orders = ordersCreated();
  const ids = orders.map((order) => order.id).join(', ');
  return `the mock API created ${orders.length} order${orders.length === 1 ? '' : 's'}${ids ? ` (${ids})` : ''}`;
}

/**
 * Creates an order once per Idempotency-Key: the first request with a key runs `create` (given the new
 * order's id) and stores its answer in the same write as the order; a repeat gets that answer again.
 * @example
 * return createOnce(request, body, (id) => ({ status: 201, json: { id, status: 'created' } }), onReplay);
 */
export function createOnce(
  request: Request,
  body: string,
  create: (id: string) => { status: number; json: unknown },
  onReplay: (key: string) => void,
): Response {
  const key = request.headers.get('idempotency-key');
  const fingerprint = `${request.method} ${new URL(request.url).pathname} ${body}`;
  const ledger = read();
  const known = key === null ? undefined : ledger.answers[key];
  if (known && known.fingerprint !== fingerprint)
    return HttpResponse.json({ error: 'Idempotency-Key reused with another request' }, { status: 422 });
  if (known && key !== null) {
    onReplay(key);
    return new HttpResponse(known.body, {
      status: known.status,
      headers: { 'content-type': 'application/json', 'idempotent-replayed': 'true' },
    });
  }
  ledger.last += 1;
  const id = `ord_${ledger.last}`;
  const answer = create(id);
  const text = JSON.stringify(answer.json);
  ledger.orders.push({ id, key });
  if (key !== null) ledger.answers[key] = { fingerprint, status: answer.status, body: text };
  write(ledger);
  return new HttpResponse(text, { status: answer.status, headers: { 'content-type': 'application/json' } });
}
