// README's Pagination example, run as written against local servers; only hosts and import specifiers are swapped.
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startServer, type TestServer } from './helpers/server.ts';

const run = promisify(execFile);
let server: TestServer;
const repos = Array.from({ length: 5 }, (_, index) => ({
  full_name: `nodejs/repo-${index}`,
  stargazers_count: 10 * (index + 1),
}));
const orders = Array.from({ length: 130 }, (_, index) => ({ id: `ord_${index + 1}` }));

beforeAll(async () => {
  server = await startServer();
  // GitHub: two repos a page (whatever per_page says), absolute Link URLs keeping the query.
  server.route('/orgs/nodejs/repos', (request, response) => {
    const url = new URL(request.url, server.url);
    const page = Number(url.searchParams.get('page') ?? 1);
    const to = (n: number) => (url.searchParams.set('page', String(n)), url.href);
    const last = Math.ceil(repos.length / 2);
    const link = page < last ? `<${to(page + 1)}>; rel="next", <${to(last)}>; rel="last"` : `<${to(1)}>; rel="first"`;
    const remaining = String(60 - server.requestsTo('/orgs/nodejs/repos').length);
    response
      .writeHead(200, { 'content-type': 'application/json', link, 'x-ratelimit-remaining': remaining })
      .end(JSON.stringify(repos.slice((page - 1) * 2, page * 2)));
  });
  server.route('/v1/orders', (request, response) => {
    const params = new URL(request.url, server.url).searchParams;
    const start = Number(params.get('cursor') ?? 0);
    const limit = Number(params.get('limit'));
    const next = start + limit < orders.length ? String(start + limit) : null;
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ data: orders.slice(start, start + limit), next_cursor: next }));
  });
});
afterAll(() => server.close());

test("README's Pagination example runs as written", async () => {
  const readme = readFileSync('README.md', 'utf8');
  const example = /## Pagination\s[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toBeDefined();
  const source = example!
    .replace("from 'sturdy/paginate'", `from ${JSON.stringify(resolve('src/paginate/index.ts'))}`)
    .replace("from 'sturdy'", `from ${JSON.stringify(resolve('src/index.ts'))}`)
    .replaceAll('https://api.github.com/', `${server.url}/`)
    .replaceAll('https://api.example.com/v1/', `${server.url}/v1/`);
  const file = `.ci/readme-paginate.${process.pid}.tmp.ts`;
  writeFileSync(file, source);
  let stdout: string;
  try {
    ({ stdout } = await run(process.execPath, [file], { env: { ...process.env, GITHUB_TOKEN: 'ghp_readme-token' } }));
  } finally {
    rmSync(file, { force: true });
  }
  const lines = stdout.trim().split('\n');
  expect(lines[0]).toBe('150 stars');
  expect(lines.slice(1, 121)).toEqual(orders.slice(0, 120).map((order) => order.id));
  expect(lines.slice(121)).toEqual([
    'page 1: 2 repos, 56 requests left',
    'page 2: 2 repos, 55 requests left',
    'page 3: 1 repos, 54 requests left',
  ]);
  const github = server.requestsTo('/orgs/nodejs/repos');
  const walk = [
    '/orgs/nodejs/repos?per_page=100',
    '/orgs/nodejs/repos?per_page=100&page=2',
    '/orgs/nodejs/repos?per_page=100&page=3',
  ];
  expect(github.map((request) => request.url)).toEqual([
    ...walk,
    '/orgs/nodejs/repos',
    '/orgs/nodejs/repos?page=2',
    '/orgs/nodejs/repos?page=3',
  ]);
  expect(new Set(github.map((request) => request.headers.authorization))).toEqual(new Set(['Bearer ghp_readme-token']));
  // maxItems 120 stops in page 3 (items 101-150): no fourth request; limit stays on every page.
  const sent = server.requestsTo('/v1/orders').map((request) => new URL(request.url, server.url).searchParams);
  expect(sent.map((params) => [params.get('limit'), params.get('cursor')])).toEqual([
    ['50', null],
    ['50', '50'],
    ['50', '100'],
  ]);
});
