/**
 * The README says what sturdy does, in ky's own terms where sturdy is ky:
 * the `timeout` row agrees with ky's documentation of `timeout` (read from the
 * installed ky's types, so a ky upgrade that changes it fails here).
 */
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';

const readme = readFileSync('README.md', 'utf8');
const kyOptions = readFileSync('node_modules/ky/distribution/types/options.d.ts', 'utf8');

/** The options table row for one option. */
const row = (option: string) => readme.split('\n').find((line) => line.startsWith(`| \`${option}\` |`));

test("the `timeout` row is ky's timeout, including the separate body-read timeout of ky's shortcut methods", () => {
  const kyTimeoutDoc = kyOptions.slice(0, kyOptions.indexOf('timeout?: number | false;'));
  const kyBoundsBodyReads =
    /shortcut methods also use this value as a separate timeout for reading the response body/.test(
      kyTimeoutDoc.slice(kyTimeoutDoc.lastIndexOf('/**')),
    );
  const timeout = row('timeout');
  expect(timeout).toBeDefined();
  expect(timeout).toContain("ky's `timeout`");
  expect(timeout).toMatch(/until response headers arrive/);
  // ky 2.1 times the body read of `.json()`/`.text()` too: a row saying "until headers" alone is wrong.
  expect(/body/.test(timeout!)).toBe(kyBoundsBodyReads);
  if (kyBoundsBodyReads) expect(timeout).toMatch(/`\.json\(\)`.*separate `timeout`/);
});

test('the Playground section names how to enable skipped browser tests, as the skip message does', async () => {
  const { planBrowserTests } = await import('../../scripts/chromium-path.ts');
  const section = readme.slice(
    readme.indexOf('## Playground'),
    readme.indexOf('\n## ', readme.indexOf('## Playground') + 1),
  );
  const plan = planBrowserTests({ env: {}, fixed: [], home: '/nonexistent' });
  expect(plan.run).toBe(false);
  for (const way of ['CHROMIUM_PATH=', 'apt-get']) {
    expect(section).toContain(way);
    if (!plan.run) expect(plan.message).toContain(way);
  }
  for (const place of [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    "Playwright's browser cache",
    '`CI=true`',
  ])
    expect(section).toContain(place);
});
