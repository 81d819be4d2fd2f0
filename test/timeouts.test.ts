/**
 * The three timeouts against a real server: `timeout` per attempt until headers (and again for a
 * shortcut's body read), `totalTimeout` for the whole call, `idleTimeout` between the chunks of a
 * stream sturdy reads (sturdy/ndjson here, sturdy/sse in sse.test.ts); what a TimeoutError says and
 * carries; the caller's signal; and 0, which is refused.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bearer, createClient, HTTPError, isTimeoutError, TimeoutError, type SturdyEvent } from '../src/index.ts';
import { ndjsonRecords } from '../src/ndjson/index.ts';
import { printed } from './helpers/printed.ts';
import { elapsed, modes, startServer, wait, type TestServer } from './helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  server.route('/hang', modes.hang());
  server.route('/stall', modes.stallBody());
  server.route('/slow-ok', async (_request, response) => {
    await wait(150);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  server.route('/trickle', async (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    for (const chunk of ['[', '1,', '2,', '3', ']']) {
      response.write(chunk);
      await wait(60);
    }
    response.end();
  });
});
afterAll(() => server.close());

describe('timeout (per attempt, until headers)', () => {
  test('a hanging server rejects with TimeoutError within timeout + slack', async () => {
    const api = createClient({ baseUrl: server.url, retry: false, timeout: 200 });
    const { error, ms } = await elapsed(() => api.get('hang'));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(isTimeoutError(error)).toBe(true);
    expect((error as Error).message).toMatch(/timeout of 200 ms/);
    expect(ms).toBeGreaterThanOrEqual(190);
    expect(ms).toBeLessThan(1_000);
  });

  test('a slow but answering server within timeout succeeds', async () => {
    const api = createClient({ baseUrl: server.url, retry: false, timeout: 1_000 });
    await expect(api.get('slow-ok').json()).resolves.toEqual({ ok: true });
  });

  test('timeouts are retried by default and each attempt gets the full timeout', async () => {
    const before = server.requestsTo('/hang').length;
    const api = createClient({ baseUrl: server.url, timeout: 100, retry: { limit: 2, delay: () => 10 } });
    const { error, ms } = await elapsed(() => api.get('hang'));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(server.requestsTo('/hang').length - before).toBe(3);
    expect(ms).toBeGreaterThanOrEqual(300);
  });

  test('an attempt TimeoutError has a real Request with the sent headers, credentials removed', async () => {
    server.route('/hang-credentialed', modes.hang());
    const api = createClient({ baseUrl: server.url, retry: 0, timeout: 200, auth: bearer('timeout-secret-5') });
    const { error, ms } = await elapsed(() => api.get('hang-credentialed', { headers: { 'x-trace': 'abc' } }));
    expect(error).toBeInstanceOf(TimeoutError);
    const { request } = error as TimeoutError;
    expect(request).toBeInstanceOf(Request);
    expect(request.headers.get('x-trace')).toBe('abc');
    expect(request.headers.get('authorization')).toBeNull();
    expect((error as Error).message).toBe(`Request timed out (timeout of 200 ms): GET ${server.url}/hang-credentialed`);
    expect(printed(error)).not.toContain('timeout-secret-5');
    expect(ms).toBeGreaterThanOrEqual(190);
    expect(server.requestsTo('/hang-credentialed')[0]!.headers.authorization).toBe('Bearer timeout-secret-5');
  });
});

describe('totalTimeout (whole call)', () => {
  test('caps retries and waits: hang with timeout 150, total 400 -> TimeoutError near 400 ms', async () => {
    const api = createClient({
      baseUrl: server.url,
      timeout: 150,
      totalTimeout: 400,
      retry: { limit: 10, delay: () => 20, jitter: false },
    });
    const { error, ms } = await elapsed(() => api.get('hang'));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/totalTimeout of 400 ms/);
    expect(ms).toBeGreaterThanOrEqual(380);
    expect(ms).toBeLessThan(1_200);
  });

  test('a body stalled past totalTimeout says the configured limit, not the time that was left', async () => {
    server.route('/stall-total', modes.stallBody());
    const api = createClient({ baseUrl: server.url, totalTimeout: 400, idleTimeout: 5_000 });
    // A shortcut's read (ky races it against what is left of totalTimeout) and a stream's (the idle guard's deadline).
    const viaText = await elapsed(() => api.get('stall-total').text());
    const viaRecords = await elapsed(async () => {
      for await (const _record of ndjsonRecords(api.get('stall-total')));
    });
    for (const { error, ms } of [viaText, viaRecords]) {
      expect(error).toBeInstanceOf(TimeoutError);
      // Not the time left when the read began (a message like "totalTimeout of 93.07543799999996 ms").
      expect((error as Error).message).toMatch(/\(totalTimeout of 400 ms\)/);
      expect((error as { timeout?: string }).timeout).toBe('total');
      expect(ms).toBeLessThan(2_000);
    }
  });

  test("a server's wait longer than the time left fails at once with the server's answer, not a TimeoutError", async () => {
    server.route('/busy', modes.sequence([{ status: 503, headers: { 'retry-after': '5' } }]));
    const api = createClient({ baseUrl: server.url, totalTimeout: 3_000 });
    const { error, ms } = await elapsed(() => api.get('busy'));
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).response.status).toBe(503);
    expect((error as HTTPError & { retryAfter?: number }).retryAfter).toBe(5_000);
    // Waiting out the deadline would take 3 s.
    expect(ms).toBeLessThan(1_500);
    expect(server.requestsTo('/busy')).toHaveLength(1);
  });

  test('a backoff wait longer than the time left fails at once with a totalTimeout TimeoutError', async () => {
    server.route('/down-long', modes.sequence([503]));
    const api = createClient({
      baseUrl: server.url,
      totalTimeout: 3_000,
      retry: { delay: () => 5_000, backoffLimit: 5_000, jitter: false },
    });
    const { error, ms } = await elapsed(() => api.get('down-long'));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/totalTimeout of 3000 ms/);
    expect(ms).toBeLessThan(1_500);
  });
});

/** Reads every NDJSON record of a call: the stream read the idle guard bounds. */
const records = async (source: Response | Promise<Response>): Promise<unknown[]> => {
  const all: unknown[] = [];
  for await (const record of ndjsonRecords(source)) all.push(record);
  return all;
};

describe('idleTimeout (between the chunks of a stream sturdy reads)', () => {
  test('a stream that stalls after headers rejects with the idle TimeoutError, through the call or its awaited Response', async () => {
    const api = createClient({ baseUrl: server.url, retry: false, timeout: 5_000, idleTimeout: 250 });
    const viaCall = await elapsed(() => records(api.get('stall')));
    const viaResponse = await elapsed(() => api.get('stall').then(records));
    for (const { error, ms } of [viaCall, viaResponse]) {
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as Error).message).toMatch(/idleTimeout of 250 ms/);
      expect((error as { timeout?: string }).timeout).toBe('idle');
      expect(ms).toBeGreaterThanOrEqual(240);
      expect(ms).toBeLessThan(1_500);
    }
  });

  test("a shortcut's body read is bounded by timeout, not idleTimeout (ky races the whole read)", async () => {
    const api = createClient({ baseUrl: server.url, retry: false, timeout: 400, idleTimeout: 100 });
    const { error, ms } = await elapsed(() => api.get('stall').json());
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/\(timeout of 400 ms\)/);
    expect((error as { timeout?: string }).timeout).toBe('attempt');
    expect(ms).toBeGreaterThanOrEqual(380);
    expect(ms).toBeLessThan(2_000);
  });

  test('an awaited Response read by the caller is not bounded by idleTimeout: its signal ends the read', async () => {
    const api = createClient({ baseUrl: server.url, retry: false, idleTimeout: 150 });
    const controller = new AbortController();
    const response = await api.get('stall', { signal: controller.signal });
    expect(response.status).toBe(200);
    const reading = response.text();
    reading.catch(() => {});
    // Four idle limits later the read still waits for the server.
    expect(
      await Promise.race([
        reading.then(
          () => 'read',
          () => 'failed',
        ),
        wait(600).then(() => 'waiting'),
      ]),
    ).toBe('waiting');
    controller.abort(new Error('user left'));
    await expect(reading).rejects.toThrow('user left');
  });

  test('a stream that keeps trickling within the idle limit completes, though the whole read takes longer', async () => {
    const api = createClient({ baseUrl: server.url, retry: false, idleTimeout: 200 });
    const { value, error, ms } = await elapsed(() => records(api.get('trickle')));
    expect(error).toBeUndefined();
    // The five chunks of `[1,2,3]` make one record (the last line needs no line break).
    expect(value).toEqual([[1, 2, 3]]);
    expect(ms).toBeGreaterThanOrEqual(240);
  });

  test('the Response a call gives says what fetch said: status, headers, url, redirected, type', async () => {
    server.route('/to-trickle', modes.redirect('/trickle', 302));
    const api = createClient({ baseUrl: server.url, retry: false, idleTimeout: 1_000 });
    for (const path of ['/trickle', '/to-trickle']) {
      const raw = await fetch(`${server.url}${path}`);
      const given = await api.get(path.slice(1));
      for (const field of ['status', 'statusText', 'url', 'redirected', 'type', 'ok'] as const)
        expect(given[field]).toEqual(raw[field]);
      expect(given.headers.get('content-type')).toBe(raw.headers.get('content-type'));
      expect(given).toBeInstanceOf(Response);
      await expect(given.json()).resolves.toEqual(await raw.json());
    }
  });

  test('an unread body does not time out: a stream read after a longer wait than idleTimeout completes', async () => {
    const api = createClient({ baseUrl: server.url, retry: false, idleTimeout: 100 });
    const response = await api.get('trickle');
    await wait(250);
    await expect(records(response)).resolves.toEqual([[1, 2, 3]]);
  });

  test('an idle TimeoutError names the method and URL (query redacted), and its request carries no credential', async () => {
    const api = createClient({ baseUrl: server.url, retry: 0, idleTimeout: 250, auth: bearer('idle-secret-4') });
    const { error, ms } = await elapsed(() =>
      records(api.get('stall', { searchParams: { token: 'idle-secret-3' }, headers: { 'x-trace': 'abc' } })),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe(
      `Request timed out (idleTimeout of 250 ms): GET ${server.url}/stall?token=[REDACTED]`,
    );
    const { request } = error as TimeoutError;
    expect(request).toBeInstanceOf(Request);
    expect(request.url).toBe(`${server.url}/stall?token=[REDACTED]`);
    expect(request.headers.get('x-trace')).toBe('abc');
    expect(request.headers.get('authorization')).toBeNull();
    expect(printed(error)).not.toMatch(/idle-secret-[34]/);
    expect(ms).toBeGreaterThanOrEqual(240);
  });

  test("a shortcut's TimeoutError names the URL (query redacted) and its error event carries durationMs", async () => {
    const events: SturdyEvent[] = [];
    const api = createClient({ baseUrl: server.url, retry: 0, timeout: 250, onEvent: (event) => events.push(event) });
    const { error, ms } = await elapsed(() => api.get('stall', { searchParams: { token: 'idle-secret-3' } }).json());
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe(
      `Request timed out (timeout of 250 ms): GET ${server.url}/stall?token=[REDACTED]`,
    );
    expect(ms).toBeGreaterThanOrEqual(240);
    const failures = events.filter((event) => event.type === 'error');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.durationMs).toBeGreaterThanOrEqual(240);
    expect(failures[0]!.reason).not.toContain('idle-secret-3');
  });
});

describe("the caller's signal", () => {
  test('aborting a hanging request rejects at once with the abort reason', async () => {
    const api = createClient({ baseUrl: server.url, timeout: 10_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user left')), 100);
    const { error, ms } = await elapsed(() => api.get('hang', { signal: controller.signal }));
    expect(ms).toBeLessThan(1_000);
    expect(error).toBeDefined();
    expect(error).not.toBeInstanceOf(TimeoutError);
  });

  test('aborting a stalled body read rejects it', async () => {
    const api = createClient({ baseUrl: server.url, retry: false, idleTimeout: 10_000 });
    const controller = new AbortController();
    const response = await api.get('stall', { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const { error, ms } = await elapsed(() => response.text());
    expect(error).toBeDefined();
    expect(ms).toBeLessThan(1_000);
  });

  // A caller's fetch gets a copy of ky's request that carries the JSON body; the copy must abort with ky's request.
  const viaCallersFetch = {
    retry: false,
    timeout: false,
    totalTimeout: false,
    fetch: (input: RequestInfo | URL) => fetch(input),
  } as const;

  test("with every timeout off, over a caller's fetch: aborting a hanging JSON POST rejects at once", async () => {
    const api = createClient({ baseUrl: server.url, ...viaCallersFetch });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user left')), 100);
    const { error, ms } = await elapsed(() => api.post('hang', { json: { a: 1 }, signal: controller.signal }));
    expect(ms).toBeLessThan(1_000);
    expect(String(error)).toContain('user left');
  });

  test("with every timeout off, over a caller's fetch: a Request input's signal aborts the call", async () => {
    const api = createClient({ ...viaCallersFetch });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('page closed')), 100);
    const input = new Request(`${server.url}/hang`, { method: 'POST', signal: controller.signal });
    const { error, ms } = await elapsed(() => api(input, { json: { a: 1 } }));
    expect(ms).toBeLessThan(1_000);
    expect(String(error)).toContain('page closed');
  });

  test.each([
    ['timeout', { timeout: 200 }],
    ['totalTimeout', { totalTimeout: 300 }],
  ] as const)(
    "over a caller's fetch, %s also ends the request it sent (the server sees it close)",
    async (name, limit) => {
      let closed = false;
      server.route(`/hang-watched-${name}`, (_request, _response, _n, raw) => {
        raw.socket.once('close', () => (closed = true));
        return new Promise(() => {});
      });
      const api = createClient({ baseUrl: server.url, ...viaCallersFetch, ...limit });
      const { error } = await elapsed(() => api.post(`hang-watched-${name}`, { json: { a: 1 } }));
      expect(error).toBeInstanceOf(TimeoutError);
      for (let waited = 0; !closed && waited < 2_000; waited += 50) await wait(50);
      expect(closed).toBe(true);
    },
  );

  test("an abort during the body read stays the caller's abort", async () => {
    const controller = new AbortController();
    const api = createClient({ baseUrl: server.url });
    const response = await api.get('stall', { signal: controller.signal });
    const reading = response.text();
    controller.abort(new Error('user left'));
    await expect(reading).rejects.toThrow('user left');
  });
});

describe('timeout: 0 is refused, not read as "none" nor as "fail at once"', () => {
  test.each(['timeout', 'totalTimeout', 'idleTimeout'] as const)(
    '%s: 0 is a TypeError naming it, at createClient, extend and per call',
    async (name) => {
      const path = `/zero-${name}`;
      server.route(path, modes.echo());
      const message = new RegExp(`option \`${name}\` must be a positive number of ms.*or false; got 0`);
      expect(() => createClient({ [name]: 0 })).toThrow(message);
      const api = createClient({ baseUrl: server.url });
      expect(() => api.extend({ [name]: 0 })).toThrow(message);
      const { error } = await elapsed(() => api.get(path.slice(1), { [name]: 0 }));
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(message);
      expect(server.requestsTo(path)).toHaveLength(0);
      // `false` is the way to say none.
      expect(await api.get(path.slice(1), { [name]: false }).json()).toMatchObject({ url: path });
    },
  );
});
