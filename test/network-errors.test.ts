/**
 * Network errors against a real server: a NetworkError's message names its cause (refused, a name
 * that does not resolve) once, and a body cut off after the headers is a sturdy NetworkError, not
 * the runtime's `TypeError: terminated`, when sturdy reads it (a shortcut, sturdy/ndjson).
 */
import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { bearer, createClient, NetworkError, type SturdyEvent } from '../src/index.ts';
import { ndjsonRecords } from '../src/ndjson/index.ts';
import { printed } from './helpers/printed.ts';
import { elapsed, startServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  await server.close();
});

/** An origin nothing listens on: a server started and closed again. */
async function refusedOrigin(): Promise<string> {
  const closed = await startServer();
  await closed.close();
  return closed.url;
}

describe('a NetworkError message names its cause', () => {
  test('ECONNREFUSED', async () => {
    const origin = await refusedOrigin();
    const events: SturdyEvent[] = [];
    const api = createClient({ retry: 0, onEvent: (event) => events.push(event) });
    const { error } = await elapsed(() => api.get(`${origin}/x?api_key=net-secret-1`));
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toBe(
      `Request failed due to a network error: GET ${origin}/x?api_key=[REDACTED] (ECONNREFUSED)`,
    );
    expect((error as Error).stack).toContain('(ECONNREFUSED)');
    expect(printed(error)).not.toContain('net-secret-1');
    const [failure] = events.filter((event) => event.type === 'error');
    expect(failure!.reason).toContain('(ECONNREFUSED)');
    expect(typeof failure!.durationMs).toBe('number');
  });

  test('a name that does not resolve', async () => {
    // What a resolver answers for an unknown name differs by machine (ENOTFOUND, EAI_AGAIN, or a
    // hang where no resolver answers), so the lookup fetch's sockets use is made to fail as
    // getaddrinfo does; EAI_FAIL, which no resolver here gives, shows it was this lookup that ran.
    const dns = createRequire(import.meta.url)('node:dns') as { lookup: (...args: unknown[]) => void };
    const lookup = dns.lookup;
    const asked: string[] = [];
    dns.lookup = (host: unknown, ...rest: unknown[]) => {
      if (host !== 'no-such-host.invalid') return lookup.call(dns, host, ...rest);
      asked.push(host);
      const callback = rest.at(-1) as (error: Error) => void;
      process.nextTick(() =>
        callback(
          Object.assign(new Error(`getaddrinfo EAI_FAIL ${host}`), {
            code: 'EAI_FAIL',
            syscall: 'getaddrinfo',
            hostname: host,
          }),
        ),
      );
    };
    try {
      const api = createClient({ retry: 0 });
      const { error } = await elapsed(() => api.get('http://no-such-host.invalid/x'));
      expect(asked).toEqual(['no-such-host.invalid']);
      expect(error).toBeInstanceOf(NetworkError);
      expect((error as Error).message).toBe(
        'Request failed due to a network error: GET http://no-such-host.invalid/x (EAI_FAIL)',
      );
    } finally {
      dns.lookup = lookup;
    }
  });

  test('a retried one is named once, after the last attempt', async () => {
    const origin = await refusedOrigin();
    const events: SturdyEvent[] = [];
    const api = createClient({
      retry: { limit: 2, delay: () => 0, jitter: false },
      onEvent: (event) => events.push(event),
    });
    const { error } = await elapsed(() => api.get(`${origin}/x`));
    // Three attempts ran (so the cause was seen three times), and the message names it once.
    expect(events.filter((event) => event.type === 'request')).toHaveLength(3);
    expect((error as Error).message.match(/\(ECONNREFUSED\)/g)).toHaveLength(1);
  });
});

describe('a body cut off after the headers is a sturdy NetworkError when sturdy reads it', () => {
  /** Headers and a first chunk of a longer body, then the socket is destroyed. */
  const breakBody = (server: TestServer) =>
    server.route('/break', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      response.write('{"items":[1,2,');
      setTimeout(() => response.socket?.destroy(), 30);
    });

  test.each([
    ['.json()', (api: ReturnType<typeof createClient>) => api.get('break').json()],
    ['.text()', (api: ReturnType<typeof createClient>) => api.get('break').text()],
    [
      '.result()',
      async (api: ReturnType<typeof createClient>) => {
        const result = await api.get('break').result();
        if (!result.ok) throw result.error;
        return result.data;
      },
    ],
    [
      'ndjsonRecords(call)',
      async (api: ReturnType<typeof createClient>) => {
        for await (const _record of ndjsonRecords(api.get('break')));
      },
    ],
    [
      'ndjsonRecords(awaited Response)',
      async (api: ReturnType<typeof createClient>) => {
        for await (const _record of ndjsonRecords(await api.get('break')));
      },
    ],
  ])('%s', async (_name, read) => {
    breakBody(server);
    const api = createClient({ baseUrl: server.url, auth: bearer('body-secret-4') });
    const { error, ms } = await elapsed(() => read(api));
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toBe(
      `Request failed due to a network error: GET ${server.url}/break (other side closed)`,
    );
    expect((error as NetworkError).request.headers.get('authorization')).toBeNull();
    expect(printed(error)).not.toContain('body-secret-4');
    // It failed when the socket closed, not at the idle timeout (15 s).
    expect(ms).toBeLessThan(10_000);
    // A body read is not retried by ky: one request.
    expect(server.requestsTo('/break')).toHaveLength(1);
  });

  test.each([
    ['response.text()', (response: Response) => response.text()],
    [
      'response.body reader',
      async (response: Response) => {
        const reader = response.body!.getReader();
        for (;;) if ((await reader.read()).done) return;
      },
    ],
  ])(
    "an awaited Response read by the caller (%s) fails at once with the runtime's error, no credential in it",
    async (_name, read) => {
      breakBody(server);
      const api = createClient({ baseUrl: server.url, auth: bearer('body-secret-4') });
      const response = await api.get('break');
      const { error, ms } = await elapsed(() => read(response));
      // sturdy does not wrap a body it does not read (README, Timeouts): Node's fetch says `terminated`.
      expect(error).toBeInstanceOf(TypeError);
      expect(error).not.toBeInstanceOf(NetworkError);
      expect(printed(error)).not.toContain('body-secret-4');
      expect(ms).toBeLessThan(10_000);
      expect(server.requestsTo('/break')).toHaveLength(1);
    },
  );
});
