/**
 * ky's searchParams as ky documents them (readme "searchParams", "ky.extend": "search
 * parameters are accumulated"): every input form, merged with the input URL's query, layers
 * of create/extend/call appended, `undefined` deleting, through ky and through sturdy.
 *
 * sturdy cases that failed before the core ran on ky's pipeline (recorded on main 0bbb359; all pass now):
 * - an undefined value in the call deletes that key from the input URL: the key stays
 * - instance, extend and call layers accumulate: same-name layers replace instead of appending
 */
import type { Options } from 'ky';
import { describe, expect, test } from 'vitest';
import { implementations, useServer, type MakeClient } from './helpers/ky-compat.ts';
import { modes } from './helpers/server.ts';

const server = useServer();

/** The query the server received for one GET of `input` (relative to a new route), as ordered pairs. */
const sentQuery = async (make: MakeClient, options: Options, input = '', callOptions: Options = {}) => {
  const route = server.route('query', modes.json(200, {}));
  await make({ baseUrl: server.url, ...options })
    .get(`${route.path.slice(1)}${input}`, callOptions)
    .json();
  const [received] = route.received();
  return [...new URLSearchParams(received!.url.slice(route.path.length))];
};

describe.each(implementations)('%s', (_name, make) => {
  test.each([
    {
      form: 'a string',
      searchParams: 'a=1&b=two',
      expected: [
        ['a', '1'],
        ['b', 'two'],
      ],
    },
    { form: 'a string with a leading ?', searchParams: '?a=1', expected: [['a', '1']] },
    {
      form: 'an object of strings, numbers and booleans',
      searchParams: { a: 'x', n: 2, yes: true },
      expected: [
        ['a', 'x'],
        ['n', '2'],
        ['yes', 'true'],
      ],
    },
    {
      form: 'an object with undefined (dropped) and null (kept as "null")',
      searchParams: { gone: undefined, kept: null as unknown as string },
      expected: [['kept', 'null']],
    },
    {
      form: 'an array of pairs, keys repeating',
      searchParams: [
        ['tag', 'a'],
        ['tag', 'b'],
        ['n', 1],
      ] as Array<[string, string | number]>,
      expected: [
        ['tag', 'a'],
        ['tag', 'b'],
        ['n', '1'],
      ],
    },
    {
      form: 'a URLSearchParams',
      searchParams: new URLSearchParams([['q', 'café & more']]),
      expected: [['q', 'café & more']],
    },
  ])('$form', async ({ searchParams, expected }) => {
    expect(await sentQuery(make, {}, '', { searchParams: searchParams as Options['searchParams'] })).toEqual(expected);
  });

  test("merges with the input URL's own query by appending", async () => {
    expect(await sentQuery(make, {}, '?page=1&tag=x', { searchParams: { tag: 'y', sort: 'asc' } })).toEqual([
      ['page', '1'],
      ['tag', 'x'],
      ['tag', 'y'],
      ['sort', 'asc'],
    ]);
  });

  test('an undefined value in the call deletes that key from the input URL', async () => {
    expect(await sentQuery(make, {}, '?page=1&debug=1', { searchParams: { debug: undefined } })).toEqual([
      ['page', '1'],
    ]);
  });

  test('instance, extend and call layers accumulate: the same name is appended, not replaced', async () => {
    const route = server.route('query-layers', modes.json(200, {}));
    const api = make({ baseUrl: server.url, searchParams: { tag: 'client', client: 1 } }).extend({
      searchParams: [['tag', 'extend']],
    });
    await api.get(route.path.slice(1), { searchParams: new URLSearchParams({ tag: 'call' }) }).json();
    expect(route.received()[0]!.url).toBe(`${route.path}?tag=client&client=1&tag=extend&tag=call`);
  });

  test('an undefined value in a later layer deletes the key of the earlier layers; a later layer can add it again', async () => {
    const route = server.route('query-delete', modes.json(200, {}));
    const api = make({ baseUrl: server.url, searchParams: { apiKey: 'k', page: 1 } });
    const withoutKey = api.extend({ searchParams: { apiKey: undefined } });
    await withoutKey.get(route.path.slice(1)).json();
    await withoutKey.get(route.path.slice(1), { searchParams: { apiKey: 'again' } }).json();
    expect(route.received().map((request) => request.url)).toEqual([
      `${route.path}?page=1`,
      `${route.path}?page=1&apiKey=again`,
    ]);
  });

  test('instance searchParams are sent on every call, and a call does not change them for the next', async () => {
    const route = server.route('query-stable', modes.json(200, {}));
    const api = make({ baseUrl: server.url, searchParams: { v: 2 } });
    await api.get(route.path.slice(1), { searchParams: { one: 1 } }).json();
    await api.get(route.path.slice(1)).json();
    expect(route.received().map((request) => request.url)).toEqual([`${route.path}?v=2&one=1`, `${route.path}?v=2`]);
  });
});
