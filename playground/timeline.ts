/**
 * The timeline rows: sturdy's onEvent events and what the mock API received
 * (result.ts renders the final result). Everything shown is redacted.
 */
import type { SturdyEvent } from '../src/index.ts';
import { createRedactor, redactHeaders } from '../src/core/redact.ts';
import type { RecordedRequest } from '../src/testing/index.ts';

export type RowKind =
  | 'request'
  | 'response'
  | 'retry'
  | 'refresh'
  | 'error'
  | 'server'
  | 'token'
  | 'done'
  | 'hint'
  | 'cache'
  | 'stream'
  | 'outbox'
  | 'reload'
  | 'replay';

/** A row as kept over a reload. */
type SavedRow = { kind: RowKind; title: string; detail: string; tone: string; at: string };

// sessionStorage: this tab's rows, kept over a reload mid-send and read once by the page that comes after it.
const SAVED_KEY = 'sturdy-playground:timeline';

/** The same rules sturdy uses for its own output, for the headers the mock API saw and the errors shown. */
export const redactor = createRedactor();

/** Reason phrases of the statuses the mock API sends. */
export const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** A new element with its class and text (never HTML). */
export const element = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text = '',
): HTMLElementTagNameMap[K] => {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
};

type CacheOutcome = NonNullable<SturdyEvent['outcome']>;
const CACHE_TITLE: Record<CacheOutcome, string> = {
  miss: 'Cache miss',
  hit: 'Cache hit',
  revalidated: 'Cache revalidated',
  stale: 'Served stale from the cache',
};
const CACHE_DETAIL: Record<CacheOutcome, string> = {
  miss: "not answered from sturdy/cache: the server's answer is used (and stored when its headers allow)",
  hit: 'fresh in sturdy/cache: answered without a request to the server',
  revalidated:
    'stale, so sturdy/cache asked with If-None-Match: the server said 304 Not Modified, the stored body is used',
  stale:
    "past max-age, yet served from sturdy/cache as the server's headers allow (here stale-if-error: the server kept failing)",
};

/** A URL as the timeline shows it: the path on the page's own origin, the whole URL (host included) elsewhere. */
function shownUrl(href: string): string {
  const url = new URL(href);
  const path = url.pathname + url.search;
  return url.origin === location.origin ? path : url.origin + path;
}

/**
 * A timeline: rows stamped with ms since the send started (epoch ms, so a reload does not restart the count).
 * @example
 * const timeline = new Timeline(document.querySelector('ol')!);
 * timeline.start();
 * timeline.add('done', 'Done', 'data ready after 12 ms');
 */
export class Timeline {
  // Page load until the first send: a job the outbox delivers on start-up is stamped from there.
  private started = Date.now();
  private readonly list: HTMLOListElement;

  constructor(list: HTMLOListElement) {
    this.list = list;
  }

  start(): void {
    this.started = Date.now();
    this.list.replaceChildren();
  }

  private stamp(): string {
    return `+${Math.round(Date.now() - this.started)} ms`;
  }

  add(kind: RowKind, title: string, detail = '', tone = ''): HTMLLIElement {
    return this.append({ kind, title, detail, tone, at: this.stamp() });
  }

  private append({ kind, title, detail, tone, at }: SavedRow): HTMLLIElement {
    this.list.querySelector(':scope > .empty')?.remove();
    const row = element('li', `row ${kind} ${tone}`.trim());
    row.dataset.kind = kind;
    row.dataset.tone = tone;
    row.append(element('span', 'at', at), element('span', 'dot'));
    const body = element('div', 'what');
    body.append(element('strong', '', title), element('span', 'detail', detail));
    row.append(body);
    this.list.append(row);
    row.scrollIntoView({ block: 'nearest' });
    return row;
  }

  /** Keeps the rows for the page that comes after a reload (see `restore`). */
  save(): void {
    const rows = [...this.list.querySelectorAll<HTMLLIElement>('li.row')].map(
      (row): SavedRow => ({
        kind: (row.dataset.kind ?? 'hint') as RowKind,
        tone: row.dataset.tone ?? '',
        at: row.querySelector('.at')?.textContent ?? '',
        title: row.querySelector('strong')?.textContent ?? '',
        detail: row.querySelector('.detail')?.textContent ?? '',
      }),
    );
    sessionStorage.setItem(SAVED_KEY, JSON.stringify({ started: this.started, rows }));
  }

  /** Shows the rows saved before a reload, once; false when there were none. */
  restore(): boolean {
    const saved = sessionStorage.getItem(SAVED_KEY);
    sessionStorage.removeItem(SAVED_KEY);
    if (saved === null) return false;
    const { started, rows }: { started: number; rows: SavedRow[] } = JSON.parse(saved);
    this.start();
    this.started = started;
    for (const row of rows) this.append(row);
    return true;
  }

  /** How many rows of this kind the timeline shows. */
  count(kind: RowKind): number {
    return this.list.querySelectorAll(`li[data-kind="${kind}"]`).length;
  }

  /** The newest row, if any. */
  last(): Element | null {
    return this.list.lastElementChild;
  }

  /** Rewrites a row's detail in place (a counter that grows), stamping it with the time now. */
  setDetail(row: HTMLElement, detail: string): void {
    row.querySelector('.at')!.textContent = this.stamp();
    row.querySelector('.detail')!.textContent = detail;
  }

  /**
   * A row for one of sturdy's events. `delivery`: each request is one delivery of an outbox job (numbered
   * over the whole timeline, a reload included), not an attempt of one call.
   */
  event(event: SturdyEvent, counted: 'attempt' | 'delivery' = 'attempt'): void {
    switch (event.type) {
      case 'cache':
        return void this.add('cache', CACHE_TITLE[event.outcome ?? 'miss'], CACHE_DETAIL[event.outcome ?? 'miss']);
      case 'request': {
        const what = counted === 'delivery' ? `Delivery ${this.count('request') + 1}` : `Attempt ${event.attempt}`;
        return void this.add('request', `${what}: ${event.method} ${shownUrl(event.url)}`);
      }
      case 'response':
        return void this.add(
          'response',
          `${event.status} ${STATUS_TEXT[event.status ?? 0] ?? ''}`.trim(),
          `${counted === 'delivery' ? 'the delivery' : `attempt ${event.attempt}`} took ${event.durationMs} ms`,
          (event.status ?? 0) >= 400 ? 'failed' : '',
        );
      case 'retry':
        if (event.reason === '401 refresh')
          return void this.add('refresh', 'Token refresh after 401', 'credentials renewed; repeating at once');
        if (event.reason === 'reconnect')
          return void this.add(
            'retry',
            `Reconnecting in ${event.delayMs} ms`,
            'the stream dropped: the next request sends Last-Event-ID to resume',
          );
        return void this.add(
          'retry',
          `Waiting ${event.delayMs} ms before attempt ${event.attempt}`,
          `because: ${event.reason}`,
        );
      case 'error':
        return void this.add('error', 'Failed', event.reason ?? '');
    }
  }

  /** A row for a request the mock API received: what a server would log, secrets redacted. */
  received(request: RecordedRequest): void {
    const headers = redactHeaders(redactor, request.headers);
    const shown = ['idempotency-key', 'authorization', 'x-api-key', 'last-event-id', 'if-none-match']
      .filter((name) => headers[name])
      .map((name) => `${name}: ${headers[name]}`);
    const url = redactor.url(request.url.pathname + request.url.search);
    if (request.url.pathname.startsWith('/oauth/')) {
      return void this.add(
        'token',
        `Token endpoint called: POST ${url}`,
        shown.join(' · ') || 'client credentials in the form body',
      );
    }
    this.add(
      'server',
      `Mock API received ${request.method} ${url}`,
      shown.join(' · ') || 'no Idempotency-Key, no credentials',
    );
  }
}
