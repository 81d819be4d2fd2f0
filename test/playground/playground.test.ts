/**
 * The playground as a person uses it: built with the project's vite config,
 * served, opened in Debian's chromium, three scenarios run by clicking. The
 * screenshots land in test-results/playground/ for a human to look at.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, expect, test } from 'vitest';

const OUT = resolve('test-results/playground');
const SITE = resolve(OUT, 'site');
// From TOOLCHAIN.md: Debian chromium, as root, offline.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let server: PreviewServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  // The same config `npm start` uses; VITEST unset so it builds the playground root.
  const env = { ...process.env };
  delete env.VITEST;
  await promisify(execFile)(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'vite.config.ts', '--outDir', SITE, '--emptyOutDir', '--logLevel', 'warn'], { env });
  server = await preview({ configFile: false, root: OUT, build: { outDir: 'site' }, preview: { host: '127.0.0.1', port: 0, strictPort: false }, logLevel: 'silent' });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  await page.goto(server.resolvedUrls!.local[0]!);
  await page.locator('#status.ready').waitFor({ timeout: 20_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Clicks an example, picks a scenario, sends, and waits for the outcome. */
async function runScenario(example: string, scenario: string, settings: Record<string, string> = {}) {
  await page.getByRole('button', { name: example }).click();
  await page.locator(`input[name="scenario"][value="${scenario}"]`).check();
  for (const [id, value] of Object.entries(settings)) await page.locator(`#${id}`).fill(value);
  await page.locator('#send').click();
  await page.locator('#send:not([disabled])').waitFor({ timeout: 30_000 });
  const rows = await page.locator('#timeline li').evaluateAll((items) =>
    items.map((item) => ({ kind: (item as HTMLElement).dataset.kind, text: item.textContent ?? '' })),
  );
  return { rows, outcome: await page.locator('#result [data-outcome]').getAttribute('data-outcome'), result: await page.locator('#result').innerText() };
}

test('success: a GET validated by the User schema shows request, the server log, 200 and the data', async () => {
  const { rows, outcome, result } = await runScenario('Get a user', 'healthy');
  expect(outcome).toBe('ok');
  expect(rows.map((row) => row.kind)).toEqual(['request', 'server', 'response', 'done']);
  expect(rows[0]?.text).toContain('Attempt 1: GET /api/users/42');
  expect(rows[2]?.text).toContain('200 OK');
  expect(result).toContain('"email": "ada@example.com"');
  await page.screenshot({ path: resolve(OUT, 'success.png'), fullPage: true });
}, 60_000);

test('retry after 503s: a POST is retried with backoff and one Idempotency-Key, then created', async () => {
  const { rows, outcome, result } = await runScenario('Create an order', 'fail', { failures: '2', retry: '3', backoff: '300' });
  expect(outcome).toBe('ok');
  const kinds = rows.map((row) => row.kind);
  expect(kinds.filter((kind) => kind === 'request')).toHaveLength(3);
  const retries = rows.filter((row) => row.kind === 'retry');
  expect(retries).toHaveLength(2);
  for (const retry of retries) expect(retry.text).toMatch(/Waiting \d+ ms before attempt \d.*because: status 503/);
  expect(rows.filter((row) => row.kind === 'response').map((row) => row.text.match(/\d{3} [A-Za-z ]+?(?=attempt)/)?.[0])).toEqual([
    '503 Service Unavailable',
    '503 Service Unavailable',
    '201 Created',
  ]);
  const keys = rows.filter((row) => row.kind === 'server').map((row) => row.text.match(/idempotency-key: ([0-9a-f-]{36})/)?.[1]);
  expect(keys).toHaveLength(3);
  expect(keys[0]).toBeDefined();
  expect(new Set(keys).size).toBe(1);
  expect(result).toContain('"sku": "A1"');
  expect(await page.locator('#summary').innerText()).toContain('3 attempts');
  await page.screenshot({ path: resolve(OUT, 'retry.png'), fullPage: true });
}, 60_000);

test('validation error: an invoice with a wrong nested field is a ValidationError naming its path', async () => {
  const { rows, outcome, result } = await runScenario('Nested invoice', 'invalidShape');
  expect(outcome).toBe('error');
  expect(await page.locator('.error-name').innerText()).toBe('ValidationError');
  expect(result).toContain('$.lines[1].quantity');
  expect(result).toContain('"direction": "response"');
  expect(rows.map((row) => row.kind)).toEqual(['request', 'server', 'response', 'error']);
  expect(rows[3]?.text).toContain('ValidationError');
  await page.screenshot({ path: resolve(OUT, 'validation.png'), fullPage: true });
}, 60_000);

test('401 then refresh: clientCredentials fetches a second token once and repeats; no secret reaches the page', async () => {
  await page.locator('#auth').selectOption('clientCredentials');
  const { rows, outcome } = await runScenario('Get a user', 'expiredToken');
  expect(outcome).toBe('ok');
  expect(rows.filter((row) => row.kind === 'token')).toHaveLength(2);
  expect(rows.filter((row) => row.kind === 'refresh')).toHaveLength(1);
  expect(rows.filter((row) => row.kind === 'response').map((row) => row.text.match(/ms(\d{3}) /)?.[1])).toEqual(['401', '200']);
  for (const row of rows.filter((row) => row.kind === 'server')) expect(row.text).toContain('authorization: [REDACTED]');
  const text = await page.locator('body').innerText();
  for (const secret of ['access-token-', 'pg-client-secret']) expect(text).not.toContain(secret);
  await page.screenshot({ path: resolve(OUT, 'refresh.png'), fullPage: true });
  expect(pageErrors).toEqual([]);
}, 60_000);
