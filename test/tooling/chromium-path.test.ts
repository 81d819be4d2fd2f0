/**
 * Finding Chromium for the browser tests on any machine: fake PATH, fake
 * install folders and a fake Playwright cache in a temp dir; and the rule that
 * CI fails when none is found while a developer's machine skips with a how-to.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { findChromium, planBrowserTests } from '../../scripts/chromium-path.ts';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'sturdy-chromium-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** An executable stand-in at `path` (inside the temp root). */
function fakeBinary(path: string, mode = 0o755): string {
  const full = join(root, path);
  mkdirSync(resolve(full, '..'), { recursive: true });
  writeFileSync(full, '#!/bin/sh\n');
  chmodSync(full, mode);
  return full;
}

const nowhere = { fixed: [] as string[], home: '/nonexistent-home' };

test('CHROMIUM_PATH wins over everything else', () => {
  const chosen = fakeBinary('custom/chrome');
  const fixed = fakeBinary('usr/bin/chromium');
  expect(findChromium({ env: { CHROMIUM_PATH: chosen }, fixed: [fixed], home: root })).toEqual({
    path: chosen,
    from: 'CHROMIUM_PATH',
  });
});

test('a CHROMIUM_PATH that is not an executable file is reported, not silently replaced by another browser', () => {
  const fixed = fakeBinary('usr/bin/chromium');
  const notExecutable = fakeBinary('custom/chrome', 0o644);
  for (const value of [join(root, 'missing/chrome'), notExecutable, root]) {
    const found = findChromium({ env: { CHROMIUM_PATH: value }, fixed: [fixed], home: root });
    expect(found.path).toBeUndefined();
    expect(found).toMatchObject({ problem: `CHROMIUM_PATH=${value} is not an executable file` });
  }
});

test('the usual install paths are tried in order, the first executable one wins', () => {
  const second = fakeBinary('usr/bin/chromium-browser');
  fakeBinary('usr/bin/google-chrome');
  fakeBinary('usr/bin/chromium', 0o644); // present but not executable: skipped
  const fixed = ['usr/bin/chromium', 'usr/bin/chromium-browser', 'usr/bin/google-chrome'].map((path) =>
    join(root, path),
  );
  expect(findChromium({ env: {}, fixed, home: root })).toEqual({ path: second, from: second });
});

test('PATH is searched like `which`: the first folder holding a known name wins', () => {
  fakeBinary('empty/.keep', 0o644);
  const inPath = fakeBinary('opt/chrome/bin/google-chrome-stable');
  fakeBinary('later/chromium');
  const PATH = [join(root, 'empty'), join(root, 'missing'), join(root, 'opt/chrome/bin'), join(root, 'later')].join(
    ':',
  );
  expect(findChromium({ env: { PATH }, ...nowhere })).toEqual({ path: inPath, from: 'PATH' });
});

test("Playwright's cache: the newest chromium revision is used, from PLAYWRIGHT_BROWSERS_PATH or the home cache", () => {
  fakeBinary('pw/chromium-1100/chrome-linux/chrome');
  const newest = fakeBinary('pw/chromium-1205/chrome-linux64/chrome');
  fakeBinary('pw/chromium-999/chrome-linux/chrome');
  fakeBinary('pw/ffmpeg-1011/ffmpeg-linux');
  expect(findChromium({ env: { PLAYWRIGHT_BROWSERS_PATH: join(root, 'pw') }, ...nowhere })).toEqual({
    path: newest,
    from: "Playwright's cache",
  });

  const home = join(root, 'home');
  const cached = fakeBinary('home/.cache/ms-playwright/chromium-1300/chrome-linux/chrome');
  expect(findChromium({ env: {}, fixed: [], home })).toEqual({ path: cached, from: "Playwright's cache" });
});

test('nothing found: the answer lists every place looked at', () => {
  const found = findChromium({
    env: { PATH: join(root, 'bin') },
    fixed: [join(root, 'usr/bin/chromium')],
    home: join(root, 'home'),
  });
  expect(found.path).toBeUndefined();
  if (found.path !== undefined) return;
  expect(found.looked).toEqual([
    'CHROMIUM_PATH (unset)',
    join(root, 'usr/bin/chromium'),
    `PATH (${join(root, 'bin')})`,
    expect.stringContaining(join(root, 'home')),
  ]);
});

test('CI rule: found, the browser tests run with that binary; missing, CI fails and a developer gets a skip that says how to enable them', () => {
  const path = fakeBinary('usr/bin/chromium');
  expect(planBrowserTests({ env: { CI: 'true' }, fixed: [path], home: root })).toEqual({
    run: true,
    executablePath: path,
  });
  expect(planBrowserTests({ env: {}, fixed: [path], home: root })).toEqual({ run: true, executablePath: path });

  for (const CI of ['true', '1', 'yes']) {
    expect(() => planBrowserTests({ env: { CI }, ...nowhere })).toThrow(
      /CI needs Chromium for the browser tests.*CHROMIUM_PATH/s,
    );
  }
  for (const env of [{}, { CI: 'false' }, { CI: '0' }, { CI: '' }]) {
    const plan = planBrowserTests({ env, ...nowhere });
    expect(plan.run).toBe(false);
    if (plan.run) continue;
    expect(plan.message).toMatch(/browser tests skipped: no Chromium found/);
    expect(plan.message).toContain('apt-get install chromium');
    expect(plan.message).toContain('CHROMIUM_PATH=');
  }
  // A wrong CHROMIUM_PATH is named in both.
  const bad = { env: { CI: 'true', CHROMIUM_PATH: '/no/such/chrome' }, fixed: [path], home: root };
  expect(() => planBrowserTests(bad)).toThrow('CHROMIUM_PATH=/no/such/chrome is not an executable file');
  expect(planBrowserTests({ ...bad, env: { CHROMIUM_PATH: '/no/such/chrome' } })).toMatchObject({
    run: false,
    message: expect.stringContaining('CHROMIUM_PATH=/no/such/chrome'),
  });
});

test('the CLI prints the path (exit 0) or why there is none (exit 1); ensure-chromium.sh fails on a wrong CHROMIUM_PATH instead of installing', async () => {
  const run = promisify(execFile);
  const node = process.execPath;
  const chosen = fakeBinary('custom/chrome');
  const ok = await run(node, ['scripts/chromium-path.ts'], { env: { ...process.env, CHROMIUM_PATH: chosen } });
  expect(ok.stdout.trim()).toBe(chosen);

  const missing = run(node, ['scripts/chromium-path.ts'], {
    env: { ...process.env, CHROMIUM_PATH: join(root, 'nope') },
  });
  await expect(missing).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringContaining(`CHROMIUM_PATH=${join(root, 'nope')} is not an executable file`),
  });

  const ensure = run('bash', ['scripts/ensure-chromium.sh'], {
    env: { ...process.env, CI: 'true', CHROMIUM_PATH: join(root, 'nope') },
  });
  await expect(ensure).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('CHROMIUM_PATH=') });
  const found = await run('bash', ['scripts/ensure-chromium.sh'], { env: { ...process.env, CHROMIUM_PATH: chosen } });
  expect(found.stdout).toContain(chosen);
});
