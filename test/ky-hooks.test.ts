/**
 * ky's hooks as ky documents them (readme "hooks", types/hooks.d.ts), through ky and through sturdy.
 *
 * sturdy cases that failed before the core ran on ky's pipeline (recorded on main 0bbb359; all pass now):
 * - init: mutations of json, searchParams, headers and retry: the hook's retry.limit 1 is lost (3 attempts)
 * - init: runs once per call: the hook runs again on the retry (3 runs for 2 calls)
 * - beforeRequest: runs once per call with retryCount 0: it runs on every attempt ([0, 0, 0])
 * - beforeRequest: an error it throws goes through beforeError: beforeError is not called
 * - beforeRetry: a returned Request is sent as the retry: ignored, and the remaining hooks still run
 * - beforeRetry: a returned Response is used instead of retrying: ignored, the retry is sent
 * - beforeRetry: ky.stop: the call rejects with the last HTTPError
 * - beforeError: the real request and the normalized options: a request without any header, and {} as options
 * - afterResponse: the retry count: it is 0 on the retry too (the replacement Response itself works)
 * - afterResponse: the token refresh with ky.retry({ request }): rejects with ForceRetryError
 *
 * Scenarios sturdy does not pass yet run there as `test.fails`: helpers/ky-compat.ts PENDING_ON_STURDY.
 */
import ky, {
  isForceRetryError,
  isHTTPError,
  isTimeoutError,
  type BeforeErrorHook,
  type BeforeErrorState,
  type BeforeRetryState,
} from 'ky';
import { describe, expect, test } from 'vitest';
import { implementations, knownDifference, outcomeOf, throwing, useServer } from './helpers/ky-compat.ts';
import { elapsed, modes } from './helpers/server.ts';

const server = useServer();

/**
 * What a Request from another realm looks like to this one: not an instance of this realm's Request,
 * only tagged as one (`Object.prototype.toString` says Request), with what fetch reads.
 */
const requestLike = (request: Request): Request =>
  ({
    get url() {
      return request.url;
    },
    get method() {
      return request.method;
    },
    get headers() {
      return request.headers;
    },
    get signal() {
      return request.signal;
    },
    [Symbol.toStringTag]: 'Request',
    clone: () => requestLike(request.clone()),
  }) as unknown as Request;

/** A fetch that takes a Request-like input (above) and sends what it carries. */
const fetchRequestLike = (input: Request) =>
  fetch(input.url, { method: input.method, headers: input.headers, signal: input.signal });

describe.each(implementations)('%s', (name, make) => {
  const scenario = knownDifference(name);

  describe('init', () => {
    test('mutations of json, searchParams, headers and retry are what the request is built from', async () => {
      const route = server.route('init', modes.sequence([503, 503, { status: 200, body: { ok: true } }]));
      const api = make({
        baseUrl: server.url,
        hooks: {
          init: [
            (options) => {
              options.json = { ...(options.json as object), added: true };
              options.searchParams = { apiKey: '123' };
              options.headers = { ...(options.headers as Record<string, string>), 'x-init': 'yes' };
              options.retry = { ...(options.retry as object), limit: 1 };
            },
          ],
        },
      });
      const { error } = await elapsed(() => api.put(route.path.slice(1), { json: { sku: 'A1' } }).json());
      expect(isHTTPError(error)).toBe(true);
      const received = route.received();
      // retry.limit 1 from the hook: 2 attempts, not the 3 a limit of 2 would make.
      expect(received).toHaveLength(2);
      expect(received[0]!.url).toBe(`${route.path}?apiKey=123`);
      expect(JSON.parse(received[0]!.body)).toEqual({ sku: 'A1', added: true });
      expect(received[0]!.headers['x-init']).toBe('yes');
    });

    test('runs once per call, and its mutations do not leak into the next call', async () => {
      const route = server.route('init-once', modes.sequence([503, { status: 200, body: {} }]));
      let runs = 0;
      const api = make({
        baseUrl: server.url,
        searchParams: { page: 1 },
        hooks: {
          init: [
            (options) => {
              runs += 1;
              const params = new URLSearchParams(options.searchParams as URLSearchParams);
              params.append('run', String(runs));
              options.searchParams = params;
            },
          ],
        },
      });
      await api.get(route.path.slice(1)).json();
      await api.get(route.path.slice(1)).json();
      expect(runs).toBe(2);
      expect(route.received().map((request) => request.url)).toEqual([
        `${route.path}?page=1&run=1`,
        `${route.path}?page=1&run=1`,
        `${route.path}?page=1&run=2`,
      ]);
    });

    test('an error it throws propagates unchanged, beforeError is not called and nothing is sent', async () => {
      const route = server.route('init-throws', modes.json(200, {}));
      const thrown = new Error('init refused');
      const beforeError: BeforeErrorState[] = [];
      const api = make({
        baseUrl: server.url,
        hooks: {
          init: [throwing(thrown)],
          beforeError: [(state) => (beforeError.push(state), state.error)],
        },
      });
      // Documented as synchronous; elapsed() catches a synchronous throw and a rejection alike.
      const { error } = await elapsed(async () => api.get(route.path.slice(1)).json());
      expect(error).toBe(thrown);
      expect(beforeError).toEqual([]);
      expect(route.received()).toEqual([]);
    });
    scenario('an error it throws is thrown at the call, not as a rejection', async () => {
      const route = server.route('init-throws-sync', modes.json(200, {}));
      const thrown = new Error('init refused');
      const api = make({ baseUrl: server.url, hooks: { init: [throwing(thrown)] } });
      expect(await outcomeOf(() => api.get(route.path.slice(1)))).toEqual({ threw: thrown });
      expect(route.received()).toEqual([]);
    });
  });

  describe('beforeRequest', () => {
    test('runs once per call with retryCount 0; what it sets is on every attempt', async () => {
      const route = server.route(
        'before-request-once',
        modes.sequence([503, 503, { status: 200, body: { ok: true } }]),
      );
      const counts: number[] = [];
      const retries: number[] = [];
      const api = make({
        baseUrl: server.url,
        hooks: {
          beforeRequest: [
            ({ request, retryCount }) => {
              counts.push(retryCount);
              request.headers.set('authorization', 'token initial-token');
            },
          ],
          beforeRetry: [({ retryCount }) => void retries.push(retryCount)],
        },
      });
      expect(await api.get(route.path.slice(1)).json()).toEqual({ ok: true });
      expect(counts).toEqual([0]);
      expect(retries).toEqual([1, 2]);
      expect(route.received().map((request) => request.headers.authorization)).toEqual([
        'token initial-token',
        'token initial-token',
        'token initial-token',
      ]);
    });

    test('runs once across a redirect, and afterResponse sees the final response', async () => {
      const target = server.route('redirect-target', modes.json(200, { landed: true }));
      const start = server.route('redirect-start', modes.redirect(target.url, 307));
      const counts: number[] = [];
      const finalUrls: string[] = [];
      const api = make({
        baseUrl: server.url,
        hooks: {
          beforeRequest: [({ retryCount }) => void counts.push(retryCount)],
          afterResponse: [({ response }) => void finalUrls.push(response.url)],
        },
      });
      expect(await api.get(start.path.slice(1)).json()).toEqual({ landed: true });
      expect(counts).toEqual([0]);
      expect(finalUrls).toEqual([target.url]);
      expect([start.received().length, target.received().length]).toEqual([1, 1]);
    });

    test('a returned Request replaces the outgoing one, and later hooks see it', async () => {
      const route = server.route('before-request-replace', modes.echo());
      const seenByLater: string[] = [];
      const api = make({
        baseUrl: server.url,
        hooks: {
          beforeRequest: [
            ({ request }) => {
              const url = new URL(request.url);
              url.searchParams.set('token', 'secret-token');
              return new Request(url, request);
            },
            ({ request }) => void seenByLater.push(request.url),
          ],
        },
      });
      await api.get(route.path.slice(1)).json();
      expect(route.received().map((request) => request.url)).toEqual([`${route.path}?token=secret-token`]);
      expect(seenByLater).toEqual([`${route.url}?token=secret-token`]);
    });

    scenario('a returned Request-like object (tagged Request, from another realm) is what is sent', async () => {
      const route = server.route('before-request-like', modes.echo());
      const api = make({
        baseUrl: server.url,
        fetch: fetchRequestLike as typeof fetch,
        hooks: {
          beforeRequest: [
            ({ request }) => {
              const headers = new Headers(request.headers);
              headers.set('x-tagged-request', 'yes');
              return requestLike(new Request(`${request.url}?tagged=1`, { method: request.method, headers }));
            },
          ],
        },
      });
      await api.get(route.path.slice(1)).json();
      expect(route.received().map((request) => [request.url, request.headers['x-tagged-request']])).toEqual([
        [`${route.path}?tagged=1`, 'yes'],
      ]);
    });

    test('a returned Response is used without a request; later beforeRequest hooks are skipped, afterResponse still runs', async () => {
      const route = server.route('before-request-response', modes.json(200, { from: 'server' }));
      const calls: string[] = [];
      const api = make({
        baseUrl: server.url,
        hooks: {
          beforeRequest: [
            () => (calls.push('first'), Response.json({ from: 'hook' })),
            () => void calls.push('second'),
          ],
          afterResponse: [({ response }) => void calls.push(`after ${response.status}`)],
        },
      });
      expect(await api.get(route.path.slice(1)).json()).toEqual({ from: 'hook' });
      expect(calls).toEqual(['first', 'after 200']);
      expect(route.received()).toEqual([]);
    });

    test('an error it throws is fatal (no retry) and goes through beforeError', async () => {
      const route = server.route('before-request-throws', modes.json(200, {}));
      const retries: BeforeRetryState[] = [];
      const states: BeforeErrorState[] = [];
      const api = make({
        baseUrl: server.url,
        hooks: {
          beforeRequest: [throwing(new Error('no token'))],
          beforeRetry: [(state) => void retries.push(state)],
          beforeError: [(state) => (states.push(state), new Error(`wrapped: ${state.error.message}`))],
        },
      });
      const { error } = await elapsed(() => api.get(route.path.slice(1)).json());
      expect((error as Error).message).toBe('wrapped: no token');
      expect(states).toHaveLength(1);
      expect(retries).toEqual([]);
      expect(route.received()).toEqual([]);
    });
  });

  describe('beforeRetry', () => {
    test('sees the HTTPError with .data; a returned Request is sent as the retry', async () => {
      const route = server.route(
        'before-retry-request',
        modes.sequence([
          { status: 503, body: { processId: 'p-7' } },
          { status: 200, body: { ok: true } },
        ]),
      );
      const errors: unknown[] = [];
      const api = make({
        baseUrl: server.url,
        hooks: {
          beforeRetry: [
            ({ request, error }) => {
              errors.push(error);
              if (
                isHTTPError(error) &&
                typeof error.data === 'object' &&
                error.data !== null &&
                'processId' in error.data
              ) {
                const url = new URL(request.url);
                url.searchParams.set('processId', String(error.data.processId));
                return new Request(url, request);
              }
            },
            throwing(new Error('skipped: a returned Request ends the beforeRetry hooks')),
          ],
        },
      });
      expect(await api.get(route.path.slice(1)).json()).toEqual({ ok: true });
      expect(errors).toHaveLength(1);
      expect(isHTTPError(errors[0])).toBe(true);
      expect(route.received().map((request) => request.url)).toEqual([route.path, `${route.path}?processId=p-7`]);
    });

    test('a returned Response is used instead of retrying', async () => {
      const route = server.route(
        'before-retry-response',
        modes.sequence([503, { status: 200, body: { from: 'server' } }]),
      );
      const api = make({ baseUrl: server.url, hooks: { beforeRetry: [() => Response.json({ from: 'cache' })] } });
      expect(await api.get(route.path.slice(1)).json()).toEqual({ from: 'cache' });
      expect(route.received()).toHaveLength(1);
    });

    test('returning ky.stop ends the call with an undefined response and no error', async () => {
      const route = server.route('before-retry-stop', modes.sequence([503, { status: 200, body: {} }]));
      const beforeError: unknown[] = [];
      const api = make({
        baseUrl: server.url,
        hooks: { beforeRetry: [() => ky.stop], beforeError: [(state) => (beforeError.push(state), state.error)] },
      });
      const { value, error } = await elapsed(() => api.get(route.path.slice(1)));
      expect(error).toBeUndefined();
      expect(value).toBeUndefined();
      expect(beforeError).toEqual([]);
      expect(route.received()).toHaveLength(1);
    });

    test('an error it throws stops retrying and propagates unchanged, past beforeError', async () => {
      const route = server.route('before-retry-throws', modes.sequence([503, { status: 200, body: {} }]));
      const thrown = new Error('refresh failed');
      const beforeError: unknown[] = [];
      const api = make({
        baseUrl: server.url,
        hooks: {
          beforeRetry: [throwing(thrown)],
          beforeError: [(state) => (beforeError.push(state), new Error('should not replace'))],
        },
      });
      const { error } = await elapsed(() => api.get(route.path.slice(1)).json());
      expect(error).toBe(thrown);
      expect(beforeError).toEqual([]);
      expect(route.received()).toHaveLength(1);
    });
  });

  describe('beforeError', () => {
    test('gets the real request, the normalized options, the error with .data and the retry count; its Error is thrown', async () => {
      const route = server.route('before-error', modes.json(500, { message: 'boom' }));
      const states: BeforeErrorState[] = [];
      const api = make({
        baseUrl: server.url,
        headers: { 'x-app': 'shop' },
        context: { tag: 'checkout' },
        hooks: {
          beforeError: [
            (state) => {
              states.push(state);
              const { error } = state;
              if (
                isHTTPError(error) &&
                typeof error.data === 'object' &&
                error.data !== null &&
                'message' in error.data
              ) {
                (error as Error).name = 'GitHubError';
                error.message = `${String(error.data.message)} (${error.response.status})`;
              }
              return error;
            },
          ],
        },
      });
      const { error } = await elapsed(() => api.get(route.path.slice(1)).json());
      expect((error as Error).name).toBe('GitHubError');
      expect((error as Error).message).toBe('boom (500)');
      expect(route.received()).toHaveLength(3);
      expect(states).toHaveLength(1);
      const [state] = states;
      expect(state!.retryCount).toBe(2);
      expect(state!.request.url).toBe(route.url);
      expect(state!.request.headers.get('x-app')).toBe('shop');
      expect(state!.options.method).toBe('GET');
      expect(state!.options.headers.get('x-app')).toBe('shop');
      expect(state!.options.context).toEqual({ tag: 'checkout' });
    });

    test('is called for a network error and a timeout too', async () => {
      const dropped = server.route('before-error-drop', modes.drop());
      const hung = server.route('before-error-hang', modes.hang());
      const names: string[] = [];
      const api = make({
        baseUrl: server.url,
        retry: 0,
        timeout: 200,
        hooks: { beforeError: [({ error }) => (names.push(error.name), error)] },
      });
      await elapsed(() => api.get(dropped.path.slice(1)).json());
      await elapsed(() => api.get(hung.path.slice(1)).json());
      expect(names).toEqual(['NetworkError', 'TimeoutError']);
    });
    /** The errors of three timeouts: an attempt's, a shortcut body read's, and totalTimeout over a hanging error body. */
    const timeoutsThrough = async (beforeError: BeforeErrorHook) => {
      const hung = server.route('before-error-hang-timeout', modes.hang());
      const stalled = server.route('before-error-body-timeout', modes.stallBody());
      const stalledError = server.route('before-error-500-timeout', modes.stallBody(500, '{"error":'));
      const api = make({ baseUrl: server.url, timeout: 300, retry: 0, hooks: { beforeError: [beforeError] } });
      const calls = [
        () => api.get(hung.path.slice(1)).json(),
        () => api.get(stalled.path.slice(1)).json(),
        () => api.get(stalledError.path.slice(1), { timeout: false, totalTimeout: 300, retry: 2 }).text(),
      ];
      const errors: unknown[] = [];
      for (const call of calls) errors.push((await elapsed(call)).error);
      return errors;
    };

    scenario('an Error it returns for a TimeoutError is what the caller gets', async () => {
      class Late extends Error {
        override name = 'Late';
      }
      const seen: boolean[] = [];
      const errors = await timeoutsThrough(({ error }) => {
        seen.push(isTimeoutError(error));
        return new Late(`late: ${error.name}`);
      });
      expect(seen).toEqual([true, true, true]);
      for (const error of errors) {
        expect(error).toBeInstanceOf(Late);
        expect((error as Error).message).toBe('late: TimeoutError');
      }
    });

    scenario('a TimeoutError it changes in place reaches the caller changed', async () => {
      const errors = await timeoutsThrough(({ error }) => {
        error.message = `retry later: ${error.name}`;
        return error;
      });
      expect(errors.map((error) => [isTimeoutError(error), (error as Error).message])).toEqual(
        Array.from({ length: 3 }, () => [true, 'retry later: TimeoutError']),
      );
    });
  });

  describe('afterResponse', () => {
    test('gets a clone of the response and the retry count; a returned Response replaces it', async () => {
      const route = server.route('after-response', modes.sequence([503, { status: 200, body: { from: 'server' } }]));
      const seen: Array<{ status: number; retryCount: number; body: unknown }> = [];
      const api = make({
        baseUrl: server.url,
        hooks: {
          afterResponse: [
            async ({ response, retryCount }) => {
              seen.push({ status: response.status, retryCount, body: await response.json() });
              if (response.ok) return Response.json({ from: 'hook' });
            },
          ],
        },
      });
      expect(await api.get(route.path.slice(1)).json()).toEqual({ from: 'hook' });
      expect(seen).toEqual([
        { status: 503, retryCount: 0, body: { status: 503 } },
        { status: 200, retryCount: 1, body: { from: 'server' } },
      ]);
    });

    test('the token-refresh pattern: a 401 answered with ky.retry({ request }) repeats with the new header', async () => {
      const route = server.route('after-response-refresh', (request, response) => {
        const ok = request.headers.authorization === 'Bearer fresh';
        response
          .writeHead(ok ? 200 : 401, { 'content-type': 'application/json' })
          .end(JSON.stringify(ok ? { ok: true } : { error: 'expired' }));
      });
      const retries: unknown[] = [];
      const api = make({
        baseUrl: server.url,
        headers: { authorization: 'Bearer stale' },
        hooks: {
          afterResponse: [
            ({ request, response, retryCount }) => {
              if (response.status === 401 && retryCount === 0) {
                const headers = new Headers(request.headers);
                headers.set('authorization', 'Bearer fresh');
                return ky.retry({ request: new Request(request, { headers }), code: 'TOKEN_REFRESHED' });
              }
            },
          ],
          beforeRetry: [({ error }) => void retries.push(error)],
        },
      });
      expect(await api.get(route.path.slice(1)).json()).toEqual({ ok: true });
      expect(route.received().map((request) => request.headers.authorization)).toEqual([
        'Bearer stale',
        'Bearer fresh',
      ]);
      expect(retries).toHaveLength(1);
      expect(isForceRetryError(retries[0])).toBe(true);
      expect((retries[0] as Error).message).toBe('Forced retry: TOKEN_REFRESHED');
    });

    test('an error it throws (other than ky.retry) is fatal: no retry', async () => {
      const route = server.route('after-response-throws', modes.sequence([503, { status: 200, body: {} }]));
      const thrown = new Error('bad envelope');
      const api = make({ baseUrl: server.url, hooks: { afterResponse: [throwing(thrown)] } });
      const { error } = await elapsed(() => api.get(route.path.slice(1)).json());
      expect(error).toBe(thrown);
      expect(route.received()).toHaveLength(1);
    });
  });
});
