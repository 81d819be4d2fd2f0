/**
 * How long tsc takes to type-check 50 sturdy/openapi calls over GitHub's published `paths`
 * (@octokit/openapi-types, about 1,000 operations), against the same project with no calls.
 * Writes a throwaway project under node_modules/.cache/, runs `tsc --noEmit -p` on it three times cold with
 * TypeScript 7 (the project's) and TypeScript 5.9 (what most users run), prints the medians, and fails on any
 * diagnostic (an "excessively deep" instantiation included) or a run over 10 s.
 * Usage: npm run -s openapi:scale   (README "From OpenAPI" quotes the figure)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIR = `${ROOT}node_modules/.cache/sturdy-openapi-scale`;
const TYPES = `${ROOT}node_modules/@octokit/openapi-types/types.d.ts`;
const CALLS = 50;
const LIMIT_MS = 10_000;

/** Calls as people write them: literals for params and bodies, results narrowed by status. */
const WRITTEN = `
const repo = await gh.GET('/repos/{owner}/{repo}', { params: { path: { owner, repo: name } } });
if (repo.ok) use(repo.data.full_name, repo.data.stargazers_count);
else if (repo.status === 404) use(repo.error.message);
else if (repo.status === 301) use(repo.error);
else if (repo.status === undefined) use(repo.error.message);
const issues = await gh.GET('/repos/{owner}/{repo}/issues', {
  params: { path: { owner, repo: name }, query: { state: 'open', per_page: 100, labels: 'bug' } },
});
if (issues.ok) for (const issue of issues.data) use(issue.number, issue.title);
const created = await gh.POST('/repos/{owner}/{repo}/issues', {
  params: { path: { owner, repo: name } },
  body: { title: 'Flaky test', body: 'Seen twice', labels: ['bug'] },
});
if (created.ok) use(created.data.html_url);
else if (created.status === 410 || created.status === 404) use(created.error.message);
else if (created.status === 422) use(created.error.errors);
await gh.PATCH('/repos/{owner}/{repo}/issues/{issue_number}', {
  params: { path: { owner, repo: name, issue_number: 42 } },
  body: { state: 'closed', state_reason: 'completed' },
});
const pull = await gh.GET('/repos/{owner}/{repo}/pulls/{pull_number}', {
  params: { path: { owner, repo: name, pull_number: 7 } },
});
if (pull.ok) use(pull.data.mergeable, pull.data.head.sha);
await gh.POST('/repos/{owner}/{repo}/pulls', {
  params: { path: { owner, repo: name } },
  body: { title: 'Fix', head: 'fix-branch', base: 'main' },
});
const me = await gh.GET('/user');
if (me.ok) use(me.data.login);
await gh.GET('/users/{username}/repos', { params: { path: { username: owner }, query: { sort: 'updated' } } });
const found = await gh.GET('/search/issues', { params: { query: { q: 'is:open label:bug', per_page: 50 } } });
if (found.ok) use(found.data.total_count);
await gh.PUT('/repos/{owner}/{repo}/contents/{path}', {
  params: { path: { owner, repo: name, path: 'docs/README.md' } },
  body: { message: 'docs', content: 'SGVsbG8=' },
});
const removed = await gh.DELETE('/repos/{owner}/{repo}/issues/comments/{comment_id}', {
  params: { path: { owner, repo: name, comment_id: 1 } },
});
if (removed.ok) use(removed.data);
await gh.GET('/orgs/{org}/members', { params: { path: { org: owner }, query: { per_page: 100 } } });
await gh.POST('/repos/{owner}/{repo}/issues/{issue_number}/comments', {
  params: { path: { owner, repo: name, issue_number: 42 } },
  body: { body: 'Thanks!' },
});
await gh.GET('/repos/{owner}/{repo}/commits', { params: { path: { owner, repo: name }, query: { sha: 'main' } } });
const limits = await gh.GET('/rate_limit');
if (limits.ok) use(limits.data.resources.core.remaining);
`;

/** More GET operations of the document, each called with an init of exactly its type and its result narrowed. */
function generatedCalls(count: number): string {
  const paths = [...readFileSync(TYPES, 'utf8').matchAll(/^ {2}"(\/[^"]*)": \{\n((?: {4}.*\n)*?) {2}\};/gm)]
    .filter((match) => /^ {4}get: operations/m.test(match[2]!))
    .map((match) => match[1]!)
    .filter((path) => !WRITTEN.includes(`'${path}'`));
  const step = Math.floor(paths.length / count);
  return Array.from({ length: count }, (_, index) => {
    const path = JSON.stringify(paths[index * step]);
    return `{ const r = await gh.GET(${path}, init(${path})); if (r.ok) use(r.data); else if (r.status !== undefined) use(r.error); }`;
  }).join('\n');
}

const written = (WRITTEN.match(/await gh\./g) ?? []).length;
const header = `import type { paths } from ${JSON.stringify(TYPES.replace(/\.d\.ts$/, '.js'))};
import { createClient } from ${JSON.stringify(`${ROOT}src/index.ts`)};
import { openapi, type Operation, type OpenApiInit, type PathsWithMethod } from ${JSON.stringify(`${ROOT}src/openapi/index.ts`)};
declare const owner: string;
declare const name: string;
declare function use(...values: unknown[]): void;
declare function init<P extends PathsWithMethod<paths, 'get'>>(path: P): OpenApiInit<Operation<paths, P, 'get'>>;
export const gh = openapi<paths>(createClient({ baseUrl: 'https://api.github.com/' }));
`;

const project = (file: string, source: string) => {
  writeFileSync(`${DIR}/${file}.ts`, source);
  writeFileSync(
    `${DIR}/${file}.json`,
    JSON.stringify({
      compilerOptions: {
        target: 'ES2023',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2023', 'DOM', 'DOM.Iterable'],
        types: [],
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        verbatimModuleSyntax: true,
        allowImportingTsExtensions: true,
        skipLibCheck: true,
        noEmit: true,
      },
      files: [`${file}.ts`],
    }),
  );
};

/** The compilers measured: the project's TypeScript 7 (native) and TypeScript 5.9 (JS; tools/openapi-gen has it). */
const COMPILERS = [
  { name: 'TypeScript 7', command: 'npx', args: ['tsc'], limited: true },
  // Reported, not limited: loading GitHub's 5 MB of types alone takes it most of 10 s on a busy machine.
  { name: 'TypeScript 5.9', command: `${ROOT}tools/openapi-gen/node_modules/.bin/tsc`, args: [], limited: false },
];

type Run = { ms: number; checkMs: number; instantiations: number; output: string };

/** One cold `tsc --noEmit -p --extendedDiagnostics`: wall time, tsc's own check time and instantiations, diagnostics. */
function tsc(compiler: (typeof COMPILERS)[number], file: string): Run {
  const started = performance.now();
  let output: string;
  try {
    output = execFileSync(
      compiler.command,
      [...compiler.args, '--noEmit', '--extendedDiagnostics', '-p', `${DIR}/${file}.json`],
      { cwd: ROOT, encoding: 'utf8' },
    );
  } catch (error) {
    output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
  }
  const ms = Math.round(performance.now() - started);
  const stat = (name: string) => Number(new RegExp(`^${name}:\\s+([\\d.]+)`, 'm').exec(output)?.[1] ?? Number.NaN);
  // Diagnostics are the lines before the statistics (`Files: ...`).
  const diagnostics = output.slice(0, Math.max(0, output.search(/^Files:/m))).trim();
  return {
    ms,
    checkMs: Math.round(stat('Check time') * 1000),
    instantiations: stat('Instantiations'),
    output: diagnostics,
  };
}

/** The median of three runs (the machine may be busy): by wall time. */
function median(compiler: (typeof COMPILERS)[number], file: string): Run {
  const runs = [0, 1, 2].map(() => tsc(compiler, file)).sort((a, b) => a.ms - b.ms);
  return runs[1]!;
}

rmSync(DIR, { recursive: true, force: true });
mkdirSync(DIR, { recursive: true });
project('baseline', header);
project('calls', `${header}${WRITTEN}\n${generatedCalls(CALLS - written)}\n`);
console.log(
  `GitHub paths (${TYPES.split('node_modules/')[1]}): ${CALLS} calls (${written} written, ${CALLS - written} generated)`,
);
for (const compiler of COMPILERS) {
  const baseline = median(compiler, 'baseline');
  const calls = median(compiler, 'calls');
  console.log(
    `${compiler.name}: ${calls.ms} ms wall (check ${calls.checkMs} ms, ${calls.instantiations} instantiations); ` +
      `without the calls ${baseline.ms} ms (check ${baseline.checkMs} ms, ${baseline.instantiations} instantiations)`,
  );
  const output = [baseline.output, calls.output].filter((text) => text !== '').join('\n');
  if (output) console.log(output.slice(0, 4000));
  if (output || (compiler.limited && calls.ms > LIMIT_MS)) {
    console.log(output ? `FAIL: ${compiler.name} reported errors` : `FAIL: ${compiler.name} over ${LIMIT_MS} ms`);
    process.exitCode = 1;
  }
}
if (!process.exitCode) console.log(`ok: no diagnostics; TypeScript 7 under ${LIMIT_MS} ms (median of 3 cold runs)`);
