/**
 * A request recorder: every request msw sees (handled or not), with its
 * method, URL, headers and body, for asserting what the client really sent.
 */
import { now } from '../shared/clock.ts';

/**
 * One request as the mock network received it.
 * @example
 * const [first] = recorder.requests;
 * first?.headers.get('authorization'); await first?.json();
 */
export type RecordedRequest = {
  method: string;
  url: URL;
  /** A copy of the headers as sent (credentials included: this is your test's own data). */
  headers: Headers;
  /** ms since the recorder started. */
  at: number;
  /** The body as text ('' when none). */
  text(): Promise<string>;
  /** The body parsed as JSON (undefined when empty). */
  json(): Promise<unknown>;
};

/**
 * The part of msw's `setupServer()` / `setupWorker()` the recorder needs.
 * @example
 * recordRequests(setupServer()); recordRequests(setupWorker());
 */
export type RecordableNetwork = {
  events: {
    on(type: 'request:start', listener: (event: { request: Request }) => void): unknown;
    removeListener(type: 'request:start', listener: (event: { request: Request }) => void): unknown;
  };
};

/**
 * Records requests seen by an msw server or worker.
 * @example
 * const recorder = recordRequests(server);
 * await api.post('orders', { json: { sku: 'A1' } });
 * const [sent] = recorder.requests;
 * expect(sent?.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
 * expect(await sent?.json()).toEqual({ sku: 'A1' });
 * recorder.stop();
 */
export function recordRequests(
  network: RecordableNetwork,
  options: {
    /** Called with each request as it is recorded (a live log). */
    onRequest?: (request: RecordedRequest) => void;
  } = {},
): {
  /** Every request recorded so far, in order. */
  readonly requests: readonly RecordedRequest[];
  /** Requests whose path (query ignored) equals `path`. */
  to(path: string): RecordedRequest[];
  /** Forgets what was recorded. */
  clear(): void;
  /** Stops recording. */
  stop(): void;
} {
  const requests: RecordedRequest[] = [];
  const started = now();
  const listener = ({ request }: { request: Request }) => {
    // Cloned now, before a handler consumes the body; read only when asked.
    const copy = request.clone();
    let body: Promise<string> | undefined;
    const text = () => (body ??= copy.text());
    const recorded: RecordedRequest = {
      method: request.method,
      url: new URL(request.url),
      headers: new Headers(request.headers),
      at: now() - started,
      text,
      json: async () => {
        const value = await text();
        return value === '' ? undefined : JSON.parse(value);
      },
    };
    requests.push(recorded);
    options.onRequest?.(recorded);
  };
  network.events.on('request:start', listener);
  return {
    requests,
    to: (path) => requests.filter((request) => request.url.pathname === path),
    clear: () => void (requests.length = 0),
    stop: () => void network.events.removeListener('request:start', listener),
  };
}
