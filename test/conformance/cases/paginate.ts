/**
 * sturdy/paginate in every runtime: Link and cursor pages walked lazily, each page a full call
 * (credential scoping across origins, schema), loops refused. The server's echo routes serve the
 * pages; a call middleware writes their Link headers, so no route of its own is needed.
 */
import * as v from 'valibot';
import type { Middleware } from '../../../src/index.ts';
import type { CaseContext, Echo, Received } from '../context.ts';
import { expect, rejection } from '../harness.ts';

type PaginateModule = typeof import('../../../src/paginate/index.ts');

/** A query value of a URL as the server saw it (path and query). */
const param = (path: string, name: string) => new URL(path, 'http://x').searchParams.get(name);

/** Adds the Link header `link(page)` writes to each echoed page (a Response's headers are immutable: a copy). */
const withLinks =
  (link: (page: number) => string | undefined): Middleware =>
  async (request, next) => {
    const response = await next(request);
    const header = link(Number(new URL(request.url).searchParams.get('page') ?? 1));
    if (!header) return response;
    const headers = new Headers(response.headers);
    headers.set('link', header);
    return new Response(response.body, { status: response.status, headers });
  };

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/**
 * @example
 * registerPaginateCases(createContext(registry, { url, runtime: 'deno', sturdy, entries: { paginate } }));
 */
export function registerPaginateCases({ registry, url, sturdy, api, received, otherOrigin, entry }: CaseContext): void {
  const { paginate, isPaginationError } = entry<PaginateModule>('paginate');
  const runOf = () => `run-${crypto.randomUUID()}`;
  const sentFor = async (path: string, run: string): Promise<Received[]> =>
    (await received(path)).filter((request) => request.url.includes(run));

  registry.test(
    'paginate: relative Link rel="next" (several rels, quoted commas) followed lazily to the last page',
    async () => {
      const run = runOf();
      const links = withLinks((page) =>
        page < 3 ? `<auth-echo?page=${page + 1}&run=${run}>; rel="next last"; title="a, b; c"` : undefined,
      );
      const pages = paginate(api, `auth-echo?page=1&run=${run}`, {
        items: (echo: Echo) => [param(echo.url, 'page')],
        use: [links],
      });
      expect((await pages.next()).value).toBe('1');
      expect((await sentFor('/auth-echo', run)).length).toBe(1);
      expect(await collect(pages)).toEqual(['2', '3']);
      expect((await sentFor('/auth-echo', run)).map((request) => param(request.url, 'page'))).toEqual(['1', '2', '3']);
    },
  );

  registry.test("paginate: a cursor goes out as a search parameter merged with the first page's", async () => {
    const run = runOf();
    const cursors = paginate(api, 'auth-echo', {
      searchParams: { run, limit: 2 },
      items: (echo: Echo) => [param(echo.url, 'cursor')],
      next: ({ number }) => (number < 3 ? { searchParams: { cursor: `c${number + 1}` } } : undefined),
    });
    expect(await collect(cursors)).toEqual([null, 'c2', 'c3']);
    const sent = (await sentFor('/auth-echo', run)).map((request) => param(request.url, 'limit'));
    expect(sent).toEqual(['2', '2', '2']);
  });

  registry.test('paginate: a next page on another origin goes out without credentials', async () => {
    const run = runOf();
    const elsewhere = `${await otherOrigin()}/landing?page=2&run=${run}`;
    const authed = sturdy.createClient({ baseUrl: `${url}/`, auth: sturdy.bearer('tok-PAGINATE-secret') });
    const echoes = await collect(
      paginate(authed, `auth-echo?run=${run}`, {
        items: (echo: Echo) => [echo],
        next: ({ number }) => (number === 1 ? elsewhere : undefined),
      }),
    );
    expect(echoes.map((echo) => echo.headers.authorization)).toEqual(['Bearer tok-PAGINATE-secret', undefined]);
  });

  registry.test('paginate: a schema mismatch on page 2 is a ValidationError naming the page', async () => {
    const run = runOf();
    const NoPageTwo = v.object({
      url: v.pipe(
        v.string(),
        v.check((text) => !text.includes('page=2'), 'page 2 is refused'),
      ),
    });
    const links = withLinks((page) => `<auth-echo?page=${page + 1}&run=${run}&token=t0ken-value>; rel=next`);
    const error = await rejection(
      collect(
        paginate(api, `auth-echo?page=1&run=${run}`, { schema: NoPageTwo, items: (echo) => [echo.url], use: [links] }),
      ),
    );
    expect(error).toSatisfy(sturdy.isValidationError);
    expect((error as { page?: number }).page).toBe(2);
    expect((error as Error).message).toMatch(
      /^page 2 from http:\/\/127\.0\.0\.1:\d+\/auth-echo\?page=2&run=run-[\w-]+&token=\[REDACTED\] invalid at \$\.url: page 2 is refused/,
    );
    expect(JSON.stringify(error) + String(error)).notToContain('t0ken-value');
  });

  registry.test(
    'paginate: a next link back to a fetched page is a PaginationError; the repeat is never sent',
    async () => {
      const run = runOf();
      const links = withLinks(() => `<auth-echo?page=1&run=${run}>; rel=next`);
      const error = await rejection(
        collect(paginate(api, `auth-echo?page=1&run=${run}`, { items: (echo: Echo) => [echo], use: [links] })),
      );
      expect(error).toSatisfy(isPaginationError);
      expect((error as { reason?: string }).reason).toBe('loop');
      expect((await sentFor('/auth-echo', run)).length).toBe(1);
    },
  );
}
