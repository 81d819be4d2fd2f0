/**
 * The suite's one real HTTP server: node:http on 127.0.0.1, random port,
 * routes with fault modes, and a record of every request it received.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ReceivedRequest = {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** ms since the server started, when the request was fully read. */
  at: number;
};

/** A route: handles one request; `n` counts requests to this route from 0. */
export type Handler = (
  request: ReceivedRequest,
  response: ServerResponse,
  n: number,
  raw: IncomingMessage,
) => void | Promise<void>;

export type TestServer = {
  /** `http://127.0.0.1:PORT` */
  url: string;
  origin: string;
  port: number;
  /** Every request received, in order. */
  requests: ReceivedRequest[];
  /** Requests to one path (query ignored). */
  requestsTo(path: string): ReceivedRequest[];
  route(path: string, handler: Handler): void;
  close(): Promise<void>;
};

/** Server-wide behaviour. */
export type ServerOptions = {
  /**
   * Answer CORS preflights (not recorded, not routed) and allow every origin on
   * every response, so a browser page on another origin can call the server.
   */
  cors?: boolean;
};

export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const routes = new Map<string, Handler>();
  const counts = new Map<string, number>();
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const started = performance.now();

  const server = createServer(async (raw, response) => {
    if (options.cors && answerCors(raw, response)) return;
    const chunks: Buffer[] = [];
    for await (const chunk of raw) chunks.push(chunk as Buffer);
    const request: ReceivedRequest = {
      method: raw.method ?? 'GET',
      url: raw.url ?? '/',
      headers: raw.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      at: performance.now() - started,
    };
    requests.push(request);
    const path = request.url.split('?')[0]!;
    const handler = routes.get(path);
    const n = counts.get(path) ?? 0;
    counts.set(path, n + 1);
    if (!handler) {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'no route', path }));
      return;
    }
    try {
      await handler(request, response, n, raw);
    } catch (error) {
      if (!response.headersSent) response.writeHead(500).end(String(error));
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    origin: url,
    port,
    requests,
    requestsTo: (path) => requests.filter((request) => request.url.split('?')[0] === path),
    route: (path, handler) => {
      routes.set(path, handler);
      counts.set(path, 0);
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type Reply = { status: number; headers?: Record<string, string>; body?: unknown };

const send = (response: ServerResponse, reply: Reply) => {
  const isText = typeof reply.body === 'string';
  const headers = {
    ...(reply.body !== undefined && !isText ? { 'content-type': 'application/json' } : {}),
    ...reply.headers,
  };
  response.writeHead(reply.status, headers);
  response.end(reply.body === undefined ? undefined : isText ? (reply.body as string) : JSON.stringify(reply.body));
};

/** Fault modes, each a Handler. */
export const modes = {
  /** JSON (or text, for a string body) with a status. */
  json:
    (status: number, body?: unknown, headers?: Record<string, string>): Handler =>
    (_request, response) =>
      send(response, { status, body, ...(headers ? { headers } : {}) }),
  /** Echoes what was received as JSON: method, headers, body (parsed when JSON). */
  echo:
    (status = 200): Handler =>
    (request, response) => {
      let body: unknown = request.body;
      try {
        body = request.body === '' ? undefined : JSON.parse(request.body);
      } catch {}
      send(response, { status, body: { method: request.method, url: request.url, headers: request.headers, body } });
    },
  /** Replies from a list in order (the last repeats): a status number or a full reply. */
  sequence:
    (replies: Array<number | Reply>): Handler =>
    (_request, response, n) => {
      const reply = replies[Math.min(n, replies.length - 1)]!;
      send(response, typeof reply === 'number' ? { status: reply, body: { status: reply } } : reply);
    },
  /** A status with Retry-After (seconds, or an HTTP-date string). */
  retryAfter:
    (status: number, retryAfter: string | number, then: Reply = { status: 200, body: { ok: true } }): Handler =>
    (_request, response, n) =>
      send(response, n === 0 ? { status, headers: { 'retry-after': String(retryAfter) }, body: { status } } : then),
  /** Never answers. */
  hang: (): Handler => () => new Promise(() => {}),
  /** Sends headers and a first chunk, then stalls forever. */
  stallBody:
    (status = 200, firstChunk = '{"items":['): Handler =>
    (_request, response) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.write(firstChunk);
    },
  /** Reads the request, then destroys the socket without answering. */
  drop: (): Handler => (_request, response) => {
    response.socket?.destroy();
  },
  /** An HTML page with status 200 (a proxy's error page, a login redirect target). */
  html:
    (status = 200, html = '<!doctype html><html><body><h1>Service unavailable</h1></body></html>'): Handler =>
    (_request, response) =>
      send(response, { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: html }),
  /** 204 No Content. */
  noContent: (): Handler => (_request, response) => {
    response.writeHead(204).end();
  },
  /** A redirect to `location` (absolute, maybe another origin). */
  redirect:
    (location: string, status = 307): Handler =>
    (_request, response) => {
      response.writeHead(status, { location }).end();
    },
  /**
   * A create endpoint that de-duplicates by Idempotency-Key: a new key (or no key)
   * creates a record (pushed to `created`), a known key gets the first record back.
   * The first `drops` requests of each key are processed, then the socket is
   * destroyed without an answer (the client cannot know the order exists).
   */
  processThenDrop: (drops: number, created: CreatedRecord[]): Handler => {
    const byKey = new Map<string, CreatedRecord>();
    const attempts = new Map<string, number>();
    return (request, response) => {
      const key = request.headers['idempotency-key'] as string | undefined;
      let record = key === undefined ? undefined : byKey.get(key);
      if (!record) {
        record = { id: created.length + 1, key, body: request.body };
        created.push(record);
        if (key !== undefined) byKey.set(key, record);
      }
      const attempt = key === undefined ? 0 : (attempts.get(key) ?? 0);
      if (key !== undefined) attempts.set(key, attempt + 1);
      if (attempt < drops) response.socket?.destroy();
      else send(response, { status: 201, body: { id: record.id } });
    };
  },
  /**
   * A rate-limited API: at most `limit` requests per fixed window of `windowMs`
   * (from the first request, or with `clock` aligned to the wall clock, as a
   * server counting whole seconds); beyond it, 429 with Retry-After in whole
   * seconds until the window ends. `tally` counts what was answered.
   */
  rateLimited: (
    limit: number,
    windowMs: number,
    tally = { ok: 0, limited: 0 },
    { clock = false }: { clock?: boolean } = {},
  ): Handler => {
    let windowStart: number | undefined;
    let used = 0;
    return (_request, response) => {
      const at = clock ? Date.now() : performance.now();
      windowStart ??= clock ? at - (at % windowMs) : at;
      if (at - windowStart >= windowMs) {
        windowStart += Math.floor((at - windowStart) / windowMs) * windowMs;
        used = 0;
      }
      if (used < limit) {
        used += 1;
        tally.ok += 1;
        return send(response, { status: 200, body: { ok: true } });
      }
      tally.limited += 1;
      const seconds = Math.max(1, Math.ceil((windowStart + windowMs - at) / 1000));
      send(response, { status: 429, headers: { 'retry-after': String(seconds) }, body: { error: 'rate_limited' } });
    };
  },
};

/** What `modes.processThenDrop` created: one entry per real creation. */
export type CreatedRecord = { id: number; key: string | undefined; body: string };

/** Waits ms (for server handlers that answer late). */
export const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a call and reports how it settled and how long it took (ms), without throwing. */
export const elapsed = async (run: () => Promise<unknown>) => {
  const start = performance.now();
  // A call that throws at once (bad options, as ky throws) counts as its error too.
  const outcome = await new Promise((resolve) => resolve(run())).then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );
  return { ...outcome, ms: performance.now() - start };
};

/** CORS mode: headers on every response; a preflight is answered here and reported as handled. */
function answerCors(raw: IncomingMessage, response: ServerResponse): boolean {
  response.setHeader('access-control-allow-origin', '*');
  response.setHeader('access-control-expose-headers', '*');
  if (raw.method !== 'OPTIONS' || !raw.headers['access-control-request-method']) return false;
  response.writeHead(204, {
    'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
    // `*` does not cover Authorization, so the requested names are echoed.
    'access-control-allow-headers': raw.headers['access-control-request-headers'] ?? '*',
    'access-control-max-age': '600',
  });
  response.end();
  return true;
}
