/**
 * sturdy/openapi: calls typed from an OpenAPI `paths` type, in every runtime: parameters encoded and appended to
 * the baseUrl as OpenAPI servers are, results narrowed by status, a POST retried with one Idempotency-Key.
 */
import { UUID, type CaseContext } from '../context.ts';
import { expect as check } from '../harness.ts';

type OpenApiModule = typeof import('../../../src/openapi/index.ts');

type Echo = { method: string; url: string; headers: Record<string, string>; body: unknown };
type Json<T> = { content: { 'application/json': T } };

/** The conformance server's OpenAPI routes, as openapi-typescript would type them. */
interface paths {
  '/openapi/items/{id}': {
    get: {
      parameters: {
        path: { id: string };
        query?: { tag?: string[]; filter?: { state?: string } };
        header: { 'X-Trace': string };
      };
      responses: { 200: Json<Echo>; 404: Json<{ error: string; detail: string }> };
    };
  };
  '/openapi/orders': {
    post: {
      requestBody: { content: { 'application/json': { sku: string } } };
      responses: { 201: Json<{ created: boolean }>; '5XX': Json<{ status: number }> };
    };
  };
}

/**
 * @example
 * registerOpenapiCases(createContext(registry, { url, runtime: 'deno', sturdy, entries }));
 */
export function registerOpenapiCases({ registry, sturdy, url, received, entry }: CaseContext): void {
  const { openapi } = entry<OpenApiModule>('openapi');
  // A baseUrl without the trailing slash: the path is still appended, not resolved against the origin.
  const api = openapi<paths>(sturdy.createClient({ baseUrl: url, retry: { limit: 2, delay: () => 10 } }));

  registry.test('openapi: a path parameter stays one encoded segment; query styles; header parameters', async () => {
    const res = await api.GET('/openapi/items/{id}', {
      params: {
        path: { id: '../admin?x=1#f' },
        query: { tag: ['x', 'y z'], filter: { state: 'open' } },
        header: { 'X-Trace': 't-1' },
      },
    });
    if (!res.ok) throw new Error(`expected ok; got ${res.status}`);
    check(res.status).toBe(200);
    check(res.data.url).toBe('/openapi/items/..%2Fadmin%3Fx%3D1%23f?tag=x&tag=y%20z&filter[state]=open');
    check(res.data.headers['x-trace']).toBe('t-1');
  });

  registry.test('openapi: an error status resolves with its body, narrowed by status; .data() throws', async () => {
    const res = await api.GET('/openapi/items/{id}', {
      params: { path: { id: 'missing' }, header: { 'X-Trace': 't-2' } },
    });
    check(res.ok).toBe(false);
    check(res.status).toBe(404);
    if (res.status === 404) check(res.error).toEqual({ error: 'not_found', detail: 'no such item' });
    const thrown = await api
      .GET('/openapi/items/{id}', { params: { path: { id: 'missing' }, header: { 'X-Trace': 't-3' } } })
      .data()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    check(sturdy.isHTTPError(thrown)).toBe(true);
  });

  registry.test('openapi: a POST body is JSON, retried after 503 with the same Idempotency-Key', async () => {
    const res = await api.POST('/openapi/orders', { body: { sku: 'A1' } });
    check(res.ok && res.data).toEqual({ created: true });
    const requests = await received('/openapi/orders');
    check(requests.length).toBe(2);
    check(requests[0]?.body).toBe('{"sku":"A1"}');
    check(requests[0]?.headers['idempotency-key']).toMatch(UUID);
    check(requests[1]?.headers['idempotency-key']).toBe(requests[0]?.headers['idempotency-key']);
  });

  registry.test('openapi: no response (a dropped connection) is status undefined with the error', async () => {
    const res = await api.GET('/openapi/items/{id}', {
      params: { path: { id: 'dropped' }, header: { 'X-Trace': 't-4' } },
      retry: 0,
    });
    check(res.ok).toBe(false);
    check(res.status).toBe(undefined);
    // Node and Deno name it NetworkError; Bun's and workerd's fetch errors are not recognised as one by ky.
    if (res.status === undefined) check(res.error).toBeInstanceOf(Error);
  });
}
