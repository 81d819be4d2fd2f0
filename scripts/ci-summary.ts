// Reads vitest's JSON report and prints the plain closing line CI reads: "N passed, N failed".
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.ci/vitest.json';
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const report = JSON.parse(readFileSync(file, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number; numFailedTestSuites: number };
  passed = report.numPassedTests;
  failed = report.numFailedTests + report.numFailedTestSuites;
  skipped = report.numPendingTests + report.numTodoTests;
} catch (error) {
  console.error(`ci-summary: no readable report at ${file}: ${(error as Error).message}`);
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
