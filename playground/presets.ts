/**
 * What the playground offers to pick from: response schemas (valibot) and
 * example requests against the mock shop, one of them an AI chat stream.
 */
import * as v from 'valibot';
import type { Scenario } from './mock-api.ts';

const User = v.object({ id: v.number(), name: v.string(), email: v.pipe(v.string(), v.email()) });

const Order = v.object({
  id: v.string(),
  status: v.picklist(['created', 'paid']),
  sku: v.string(),
  quantity: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

const Invoice = v.object({
  id: v.number(),
  customer: v.object({ id: v.number(), name: v.string() }),
  currency: v.picklist(['EUR', 'USD']),
  lines: v.array(
    v.object({
      sku: v.string(),
      description: v.string(),
      quantity: v.pipe(v.number(), v.integer()),
      unitPrice: v.number(),
    }),
  ),
  total: v.number(),
});

/** One chunk of a streamed chat answer (each Server-Sent Event's data). */
const ChatChunk = v.object({ delta: v.string() });

/** Response schemas by name; `none` reads the JSON without validating it. */
export const SCHEMAS = { none: undefined, User, Order, Invoice, ChatChunk } as const;
export type SchemaName = keyof typeof SCHEMAS;

/** How each schema reads, shown under the picker. */
export const SCHEMA_SOURCE: Record<SchemaName, string> = {
  none: '// no schema: .result() returns the parsed JSON as is',
  User: 'v.object({ id: v.number(), name: v.string(), email: v.pipe(v.string(), v.email()) })',
  Order:
    "v.object({ id: v.string(), status: v.picklist(['created', 'paid']), sku: v.string(),\n  quantity: v.pipe(v.number(), v.integer(), v.minValue(1)) })",
  Invoice:
    "v.object({ id: v.number(), customer: v.object({ id: v.number(), name: v.string() }),\n  currency: v.picklist(['EUR', 'USD']), total: v.number(),\n  lines: v.array(v.object({ sku, description, quantity: integer, unitPrice })) })",
  ChatChunk: '// each event of the stream: { delta: "next words " }\nv.object({ delta: v.string() })',
};

/**
 * `stream`: read the answer as Server-Sent Events with sturdy/sse instead of one JSON body. `outbox`: queue
 * it in sturdy/outbox. `scenario`: how the mock API behaves (left as picked when absent).
 */
export type Example = {
  label: string;
  method: string;
  path: string;
  body: string;
  schema: SchemaName;
  stream?: boolean;
  outbox?: boolean;
  scenario?: Scenario['kind'];
};

/** One click fills the request form with these. */
export const EXAMPLES: readonly Example[] = [
  { label: 'Get a user', method: 'GET', path: 'users/42', body: '', schema: 'User' },
  {
    label: 'Create an order',
    method: 'POST',
    path: 'orders',
    body: '{\n  "sku": "A1",\n  "quantity": 2\n}',
    schema: 'Order',
  },
  { label: 'Nested invoice', method: 'GET', path: 'invoices/7', body: '', schema: 'Invoice' },
  {
    label: 'AI chat stream',
    method: 'POST',
    path: 'chat/completions',
    body: '{\n  "model": "mock-1",\n  "messages": [{ "role": "user", "content": "Why sturdy?" }],\n  "stream": true\n}',
    schema: 'ChatChunk',
    stream: true,
  },
  {
    // Queued in the outbox; the mock API creates the order, holds its answer and the page reloads: the outbox
    // delivers it again on start-up with the same key, and the stored answer comes back.
    label: 'Checkout survives a reload',
    method: 'POST',
    path: 'orders',
    body: '{\n  "sku": "A1",\n  "quantity": 2\n}',
    schema: 'Order',
    outbox: true,
    scenario: 'reload',
  },
];
