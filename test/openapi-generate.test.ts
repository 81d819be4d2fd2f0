// The committed `paths` types are what openapi-typescript makes of their documents today: run it on our own
// document and compare (npm run openapi:types regenerates them all).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { generate, SPECS } from '../scripts/openapi-types.ts';

test('test/openapi/generated/shop.d.ts is current (else: npm run openapi:types)', () => {
  const { spec, out } = SPECS.find((entry) => entry.spec.endsWith('/shop.yaml'))!;
  const folder = mkdtempSync(join(tmpdir(), 'sturdy-openapi-'));
  try {
    generate(spec, join(folder, 'shop.d.ts'));
    const fresh = readFileSync(join(folder, 'shop.d.ts'), 'utf8');
    expect(fresh).toContain('export interface paths');
    expect(fresh === readFileSync(out, 'utf8')).toBe(true);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}, 60_000);

test('every committed generated file has its document in SPECS', () => {
  const listed = SPECS.map((entry) => entry.out).sort();
  const committed = readdirSync('test/openapi/generated').map((name) => `test/openapi/generated/${name}`);
  expect(listed).toEqual(committed.sort());
});
