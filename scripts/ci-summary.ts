// Reads test reports and prints the plain closing line CI reads: "N passed, N failed".
// Arguments are report files, optionally labelled (`chromium=test-results/vitest-browser.json`):
// vitest's JSON report, or a conformance/packaging report ({ runtime, passed, failed, skipped }).
// With more than one, each gets its own line first, so CI shows per-runtime counts.
import { readFileSync } from 'node:fs';

type VitestReport = { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number; numFailedTestSuites: number };
type OwnReport = { runtime: string; version?: string; passed: number; failed: number; skipped: number };
type Counts = { passed: number; failed: number; skipped: number };

const args = process.argv.slice(2);
const files = args.length ? args : ['.ci/vitest.json'];

function read(file: string): Counts & { version?: string } {
  const report = JSON.parse(readFileSync(file, 'utf8')) as VitestReport | OwnReport;
  if ('numPassedTests' in report) {
    return {
      passed: report.numPassedTests,
      failed: report.numFailedTests + report.numFailedTestSuites,
      skipped: report.numPendingTests + report.numTodoTests,
    };
  }
  return { passed: report.passed, failed: report.failed, skipped: report.skipped, ...(report.version ? { version: report.version } : {}) };
}

const total: Counts = { passed: 0, failed: 0, skipped: 0 };
const rows: string[] = [];
for (const arg of files) {
  const [label, file] = arg.includes('=') ? (arg.split('=', 2) as [string, string]) : [arg, arg];
  let counts: Counts & { version?: string };
  try {
    counts = read(file);
  } catch (error) {
    console.error(`ci-summary: no readable report at ${file}: ${(error as Error).message}`);
    counts = { passed: 0, failed: 1, skipped: 0 };
  }
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped;
  // Indented and comma-free, so no per-runtime line can be mistaken for the closing line.
  if (files.length > 1) rows.push(`  ${`${label}${counts.version ? ` (${counts.version})` : ''}`.padEnd(52)} ${String(counts.passed).padStart(4)} passed ${String(counts.failed).padStart(3)} failed ${String(counts.skipped).padStart(3)} skipped`);
}
if (rows.length) console.log(['per runtime:', ...rows].join('\n'));
console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
