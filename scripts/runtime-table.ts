// Checks README's "## Runtimes" table against the conformance results CI just produced
// (test-results/conformance-*.json and the edge/browser vitest reports): every runtime that ran
// has a row (found by its id in backticks), the row's version is the one that ran, and its
// "named skips" cell names exactly the skips that happened ("none" when none did).
// Prints one line per runtime, writes test-results/readme-runtimes.json (counted by
// scripts/ci-summary.ts) and exits 1 on a mismatch. Usage: npm exec -- node scripts/runtime-table.ts
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Outcome } from '../test/conformance/harness.ts';
import type { ConformanceReport } from '../test/conformance/runners/run.ts';

type Ran = { id: string; version: string | undefined; skips: Set<string> };

/** `upload streams: why` -> `upload streams` (cases.ts writes every skip reason this way). */
const skipName = (reason: string | undefined) => (reason ?? '').split(':')[0]!.trim();

function ranRuntimes(): Ran[] {
  const ran: Ran[] = [];
  for (const file of readdirSync('test-results')
    .filter((name) => /^conformance-.+\.json$/.test(name))
    .sort()) {
    const report = JSON.parse(readFileSync(`test-results/${file}`, 'utf8')) as ConformanceReport;
    const skips = new Set(
      report.outcomes.filter((outcome) => outcome.status === 'skipped').map((outcome) => skipName(outcome.detail)),
    );
    ran.push({ id: report.runtime, version: report.version.split(',')[0]!.replace(/^\w+ /, ''), skips });
  }
  // vitest titles of skipped cases end with `[skipped in <runtime>: <reason>]` (runners/vitest.ts).
  for (const [id, file] of [
    ['edge-runtime', 'vitest-edge.json'],
    ['chromium', 'vitest-browser.json'],
  ] as const) {
    if (!existsSync(`test-results/${file}`)) continue;
    const report = JSON.parse(readFileSync(`test-results/${file}`, 'utf8')) as {
      testResults: Array<{ assertionResults: Array<{ title: string; status: string }> }>;
    };
    const skips = new Set<string>();
    let version: string | undefined;
    for (const result of report.testResults.flatMap((file) => file.assertionResults)) {
      const match = /\[skipped in [\w.-]+: (.*)\]$/.exec(result.title);
      if (match && result.status !== 'passed' && result.status !== 'failed') skips.add(skipName(match[1]));
      // browser.test.ts names the browser's major version in a title.
      version ??= /^runs inside Chromium (\d+)/.exec(result.title)?.[1];
    }
    ran.push({ id, version, skips });
  }
  return ran;
}

function readmeRows(): Map<string, string[]> {
  const readme = readFileSync('README.md', 'utf8');
  const section = /^## Runtimes\n([\s\S]*?)(?=^## )/m.exec(`${readme}\n## `)?.[1] ?? '';
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n').filter((row) => row.startsWith('|'))) {
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    const id = /`([\w.-]+)`/.exec(cells[0] ?? '')?.[1];
    if (id) rows.set(id, cells);
  }
  return rows;
}

const rows = readmeRows();
const ran = ranRuntimes();
const outcomes: Outcome[] = [];
const knownSkips = new Set(ran.flatMap((runtime) => [...runtime.skips]));
for (const runtime of ran) {
  const cells = rows.get(runtime.id);
  const problems: string[] = [];
  if (!cells) problems.push(`no row with \`${runtime.id}\` in README's "## Runtimes" table`);
  else {
    const [, version = '', , skipsCell = ''] = cells;
    if (runtime.version && !version.includes(runtime.version))
      problems.push(`version cell "${version}" does not show ${runtime.version}, the version that ran`);
    for (const name of runtime.skips)
      if (!skipsCell.includes(name)) problems.push(`skip "${name}" happened but the row does not name it`);
    for (const name of knownSkips)
      if (!runtime.skips.has(name) && skipsCell.includes(name))
        problems.push(`the row names skip "${name}", which did not happen`);
    if (runtime.skips.size === 0 && skipsCell !== 'none')
      problems.push(`no case was skipped: the skips cell should say "none", not "${skipsCell}"`);
  }
  const detail = problems.join('; ');
  outcomes.push({
    name: `README runtime row for ${runtime.id}`,
    status: detail ? 'failed' : 'passed',
    ms: 0,
    ...(detail ? { detail } : {}),
  });
  console.log(
    detail
      ? `  FAIL  ${runtime.id}: ${detail}`
      : `  ok    ${runtime.id}: row matches (skips: ${[...runtime.skips].join(', ') || 'none'})`,
  );
}
for (const id of rows.keys()) {
  if (ran.some((runtime) => runtime.id === id)) continue;
  outcomes.push({
    name: `README runtime row for ${id}`,
    status: 'failed',
    ms: 0,
    detail: 'the README lists it but no results for it were found',
  });
  console.log(`  FAIL  ${id}: the README lists it but no results for it were found`);
}
const failed = outcomes.filter((outcome) => outcome.status === 'failed').length;
writeFileSync(
  'test-results/readme-runtimes.json',
  JSON.stringify(
    { runtime: 'readme-runtimes', outcomes, passed: outcomes.length - failed, failed, skipped: 0 },
    null,
    2,
  ),
);
console.log(`README runtime table: ${outcomes.length - failed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
