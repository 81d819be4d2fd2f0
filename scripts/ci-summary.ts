// Reads test reports and prints the plain closing line CI reads: "N passed, N failed".
// Arguments are report files, optionally labelled (`chromium=test-results/vitest-browser.json`):
// vitest's JSON report, or a conformance/packaging report ({ runtime, passed, failed, skipped }).
// With more than one, each gets its own line first, so CI shows per-runtime counts.
import { readFileSync } from 'node:fs';

type VitestReport = {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
  testResults?: {
    name: string;
    status: string;
    message?: string;
    assertionResults?: { fullName: string; status: string; failureMessages?: string[] }[];
  }[];
};
type OwnReport = {
  runtime: string;
  version?: string;
  passed: number;
  failed: number;
  skipped: number;
  outcomes?: { name: string; status: string; detail?: string }[];
};
type Counts = { passed: number; failed: number; skipped: number; failures: string[]; flaky: string[] };

// The first line of a failure message, short: enough to tell which assertion broke from CI's tail.
const firstLine = (text: string | undefined) =>
  (text ?? '')
    .split('\n')
    .find((line) => line.trim())
    ?.trim()
    .slice(0, 200) ?? '';

const args = process.argv.slice(2);
/** CI_EXIT_CODES: `report-file=exit-code` pairs separated by `;`, from .ci/run. */
const exitCodes = new Map(
  (process.env.CI_EXIT_CODES ?? '')
    .split(';')
    .filter((pair) => pair.includes('='))
    .map((pair) => [pair.slice(0, pair.lastIndexOf('=')), Number(pair.slice(pair.lastIndexOf('=') + 1))] as const),
);
const files = args.length ? args : ['.ci/vitest.json'];

function read(file: string): Counts & { version?: string } {
  const report = JSON.parse(readFileSync(file, 'utf8')) as VitestReport | OwnReport;
  if ('numPassedTests' in report) {
    const failures: string[] = [];
    // A failed test also fails its describe block, which vitest counts in numFailedTestSuites: count each test once,
    // plus each file that failed without a failed test (an error in a hook or at import).
    let fileErrors = 0;
    const flaky: string[] = [];
    for (const suite of report.testResults ?? []) {
      const where = suite.name.replace(`${process.cwd()}/`, '');
      // Passed with failure messages: it failed, then passed on vitest's retry (CI only, vite.config.ts).
      for (const test of suite.assertionResults ?? []) {
        if (test.status === 'passed' && test.failureMessages?.length)
          flaky.push(`${where} > ${test.fullName}: ${firstLine(test.failureMessages[0])}`);
      }
      const failed = (suite.assertionResults ?? []).filter((test) => test.status === 'failed');
      for (const test of failed) failures.push(`${where} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
      if (!failed.length && suite.status === 'failed') {
        fileErrors++;
        failures.push(`${where}: ${firstLine(suite.message)}`);
      }
    }
    // Without per-file results (an old or cut report), the suite count is all there is to go on.
    const suiteFailures = report.testResults ? fileErrors : report.numFailedTestSuites;
    return {
      passed: report.numPassedTests,
      failed: report.numFailedTests + suiteFailures,
      skipped: report.numPendingTests + report.numTodoTests,
      failures,
      flaky,
    };
  }
  const failures = (report.outcomes ?? [])
    .filter((outcome) => outcome.status === 'failed')
    .map((outcome) => `${outcome.name}: ${firstLine(outcome.detail)}`);
  return {
    passed: report.passed,
    failed: report.failed,
    skipped: report.skipped,
    failures,
    flaky: [],
    ...(report.version ? { version: report.version } : {}),
  };
}

const total = { passed: 0, failed: 0, skipped: 0 };
const rows: string[] = [];
const failed: string[] = [];
const flaky: string[] = [];
for (const arg of files) {
  const [label, file] = arg.includes('=') ? (arg.split('=', 2) as [string, string]) : [arg, arg];
  let counts: Counts & { version?: string };
  try {
    counts = read(file);
  } catch (error) {
    console.error(`ci-summary: no readable report at ${file}: ${(error as Error).message}`);
    counts = { passed: 0, failed: 1, skipped: 0, failures: [`no readable report at ${file}`], flaky: [] };
  }
  // A vitest run that exited non-zero with no failed test failed outside them (an unhandled error, a file that
  // did not load): counted, so the closing line never says 0 failed for a red run.
  const exit = exitCodes.get(file);
  if (exit !== undefined && exit !== 0 && counts.failed === 0) {
    counts.failed = 1;
    counts.failures.push(
      `exited ${exit} with no failed test: an error outside the tests (vitest's "Unhandled Errors" in the log above)`,
    );
  }
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped;
  for (const failure of counts.failures) failed.push(`${label}: ${failure}`);
  for (const test of counts.flaky) flaky.push(`${label}: ${test}`);
  // Indented and comma-free, so no per-runtime line can be mistaken for the closing line.
  if (files.length > 1)
    rows.push(
      `  ${`${label}${counts.version ? ` (${counts.version})` : ''}`.padEnd(52)} ${String(counts.passed).padStart(4)} passed ${String(counts.failed).padStart(3)} failed ${String(counts.skipped).padStart(3)} skipped`,
    );
}
if (rows.length) console.log(['per runtime:', ...rows].join('\n'));
const list = (title: string, lines: string[]) =>
  [
    title,
    ...lines.slice(0, 30).map((line) => `  ${line}`),
    ...(lines.length > 30 ? [`  ... and ${lines.length - 30} more`] : []),
  ].join('\n');
if (flaky.length) console.log(list('flaky (failed, then passed on retry; fix these):', flaky));
// What failed, named, just above the closing line: CI may keep only the tail of the log.
if (failed.length) console.log(list('failed:', failed));
console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
