/**
 * The three builds (src/shared/platform.ts): what each runtime's resolver or bundler gets from the BUILT package.
 * Node, Bun and Deno get dist/node (everything), a browser bundler dist/browser, every other runtime dist/ (the
 * default). `npm test` builds first (pretest).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { modes, startServer, type TestServer } from '../helpers/server.ts';

/** The built browser build's main entry (a variable: dist does not exist when CI checks types). */
const BROWSER_BUILD = pathToFileURL(resolve('dist/browser/index.js')).href;

const APP = `import { createClient, bearer } from 'sturdy';
const api = createClient({ baseUrl: 'https://x/', auth: bearer('t') });
export const f = () => api.post('y', { json: { a: 1 } }).json();`;

/** The one-call app bundled by esbuild for `platform` with these export conditions (unminified, to read it). */
async function bundle(platform: 'browser' | 'node' | 'neutral', conditions?: string[]): Promise<string> {
  const result = await build({
    stdin: { contents: APP, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    format: 'esm',
    platform,
    ...(conditions ? { conditions } : {}),
    external: ['ky'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Code that only some builds hold, by a string only it holds. */
const SOCKETS = {
  'naming a socket error code': 'Failed to fetch|Load failed',
  'the stale keep-alive socket rule': 'UND_ERR_SOCKET',
};
const SERVER_ONLY = {
  'the relative-URL hint': 'pass an absolute URL or set baseUrl',
  'following a credentialed redirect in code': 'over 20 redirects',
};
const holds = (code: string, texts: Record<string, string>, expected: boolean) => {
  for (const [what, text] of Object.entries(texts)) expect(code.includes(text), what).toBe(expected);
};

test('a browser bundler gets the browser build: no code a browser cannot run', async () => {
  const code = await bundle('browser');
  expect(code).toContain('dist/browser/');
  holds(code, { ...SOCKETS, ...SERVER_ONLY }, false);
});

test.each([
  ['Node', 'node', undefined],
  ['Bun', 'neutral', ['bun', 'node']],
  ['Deno', 'neutral', ['deno', 'node']],
] as const)('%s gets the Node build: everything', async (_, platform, conditions) => {
  const code = await bundle(platform, conditions ? [...conditions] : undefined);
  expect(code).toContain('dist/node/');
  holds(code, { ...SOCKETS, ...SERVER_ONLY }, true);
});

test.each([
  ['Cloudflare workerd (wrangler conditions)', ['workerd', 'worker', 'browser']],
  ['Vercel edge (edge-light conditions)', ['edge-light', 'worker', 'browser']],
  ['a bundler with no condition (dist/index.js)', []],
] as const)('%s gets the default build: redirects kept home, no socket diagnostics', async (_, conditions) => {
  const code = await bundle('neutral', [...conditions]);
  expect(code).not.toMatch(/dist\/(node|browser)\//);
  holds(code, SERVER_ONLY, true);
  holds(code, SOCKETS, false);
});

describe('the browser build run by a server runtime (a jsdom or happy-dom test setup under Node)', () => {
  let home: TestServer;
  let other: TestServer;
  beforeAll(async () => {
    [home, other] = await Promise.all([startServer(), startServer()]);
    other.route('/echo', modes.echo());
  });
  afterAll(() => Promise.all([home.close(), other.close()]));

  // It has no redirect follower, and this runtime's fetch would carry an API-key header and query on to the
  // other origin: the credentialed request refuses the redirect instead.
  test.each([
    ['apiKey header', { key: 'browser-build-key-1' }],
    ['apiKey query', { key: 'browser-build-key-2', query: 'api_key' }],
  ] as const)('%s: a redirect to another origin fails and the other origin gets nothing', async (_, options) => {
    const built = (await import(/* @vite-ignore */ BROWSER_BUILD)) as typeof import('../../src/index.ts');
    home.route('/to-other', modes.redirect(`${other.url}/echo`, 307));
    const api = built.createClient({ baseUrl: home.url, auth: built.apiKey(options), retry: 0 });
    const [sent, arrived] = [home.requestsTo('/to-other').length, other.requests.length];
    const error = await api.get('to-other').catch((caught: unknown) => caught);
    expect(built.isNetworkError(error)).toBe(true);
    expect(home.requestsTo('/to-other')).toHaveLength(sent + 1);
    expect(other.requests.length).toBe(arrived);
  });
});
