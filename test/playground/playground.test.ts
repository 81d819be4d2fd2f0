/**
 * The playground as a person uses it: built with the project's vite config,
 * served, opened in Chromium (scripts/chromium-path.ts finds it), scenarios run
 * by clicking and typing. The screenshots land in test-results/playground/ for
 * a human to look at. Without Chromium it is skipped with a how-to (CI fails).
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHROMIUM_ARGS, planBrowserTests } from '../../scripts/chromium-path.ts';

const OUT = resolve('test-results/playground');
const SITE = resolve(OUT, 'site');
const plan = planBrowserTests();
if (!plan.run) console.warn(plan.message);

let server: PreviewServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

type Row = { kind: string | undefined; text: string };

/** The timeline as rows of kind and text. */
const timelineRows = (): Promise<Row[]> =>
  page
    .locator('#timeline li')
    .evaluateAll((items) =>
      items.map((item) => ({ kind: (item as HTMLElement).dataset.kind, text: item.textContent ?? '' })),
    );

/** Fills the fields (by id) and picks the auth strategy; every test says what it relies on. */
async function setForm(settings: Record<string, string>, auth = 'none') {
  await page.locator('#auth').selectOption(auth);
  for (const [id, value] of Object.entries(settings)) await page.locator(`#${id}`).fill(value);
}

/** Waits for the send in flight to finish and reads the outcome. */
async function outcomeOfSend() {
  await page.locator('#send:not([disabled])').waitFor({ timeout: 30_000 });
  return {
    rows: await timelineRows(),
    outcome: await page.locator('#result [data-outcome]').getAttribute('data-outcome'),
    result: await page.locator('#result').innerText(),
  };
}

/** Clicks an example, picks a scenario, sends, and waits for the outcome. */
async function runScenario(example: string, scenario: string, settings: Record<string, string> = {}, auth = 'none') {
  await page.getByRole('button', { name: example }).click();
  await page.locator(`input[name="scenario"][value="${scenario}"]`).check();
  await setForm({ retry: '3', backoff: '2000', timeout: '3000', idle: '2000', total: '20000', ...settings }, auth);
  await page.locator('#send').click();
  return outcomeOfSend();
}

describe.runIf(plan.run)('playground in Chromium', () => {
  beforeAll(async () => {
    if (!plan.run) return;
    mkdirSync(OUT, { recursive: true });
    // The same config `npm start` uses; VITEST unset so it builds the playground root.
    const env = { ...process.env };
    delete env.VITEST;
    await promisify(execFile)(
      process.execPath,
      [
        'node_modules/vite/bin/vite.js',
        'build',
        '--config',
        'vite.config.ts',
        '--outDir',
        SITE,
        '--emptyOutDir',
        '--logLevel',
        'warn',
      ],
      { env },
    );
    server = await preview({
      configFile: false,
      root: OUT,
      build: { outDir: 'site' },
      preview: { host: '127.0.0.1', port: 0, strictPort: false },
      logLevel: 'silent',
    });
    browser = await chromium.launch({ executablePath: plan.executablePath, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(server.resolvedUrls!.local[0]!);
    await page.locator('#status.ready').waitFor({ timeout: 20_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

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
    const { rows, outcome, result } = await runScenario('Create an order', 'fail', {
      failures: '2',
      retry: '3',
      backoff: '300',
    });
    expect(outcome).toBe('ok');
    const kinds = rows.map((row) => row.kind);
    expect(kinds.filter((kind) => kind === 'request')).toHaveLength(3);
    const retries = rows.filter((row) => row.kind === 'retry');
    expect(retries).toHaveLength(2);
    for (const retry of retries) expect(retry.text).toMatch(/Waiting \d+ ms before attempt \d.*because: status 503/);
    expect(
      rows.filter((row) => row.kind === 'response').map((row) => row.text.match(/\d{3} [A-Za-z ]+?(?=attempt)/)?.[0]),
    ).toEqual(['503 Service Unavailable', '503 Service Unavailable', '201 Created']);
    const keys = rows
      .filter((row) => row.kind === 'server')
      .map((row) => row.text.match(/idempotency-key: ([0-9a-f-]{36})/)?.[1]);
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
    const { rows, outcome } = await runScenario('Get a user', 'expiredToken', {}, 'clientCredentials');
    expect(outcome).toBe('ok');
    expect(rows.filter((row) => row.kind === 'token')).toHaveLength(2);
    expect(rows.filter((row) => row.kind === 'refresh')).toHaveLength(1);
    expect(rows.filter((row) => row.kind === 'response').map((row) => row.text.match(/ms(\d{3}) /)?.[1])).toEqual([
      '401',
      '200',
    ]);
    for (const row of rows.filter((row) => row.kind === 'server'))
      expect(row.text).toContain('authorization: [REDACTED]');
    const text = await page.locator('body').innerText();
    for (const secret of ['access-token-', 'pg-client-secret']) expect(text).not.toContain(secret);
    await page.screenshot({ path: resolve(OUT, 'refresh.png'), fullPage: true });
  }, 60_000);

  test("a bad option is shown as sturdy's TypeError naming the option, not as a JSON body problem; a bad body still is", async () => {
    const { rows, outcome } = await runScenario('Get a user', 'healthy', { timeout: '-5' });
    expect(outcome).toBe('error');
    expect(await page.locator('.error-name').innerText()).toBe('TypeError');
    expect(await page.locator('.error-message').innerText()).toContain('`timeout`');
    expect(rows.map((row) => row.kind)).toEqual(['error']);
    expect(rows[0]?.text).toContain('sturdy refused an option');
    expect(rows[0]?.text).not.toContain('JSON body');

    await page.getByRole('button', { name: 'Create an order' }).click();
    await page.locator('#body').fill('{ "sku": ');
    await page.locator('#timeout').fill('3000');
    await page.locator('#send').click();
    const bad = await outcomeOfSend();
    expect(bad.outcome).toBe('error');
    expect(bad.rows.map((row) => row.text)).toEqual([expect.stringContaining('The JSON body is not valid JSON')]);
    expect(await page.locator('.error-name').innerText()).toBe('SyntaxError');
  }, 60_000);

  test('while the next request runs, the previous outcome is gone: the result says it is waiting', async () => {
    const first = await runScenario('Get a user', 'healthy');
    expect(first.result).toContain('200 OK');
    await page.locator('input[name="scenario"][value="slow"]').check();
    await page.locator('#delay').fill('1500');
    await page.locator('#send').click();
    // The click handler has run: nothing of the last call may still be on show.
    expect(await page.locator('#result [data-outcome]').getAttribute('data-outcome')).toBe('pending');
    expect(await page.locator('#result').innerText()).not.toContain('200 OK');
    expect(await page.locator('#summary').innerText()).not.toMatch(/attempt/);
    const second = await outcomeOfSend();
    expect(second.outcome).toBe('ok');
  }, 60_000);

  test('an empty number field means "use the default", never 0 (0 retries, a 0 ms timeout, 0 failures)', async () => {
    // 2 503s (the failures field's own default), sturdy's default retry limit, no timeout of 0 ms.
    const { rows, outcome } = await runScenario('Get a user', 'fail', {
      failures: '',
      retry: '',
      backoff: '',
      timeout: '',
      idle: '',
      total: '',
    });
    expect(outcome).toBe('ok');
    expect(rows.filter((row) => row.kind === 'request')).toHaveLength(3);
    const code = await page.locator('#code').innerText();
    expect(code).not.toMatch(/: 0\b/);
    expect(code).not.toContain('timeout');
    expect(code).not.toContain('retry');
  }, 60_000);

  test('an absolute URL shows its origin in the timeline, not a bare path', async () => {
    const origin = new URL(server.resolvedUrls!.local[0]!).origin.replace('127.0.0.1', 'localhost');
    const { rows } = await runScenario('Get a user', 'healthy', { path: `${origin}/elsewhere/x`, retry: '0' });
    expect(rows[0]?.kind).toBe('request');
    expect(rows[0]?.text).toContain(`Attempt 1: GET ${origin}/elsewhere/x`);
    // Same origin: the path alone, as before.
    const local = await runScenario('Get a user', 'healthy');
    expect(local.rows[0]?.text).toContain('Attempt 1: GET /api/users/42');
  }, 60_000);

  test('Enter in a field sends (once, even if pressed again while sending); Ctrl+Enter sends from the body', async () => {
    await page.getByRole('button', { name: 'Get a user' }).click();
    await page.locator('input[name="scenario"][value="slow"]').check();
    await setForm({ delay: '800', path: 'users/7' });
    await page.locator('#path').press('Enter');
    await page.locator('#path').press('Enter');
    const typed = await outcomeOfSend();
    expect(typed.outcome).toBe('ok');
    expect(typed.rows.filter((row) => row.kind === 'request').map((row) => row.text)).toEqual([
      expect.stringContaining('GET /api/users/7'),
    ]);

    await page.getByRole('button', { name: 'Create an order' }).click();
    await page.locator('input[name="scenario"][value="healthy"]').check();
    await page.locator('#body').press('Control+Enter');
    const posted = await outcomeOfSend();
    expect(posted.outcome).toBe('ok');
    expect(posted.rows[0]?.text).toContain('POST /api/orders');
    // A plain Enter in the body is a new line, not a send.
    await page.locator('#body').press('Enter');
    expect(await page.locator('#send').isDisabled()).toBe(false);
    expect(await page.locator('#body').inputValue()).toMatch(/\n$/);
  }, 60_000);

  test('"401 then refresh" says why nothing refreshes with auth none, apiKey or basic, and not with bearer', async () => {
    for (const auth of ['none', 'apiKey', 'basic']) {
      await page.locator('input[name="scenario"][value="expiredToken"]').check();
      await page.locator('#auth').selectOption(auth);
      const hint = page.locator('#hint');
      expect(await hint.isVisible()).toBe(true);
      expect(await hint.innerText()).toMatch(/bearer.*clientCredentials/);
      const { rows, outcome } = await runScenario('Get a user', 'expiredToken', {}, auth);
      expect(outcome).toBe('error');
      expect(rows.filter((row) => row.kind === 'response').map((row) => row.text)).toEqual([
        expect.stringContaining('401'),
      ]);
      const why = rows.find((row) => row.kind === 'hint');
      expect(why?.text).toContain(auth === 'none' ? 'no credential' : auth);
      expect(why?.text).toMatch(/cannot refresh|nothing to refresh/);
    }
    await page.screenshot({ path: resolve(OUT, 'no-refresh.png'), fullPage: true });
    const { rows, outcome } = await runScenario('Get a user', 'expiredToken', {}, 'bearer');
    expect(outcome).toBe('ok');
    expect(await page.locator('#hint').isVisible()).toBe(false);
    expect(rows.filter((row) => row.kind === 'hint')).toEqual([]);
    expect(rows.filter((row) => row.kind === 'refresh')).toHaveLength(1);
    expect(pageErrors).toEqual([]);
  }, 60_000);

  /** Sends and samples the streamed answer until the send finishes: what a reader saw, in order. */
  async function sendAndWatchAnswer(): Promise<string[]> {
    await page.locator('#send').click();
    const seen: string[] = [];
    while (await page.locator('#send').isDisabled()) {
      const text =
        (await page
          .locator('#answer')
          .textContent()
          .catch(() => null)) ?? '';
      if (text !== '' && text !== seen.at(-1)) seen.push(text);
      await page.waitForTimeout(25);
    }
    return seen;
  }

  /** The chat example under one scenario, sent and watched to its end. */
  async function runChat(scenario: string) {
    await page.getByRole('button', { name: 'AI chat stream' }).click();
    await page.locator(`input[name="scenario"][value="${scenario}"]`).check();
    await sendAndWatchAnswer();
    return outcomeOfSend();
  }

  const FULL_ANSWER = /^sturdy retries without duplicate orders, .* exactly what went wrong\.$/;

  test('AI chat stream: the answer grows chunk by chunk as the events arrive, then completes', async () => {
    await page.getByRole('button', { name: 'AI chat stream' }).click();
    await page.locator('input[name="scenario"][value="healthy"]').check();
    await setForm({ retry: '3', backoff: '2000', timeout: '3000', idle: '2000', total: '20000' });
    expect(await page.locator('#stream').isChecked()).toBe(true);
    const code = await page.locator('#code').innerText();
    expect(code).toContain("eventStream(api, 'chat/completions', { method: 'POST', json: {");
    // The idle field is the stream's idleTimeout (sturdy/sse takes its own), not the client's.
    expect(code).toMatch(/eventStream\(api, 'chat\/completions', \{.*idleTimeout: 2000 \}\);/);
    expect(code.slice(0, code.indexOf('eventStream(api'))).not.toContain('idleTimeout');
    const seen = await sendAndWatchAnswer();
    const { rows, outcome, result } = await outcomeOfSend();
    expect(outcome).toBe('ok');
    const answer = await page.locator('#answer').innerText();
    expect(answer).toMatch(FULL_ANSWER);
    // Seen while streaming: several partial answers, each a beginning of the next.
    const partial = seen.filter((text) => text !== answer);
    expect(partial.length).toBeGreaterThanOrEqual(3);
    for (const [index, text] of seen.entries()) expect((seen[index + 1] ?? answer).startsWith(text)).toBe(true);
    const chunks = answer.match(/\S+\s*/g)!.length;
    expect(result).toContain(`stream complete: ${chunks} chunks`);
    expect(rows.map((row) => row.kind)).toEqual(['request', 'server', 'response', 'stream', 'done']);
    expect(rows[3]?.text).toContain(`${chunks} chunks so far · last event id ${chunks}`);
    await page.screenshot({ path: resolve(OUT, 'chat-stream.png'), fullPage: true });
  }, 60_000);

  test('AI chat stream: a drop mid-stream reconnects with Last-Event-ID and resumes, nothing lost or repeated', async () => {
    const { rows, outcome } = await runChat('drop');
    expect(outcome).toBe('ok');
    expect(await page.locator('#answer').innerText()).toMatch(FULL_ANSWER);
    expect(rows.map((row) => row.kind)).toEqual([
      'request',
      'server',
      'response',
      'stream',
      'retry',
      'request',
      'server',
      'response',
      'stream',
      'done',
    ]);
    expect(rows[3]?.text).toContain('6 chunks so far · last event id 6');
    expect(rows[4]?.text).toContain('Reconnecting in 400 ms');
    expect(rows[1]?.text).not.toContain('last-event-id');
    expect(rows[6]?.text).toContain('last-event-id: 6');
    await page.screenshot({ path: resolve(OUT, 'chat-resume.png'), fullPage: true });
  }, 60_000);

  test('AI chat stream: a chunk that breaks the schema is a ValidationError naming the event; the answer so far stays', async () => {
    const { rows, outcome, result } = await runChat('invalidShape');
    expect(outcome).toBe('error');
    expect(await page.locator('.error-name').innerText()).toBe('ValidationError');
    expect(result).toContain('event 8 (id "9")');
    expect(result).toContain('$.delta');
    // The 8 good chunks before it are still on show, under the error.
    expect((await page.locator('#answer').innerText()).match(/\S+\s*/g)).toHaveLength(8);
    expect(rows.at(-1)?.kind).toBe('error');
    await page.screenshot({ path: resolve(OUT, 'chat-bad-chunk.png'), fullPage: true });
  }, 60_000);

  test('HTTP cache toggle: miss, then a hit with no request, then revalidated by a 304, then stale when the server fails', async () => {
    const cacheRows = (rows: Row[]) => rows.filter((row) => row.kind === 'cache').map((row) => row.text);
    const serverRows = (rows: Row[]) => rows.filter((row) => row.kind === 'server').map((row) => row.text);
    await page.locator('#cache').check();
    await setForm({ 'max-age': '2' });
    const miss = await runScenario('Get a user', 'healthy');
    expect(miss.outcome).toBe('ok');
    expect(cacheRows(miss.rows)).toEqual([expect.stringContaining('Cache miss')]);
    expect(serverRows(miss.rows)).toHaveLength(1);
    expect(await page.locator('#code').innerText()).toContain('use: [httpCache()]');

    const hit = await runScenario('Get a user', 'healthy');
    expect(hit.outcome).toBe('ok');
    expect(cacheRows(hit.rows)).toEqual([expect.stringContaining('Cache hit')]);
    expect(serverRows(hit.rows)).toEqual([]);
    expect(hit.result).toContain('"email": "ada@example.com"');

    await page.waitForTimeout(2_200); // past max-age=2
    const revalidated = await runScenario('Get a user', 'healthy');
    expect(cacheRows(revalidated.rows)).toEqual([expect.stringContaining('Cache revalidated')]);
    expect(serverRows(revalidated.rows)).toEqual([expect.stringMatching(/if-none-match: "user-42-v1"/)]);
    expect(revalidated.result).toContain('"email": "ada@example.com"');

    await page.waitForTimeout(2_200);
    const stale = await runScenario('Get a user', 'fail', { failures: '9', retry: '1', backoff: '100' });
    expect(stale.outcome).toBe('ok');
    expect(cacheRows(stale.rows).at(-1)).toContain('Served stale from the cache');
    expect(stale.result).toContain('"email": "ada@example.com"');
    await page.screenshot({ path: resolve(OUT, 'cache.png'), fullPage: true });

    // Off: no cache, every send reaches the server.
    await page.locator('#cache').uncheck();
    const off = await runScenario('Get a user', 'healthy');
    expect(cacheRows(off.rows)).toEqual([]);
    expect(serverRows(off.rows)).toHaveLength(1);
  }, 60_000);

  test('Checkout survives a reload: the page reloads mid-send, the outbox delivers again with the same key, one order', async () => {
    // Its own context: its own service worker, IndexedDB and storage, and a reload that leaves the page above alone.
    const context = await browser.newContext({ viewport: { width: 1360, height: 1000 } });
    try {
      const tab = await context.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (error) => errors.push(String(error)));
      let loads = 0;
      tab.on('load', () => (loads += 1));
      // What left the page, whatever its timeline says: the Idempotency-Key of each POST /api/orders.
      const sentKeys: Array<string | undefined> = [];
      tab.on('request', (request) => {
        if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/orders')
          sentKeys.push(request.headers()['idempotency-key']);
      });
      await tab.goto(server.resolvedUrls!.local[0]!);
      await tab.locator('#status.ready').waitFor({ timeout: 20_000 });
      await tab.getByRole('button', { name: 'Checkout survives a reload' }).click();
      expect(await tab.locator('#outbox').isChecked()).toBe(true);
      expect(await tab.locator('input[name="scenario"][value="reload"]').isChecked()).toBe(true);
      expect(await tab.locator('#code').innerText()).toContain("const job = await box.send('orders', { method: 'POST'");
      await tab.locator('#send').click();
      // The mock API creates the order and holds its answer; the page reloads; on start-up the outbox delivers again.
      await tab.locator('#timeline li[data-kind="done"]').waitFor({ timeout: 30_000 });
      expect(loads).toBe(2);

      const rows = await tab
        .locator('#timeline li')
        .evaluateAll((items) =>
          items.map((item) => ({ kind: (item as HTMLElement).dataset.kind, text: item.textContent ?? '' })),
        );
      expect(rows.map((row) => row.kind)).toEqual([
        'outbox',
        'request',
        'server',
        'reload',
        'reload',
        'request',
        'server',
        'replay',
        'response',
        'done',
      ]);
      const key = rows[0]?.text.match(/idempotency-key: ([0-9a-f-]{36})/)?.[1];
      expect(key).toBeDefined();
      expect(sentKeys).toEqual([key, key]);
      expect(rows.filter((row) => row.kind === 'server').map((row) => row.text)).toEqual([
        expect.stringContaining(`idempotency-key: ${key}`),
        expect.stringContaining(`idempotency-key: ${key}`),
      ]);
      expect(rows[1]?.text).toContain('Delivery 1: POST /api/orders');
      expect(rows[3]?.text).toContain('The mock API created ord_101 and stored its answer, then held it');
      expect(rows[4]?.text).toContain('The page reloaded mid-send');
      expect(rows[5]?.text).toContain('Delivery 2: POST /api/orders');
      expect(rows[8]?.text).toContain('201 Created');
      expect(rows[9]?.text).toContain('the mock API created 1 order (ord_101)');
      expect(await tab.locator('#result [data-outcome]').getAttribute('data-outcome')).toBe('ok');
      expect(await tab.locator('#result').innerText()).toContain('"id": "ord_101"');
      expect(await tab.locator('#summary').innerText()).toBe('2 deliveries');
      // The form came back with the page: the code panel still shows the outbox call.
      expect(await tab.locator('#outbox').isChecked()).toBe(true);
      expect(await tab.locator('#code').innerText()).toContain("const job = await box.send('orders', { method: 'POST'");

      // The mock server's ledger: one order, with that key; the outbox's IndexedDB store: empty.
      const ledger = await tab.evaluate(() => JSON.parse(localStorage.getItem('sturdy-playground:ledger') ?? 'null'));
      expect(ledger.orders).toEqual([{ id: 'ord_101', key }]);
      const stored = await tab.evaluate(
        () =>
          new Promise<number>((done, fail) => {
            const open = indexedDB.open('sturdy-outbox:playground');
            open.onerror = () => fail(open.error);
            open.onsuccess = () => {
              const count = open.result.transaction('jobs').objectStore('jobs').count();
              count.onsuccess = () => done(count.result);
            };
          }),
      );
      expect(stored).toBe(0);
      expect(errors).toEqual([]);
      await tab.screenshot({ path: resolve(OUT, 'checkout-reload.png'), fullPage: true });
    } finally {
      await context.close();
    }
  }, 60_000);
});
