/**
 * README's "Testing your code with sturdy/testing" example, run as written in a
 * plain Node process against the built package (`sturdy`, `sturdy/testing`),
 * with vitest's five functions stood in by node:assert.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const SHIM = `
import assert from 'node:assert/strict';
const before = [], after = [], each = [], tests = [];
export const beforeAll = (fn) => before.push(fn);
export const afterEach = (fn) => each.push(fn);
export const afterAll = (fn) => after.push(fn);
export const test = (name, fn) => tests.push([name, fn]);
export const expect = (actual) => ({ toBe: (expected) => assert.equal(actual, expected), toEqual: (expected) => assert.deepEqual(actual, expected) });
queueMicrotask(async () => {
  for (const fn of before) await fn();
  for (const [name, fn] of tests) { await fn(); for (const hook of each) await hook(); console.log('passed: ' + name); }
  for (const fn of after) await fn();
});
`;

test("README's sturdy/testing example passes as written", async () => {
  const readme = readFileSync('README.md', 'utf8');
  const example = /## Testing your code with sturdy\/testing[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toContain("from 'sturdy/testing'");
  const file = `.ci/readme-testing.${process.pid}.tmp.ts`;
  const shim = `.ci/readme-vitest-shim.${process.pid}.tmp.ts`;
  writeFileSync(shim, SHIM);
  writeFileSync(file, example!.replace("from 'vitest'", `from './readme-vitest-shim.${process.pid}.tmp.ts'`));
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [file]);
    expect(stdout.trim()).toBe('passed: an order survives two 503s and is created once');
  } finally {
    rmSync(file, { force: true });
    rmSync(shim, { force: true });
  }
});
