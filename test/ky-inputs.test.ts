/**
 * ky's inputs and call surface as ky documents them (readme "ky(input, options)", "input",
 * "baseUrl", "prefix", shortcuts, "throwHttpErrors", "onDownloadProgress"): string, URL and
 * Request inputs, the callable instance, every shortcut including `query`, through ky and
 * through sturdy.
 *
 * sturdy cases that failed before the core ran on ky's pipeline (recorded on main 0bbb359; all pass now):
 * - a Request input: TypeError 'the url must be a string or URL'
 * - callable instance: `api` is not a function
 * - every shortcut: no `query`
 * - Accept from the body shortcut: `.text()` sends accept application/json instead of text/*
 *
 * Scenarios sturdy does not pass yet run there as `test.fails`: helpers/ky-compat.ts PENDING_ON_STURDY.
 */
import { isHTTPError, type Progress } from 'ky';
import { describe, expect, test } from 'vitest';
import { implementations, knownDifference, outcomeOf, useServer } from './helpers/ky-compat.ts';
import { elapsed, modes } from './helpers/server.ts';

const server = useServer();

/** Paths the server received, in order, since `from` requests ago. */
const receivedPaths = (from: number) => server.server.requests.slice(from).map((request) => request.url);

describe.each(implementations)('%s', (name, make) => {
  const scenario = knownDifference(name);

  describe('URL resolution', () => {
    test('a relative string resolves against baseUrl by URL rules: `users` extends its path, `/users` replaces it', async () => {
      const before = server.server.requests.length;
      const api = make({ baseUrl: `${server.url}/api/`, throwHttpErrors: false });
      await api.get('users');
      await api.get('/users');
      await api.get('./users/1?x=1');
      expect(receivedPaths(before)).toEqual(['/api/users', '/users', '/api/users/1?x=1']);
    });

    test('an absolute string and a URL object bypass baseUrl', async () => {
      const route = server.route('absolute', modes.json(200, {}));
      const api = make({ baseUrl: 'http://127.0.0.1:9/unused/' });
      await api.get(route.url).json();
      await api.get(new URL(`${route.url}?from=url`)).json();
      expect(route.received().map((request) => request.url)).toEqual([route.path, `${route.path}?from=url`]);
    });

    test('prefix is joined with one slash before resolution, whatever the leading slash; then baseUrl resolves it', async () => {
      const before = server.server.requests.length;
      await make({ prefix: `${server.url}/api/`, throwHttpErrors: false }).get('/users');
      await make({ prefix: `${server.url}/api`, throwHttpErrors: false }).get('users');
      await make({ baseUrl: `${server.url}/v1/`, prefix: 'api', throwHttpErrors: false }).get('/users');
      expect(receivedPaths(before)).toEqual(['/api/users', '/api/users', '/v1/api/users']);
    });

    scenario(
      'prefix: every slash at the join collapses to one, an empty input is the prefix, a URL prefix works, a URL input ignores it',
      async () => {
        const before = server.server.requests.length;
        const get = (input: string | URL, prefix: string | URL) =>
          make({ prefix, throwHttpErrors: false }).get(input).text();
        await get('//bar', `${server.url}/foo`);
        await get('/bar', `${server.url}/foo//`);
        await get('', server.url);
        await get('', `${server.url}/`);
        await get('bar', new URL(`${server.url}/foo`));
        await get(new URL(`${server.url}/foo/bar`), `${server.url}/ignored`);
        expect(receivedPaths(before)).toEqual(['/foo/bar', '/foo/bar', '/', '/', '/foo/bar', '/foo/bar']);
      },
    );

    scenario(
      'prefix with baseUrl: the joined string resolves by URL rules, so a leading slash on the prefix replaces the base path',
      async () => {
        const before = server.server.requests.length;
        const get = (input: string, prefix: string) =>
          make({ baseUrl: `${server.url}/api/`, prefix, throwHttpErrors: false })
            .get(input)
            .text();
        await get('/users', 'v1');
        await get('users', 'v1/');
        await get('users', '/v1');
        await get('/users', `${server.url}/other`);
        expect(receivedPaths(before)).toEqual(['/api/v1/users', '/api/v1/users', '/v1/users', '/other/users']);
      },
    );

    scenario(
      "only own options count: a prefixUrl inherited from the options object's prototype is ignored",
      async () => {
        const route = server.route('inherited', modes.json(200, { ok: true }));
        const options = Object.assign(Object.create({ prefixUrl: `${server.url}/nowhere` }), { prefix: server.url });
        expect(await make().get(route.path.slice(1), options).json()).toEqual({ ok: true });
      },
    );

    test('a Request input is sent with its own method, headers and body; baseUrl and prefix are ignored', async () => {
      const route = server.route('request-input', modes.echo(201));
      const api = make({ baseUrl: 'http://127.0.0.1:9/unused/', prefix: 'nope', headers: { 'x-app': 'shop' } });
      const request = new Request(route.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request': 'yes' },
        body: '{"sku":"A1"}',
      });
      expect(await api.post(request).json()).toMatchObject({ method: 'POST', body: { sku: 'A1' } });
      const [received] = route.received();
      expect(received!.url).toBe(route.path);
      expect([received!.headers['x-request'], received!.headers['x-app']]).toEqual(['yes', 'shop']);
    });
  });

  describe('the instance', () => {
    test('is callable: api(input) is a GET, api(input, { method }) any method, lowercase names uppercased', async () => {
      const route = server.route('callable', modes.echo());
      const api = make({ baseUrl: server.url });
      expect(await api(route.path.slice(1)).json()).toMatchObject({ method: 'GET' });
      expect(await api(route.path.slice(1), { method: 'put', json: { a: 1 } }).json()).toMatchObject({
        method: 'PUT',
        body: { a: 1 },
      });
    });

    test('has every shortcut, query included, each sending its method', async () => {
      const route = server.route('shortcuts', modes.json(200, {}));
      const api = make({ baseUrl: server.url });
      const path = route.path.slice(1);
      const shortcuts = ['get', 'post', 'put', 'patch', 'delete', 'head', 'query'] as const;
      for (const method of shortcuts) {
        const shortcut = api[method] as unknown;
        expect(typeof shortcut, `api.${method}`).toBe('function');
        await (shortcut as typeof api.get)(path, method === 'query' ? { json: { filter: 'open' } } : {});
      }
      expect(route.received().map((request) => request.method)).toEqual([
        'GET',
        'POST',
        'PUT',
        'PATCH',
        'DELETE',
        'HEAD',
        'QUERY',
      ]);
      expect(route.received().at(-1)!.body).toBe('{"filter":"open"}');
    });

    test('a body shortcut sets the Accept header for what it reads, unless the caller set one', async () => {
      const route = server.route('accept', modes.echo());
      const api = make({ baseUrl: server.url });
      await api.get(route.path.slice(1)).json();
      await api.get(route.path.slice(1)).text();
      await api.get(route.path.slice(1), { headers: { accept: 'application/vnd.api+json' } }).json();
      expect(route.received().map((request) => request.headers.accept)).toEqual([
        'application/json',
        'text/*',
        'application/vnd.api+json',
      ]);
    });
  });

  describe('arguments ky rejects at the call (a synchronous throw, not a rejected promise)', () => {
    scenario('an input that is not a string, URL or Request is a TypeError', async () => {
      const route = server.route('bad-input', modes.json(200, {}));
      const api = make({ baseUrl: server.url });
      for (const input of [0, {}, true]) {
        const outcome = await outcomeOf(() => api.get(input as never));
        expect(outcome, String(input)).toEqual({ threw: expect.any(TypeError) });
      }
      expect(route.received()).toEqual([]);
    });

    scenario('with baseUrl, an input whose scheme lacks `//` (`http:users`) is a TypeError', async () => {
      const outcome = await outcomeOf(() => make({ baseUrl: `${server.url}/api/` }).get('http:users'));
      expect(outcome).toEqual({ threw: expect.any(TypeError) });
    });

    scenario('prefixUrl (ky 1) on a call is an Error that names `prefix`', async () => {
      const outcome = await outcomeOf(() =>
        make({ baseUrl: server.url }).get('users', { prefixUrl: `${server.url}/api` } as never),
      );
      expect(outcome).toEqual({ threw: expect.any(Error) });
      expect((outcome as { threw: Error }).threw.message).toMatch(/`prefixUrl`.*`prefix`/);
    });

    scenario('json or body with GET or HEAD is a TypeError, and nothing is sent', async () => {
      const route = server.route('get-with-body', modes.echo());
      const api = make({ baseUrl: server.url });
      for (const method of ['get', 'head'] as const)
        for (const body of [{ json: { a: 1 } }, { body: 'a=1' }]) {
          const outcome = await outcomeOf(() => api[method](route.path.slice(1), body));
          expect(outcome, `${method} ${Object.keys(body)[0]}`).toEqual({ threw: expect.any(TypeError) });
        }
      expect(route.received()).toEqual([]);
    });

    scenario("a call's options that are not an object are a TypeError, and nothing is sent", async () => {
      const route = server.route('bad-options', modes.json(200, {}));
      const api = make({ baseUrl: server.url });
      for (const options of [null, 666, 'hello', [], true])
        expect(await outcomeOf(() => api.get(route.path.slice(1), options as never)), String(options)).toEqual({
          threw: expect.any(TypeError),
        });
      expect(route.received()).toEqual([]);
    });

    scenario('create and extend with options that are not an object are TypeErrors', async () => {
      const api = make({ baseUrl: server.url });
      for (const options of [true, 666, 'hello', [], null, () => {}, Symbol('ky')])
        expect(await outcomeOf(() => api.create(options as never)), String(options)).toEqual({
          threw: expect.any(TypeError),
        });
      // A function is extend's own form (it gets the parent's options), so it is not in this list.
      for (const options of [true, 666, 'hello', [], null])
        expect(await outcomeOf(() => api.extend(options as never)), String(options)).toEqual({
          threw: expect.any(TypeError),
        });
    });
  });

  describe('throwHttpErrors', () => {
    test('false: an error status resolves, and it is not retried', async () => {
      const route = server.route('no-throw', modes.json(503, { down: true }));
      const response = await make({ baseUrl: server.url, throwHttpErrors: false }).get(route.path.slice(1));
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ down: true });
      expect(route.received()).toHaveLength(1);
    });

    test('a function decides per status', async () => {
      const missing = server.route('fn-404', modes.json(404, { missing: true }));
      const broken = server.route('fn-500', modes.json(500, {}));
      const api = make({ baseUrl: server.url, retry: 0, throwHttpErrors: (status) => status !== 404 });
      expect((await api.get(missing.path.slice(1))).status).toBe(404);
      const { error } = await elapsed(() => api.get(broken.path.slice(1)));
      expect(isHTTPError(error) && error.response.status).toBe(500);
    });
  });

  test('onDownloadProgress reports every chunk up to percent 1, and the body is still readable', async () => {
    const records = Array.from({ length: 200 }, (_, id) => ({ id, name: `item ${id}` }));
    const route = server.route('progress', modes.json(200, records));
    const progress: Array<Progress & { chunk: number }> = [];
    const api = make({
      baseUrl: server.url,
      onDownloadProgress: (event, chunk) => void progress.push({ ...event, chunk: chunk.byteLength }),
    });
    expect(await api.get(route.path.slice(1)).json()).toEqual(records);
    const size = JSON.stringify(records).length;
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ percent: 1, transferredBytes: size, totalBytes: size });
    expect(progress.reduce((sum, event) => sum + event.chunk, 0)).toBe(size);
    expect(
      progress.every((event, index) => index === 0 || event.transferredBytes >= progress[index - 1]!.transferredBytes),
    ).toBe(true);
  });
});
