import { expect, test } from 'vitest';

// The system Node is 20; tests must run on the pinned Node 24 from the `node` devDependency.
test('tests run on Node 22 or newer', () => {
  const major = Number(process.versions.node.split('.')[0]);
  expect(major).toBeGreaterThanOrEqual(22);
});
