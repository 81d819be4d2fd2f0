/**
 * A job as it is stored: the request without credentials (method, URL, headers, body) and its
 * Idempotency-Key, written before any network call; and the call options that deliver it.
 */
import type { CallOptions } from '../core/options.ts';
import type { Redactor } from '../core/redact.ts';
import { serializeJson } from '../core/json.ts';
import { IDEMPOTENCY_HEADER } from '../core/retry.ts';
import { breaksHeader } from '../shared/header-value.ts';
import { OutboxError } from './errors.ts';

/**
 * What `send` takes besides the URL: the request, as for a client call.
 * @example
 * box.send('orders', { method: 'POST', json: { sku: 'A1', qty: 2 } })
 */
export type SendOptions = {
  /** @default 'POST' */
  method?: string;
  /** The body as JSON (stored as its JSON text). */
  json?: unknown;
  /** A text body (a string or URLSearchParams); binary bodies and streams cannot be stored. */
  body?: string | URLSearchParams;
  /** Headers for this request; credentials are refused: the client's `auth` adds them at each delivery. */
  headers?: HeadersInit;
  /** The Idempotency-Key for every delivery of this job (one per user action, e.g. `order-${cartId}`). @default a random UUID */
  idempotencyKey?: string;
};

/** When a job is due, and how it went so far (changes after each delivery). */
export type Schedule = {
  /** Deliveries so far that had no final outcome. */
  attempts: number;
  /** Epoch ms before which the job is not delivered again. */
  nextAt: number;
  /** `nextAt` is a wait the server asked for (Retry-After), which coming back online does not cut short. */
  paced: boolean;
  /** Epoch ms of the last delivery (0: none yet). */
  triedAt: number;
};

/** A stored job. Only `Schedule`'s fields change after `send`. */
export type Job = Schedule & {
  v: 1;
  /** Sorts in sending order: epoch ms (15 digits), then random. */
  id: string;
  key: string;
  /** Epoch ms of `send`. */
  createdAt: number;
  method: string;
  /** As given to `send` (a relative URL resolves against the client's baseUrl at each delivery). */
  url: string;
  headers: Array<[string, string]>;
  /** The JSON text of `json`, or a text body. */
  body?: { json: string } | { text: string };
  /** The instance that sent it (with a shared store, it delivers it while it lives). */
  sender: string;
};

/** What a job's record says of itself, for `pending()` and `onOutcome` (no headers, no body). */
export type JobInfo = Pick<Job, 'id' | 'key' | 'method' | 'url' | 'createdAt' | 'attempts'>;

/**
 * @example
 * const info = infoOf(job); // { id, key, method, url, createdAt, attempts }
 */
export const infoOf = ({ id, key, method, url, createdAt, attempts }: Job): JobInfo => ({
  id,
  key,
  method,
  url,
  createdAt,
  attempts,
});

let lastStamp = 0;
const encoder = /* @__PURE__ */ new TextEncoder();

/**
 * Builds the job for one `send`, refusing what must not or cannot be stored: credentials in headers or
 * the URL (the client's auth adds them at delivery), a body JSON cannot carry, one over `maxBodyBytes`.
 * @example
 * const job = createJob('orders', { json: order }, { sender, redactor, maxBodyBytes: 1 << 20 });
 */
export function createJob(
  input: string | URL,
  options: SendOptions,
  context: { sender: string; redactor: Redactor; maxBodyBytes: number; base: string | undefined },
): Job {
  const url = String(input);
  const shown = context.redactor.url(url);
  // Caught here, not at each delivery: a URL that cannot resolve would fail every one until maxAge.
  if (context.base !== undefined && !URL.canParse(url, context.base || undefined))
    refuse(`cannot resolve url ${shown}: pass an absolute URL or set the client's baseUrl`);
  if (shown !== url) refuse(`url ${shown} carries a credential`);
  const method = (options.method ?? 'POST').toUpperCase();
  const headers: Array<[string, string]> = [];
  let key = options.idempotencyKey;
  for (const [name, value] of new Headers(options.headers)) {
    if (name === IDEMPOTENCY_HEADER) key ??= value;
    else if (context.redactor.isSensitiveHeader(name) || context.redactor.text(value) !== value)
      refuse(`header ${name} carries a credential`);
    else headers.push([name, value]);
  }
  if (key !== undefined && (typeof key !== 'string' || key === '' || breaksHeader(key)))
    refuse('idempotencyKey must be a non-empty string without line breaks');
  const body = bodyOf(options);
  const bytes = body ? encoder.encode('json' in body ? body.json : body.text).byteLength : 0;
  if (bytes > context.maxBodyBytes)
    throw new OutboxError('tooLarge', `the body is ${bytes} bytes, over maxBodyBytes (${context.maxBodyBytes})`);
  if (options.body instanceof URLSearchParams && !headers.some(([name]) => name === 'content-type'))
    headers.push(['content-type', 'application/x-www-form-urlencoded;charset=UTF-8']);
  // Strictly increasing here, so two sends in one millisecond keep their order.
  lastStamp = Math.max(Date.now(), lastStamp + 1);
  return {
    v: 1,
    id: `${String(lastStamp).padStart(15, '0')}-${crypto.randomUUID()}`,
    key: key ?? crypto.randomUUID(),
    createdAt: Date.now(),
    method,
    url,
    headers,
    ...(body ? { body } : {}),
    sender: context.sender,
    attempts: 0,
    nextAt: 0,
    paced: false,
    triedAt: 0,
  };
}

/** A send the outbox cannot store as it is given. */
const refuse = (problem: string): never => {
  throw new TypeError(`sturdy/outbox: ${problem} (jobs are stored as text; credentials come from the client's auth)`);
};

function bodyOf(options: SendOptions): Job['body'] {
  const { json, body } = options;
  if (json !== undefined && body !== undefined) refuse('pass either json or body');
  if (json !== undefined) return { json: serializeJson(json) };
  if (typeof body === 'string' || body instanceof URLSearchParams) return { text: String(body) };
  if (body !== undefined) refuse('body must be a string or URLSearchParams');
  return undefined;
}

/**
 * The client call options that deliver `job` once: its stored request, its key, no retries of the
 * client's own (the outbox schedules the next delivery), and `signal` to stop it.
 * @example
 * const result = await api(job.url, deliveryOptions(job, signal)).result();
 */
export function deliveryOptions(job: Job, signal: AbortSignal): CallOptions {
  const options: CallOptions = {
    method: job.method,
    headers: [...job.headers, [IDEMPOTENCY_HEADER, job.key]],
    idempotencyKey: job.key,
    retry: false,
    throwHttpErrors: true,
    signal,
  };
  if (job.body && 'json' in job.body) options.json = JSON.parse(job.body.json);
  else if (job.body) options.body = job.body.text;
  return options;
}

/**
 * Is `value` a job this version wrote (a record in a shared store may be anything)?
 * @example
 * const jobs = records.filter(isJob);
 */
export const isJob = (value: unknown): value is Job => {
  // A record read from a store: anything at all.
  const job = value as Partial<Job> | null;
  return (
    typeof job === 'object' &&
    job !== null &&
    job.v === 1 &&
    typeof job.id === 'string' &&
    typeof job.key === 'string' &&
    typeof job.url === 'string' &&
    Array.isArray(job.headers)
  );
};

/**
 * One delivery's hold on a job: at most one instance or tab holds a job at a time.
 * @example
 * const claim = await store.claim(job); if (claim) await claim.end();
 */
export type Claim = {
  /** The job as stored now. */
  job: Job;
  /** No final outcome yet: records when to deliver it again, and lets it go. */
  reschedule(schedule: Schedule): Promise<void>;
  /** A final outcome: removes the job. */
  end(): Promise<void>;
  /** Lets it go unchanged (the outbox is closing). */
  release(): Promise<void>;
};

/**
 * Where an outbox keeps its jobs: IndexedDB in a browser, an unstorage `Storage` elsewhere.
 * @example
 * const store: JobStore = kvJobStore(storage, { name: 'orders', sender, lease: 5_000 });
 */
export type JobStore = {
  /** Stores a new job, durably when it resolves; an OutboxError (`full`) when `maxJobs` are waiting. */
  add(job: Job, maxJobs: number): Promise<void>;
  /** Every waiting job, oldest first. */
  list(): Promise<Job[]>;
  /** Holds `job` for one delivery; undefined when it is gone or another instance has it. */
  claim(job: Job): Promise<Claim | undefined>;
  close(): Promise<void>;
};

/**
 * @example
 * throw fullError(1000);
 */
export const fullError = (maxJobs: number): OutboxError =>
  new OutboxError(
    'full',
    `the outbox is full: ${maxJobs} jobs are waiting (maxJobs); wait for some to end (onOutcome) or raise maxJobs`,
  );
