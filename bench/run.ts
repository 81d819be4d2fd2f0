/**
 * `npm run bench`: every measurement in one run, side by side, written to
 * bench/results.md and into README's Performance section (between markers).
 * Not part of CI; nothing here is asserted.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { buildDist, buildNodeBundle, buildStreamBundle, ROOT } from './build.ts';
import { benchCold, coldRows } from './cold.ts';
import { benchInstructions, instructionRows } from './instructions.ts';
import { benchLoopback, loopbackRows } from './loopback.ts';
import { benchMeanCpu, MEAN_HEAD } from './mean-cpu.ts';
import { benchSize, sizeBreakdown, sizeRows } from './size.ts';
import { startBenchServer } from './spawn.ts';
import { benchStreams, streamRows } from './streams.ts';
import { benchStubProcesses, benchStubTargets, stubRows } from './stub.ts';

const only = new Set(process.argv.slice(2));
const wanted = (name: string) => only.size === 0 || only.has(name);
const log = (text: string) => process.stderr.write(`${text}\n`);
const table = (head: string[], rows: string[][]) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 ? '---' : '--:')).join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');

/** The columns of both stub tables. */
const STUB_HEAD = [
  'client',
  'CPU us/op',
  'ops/s',
  'time x ky defaults',
  "time x ky's floor",
  'target',
  'alone (per process)',
  'met?',
];

const started = performance.now();
const sections: string[] = [];
const bundle = await buildNodeBundle();
const sturdy = await import(bundle);
const server = await startBenchServer();
try {
  if (wanted('stub')) {
    log('stub fetch overhead ...');
    const result = await benchStubProcesses(bundle, false);
    const targets = await benchStubTargets(bundle, false);
    sections.push(
      '### Per-request overhead, stub fetch (POST JSON + parse)\n\nsturdy\'s full defaults (retry, timeouts, idempotency key) with `bearer()`; "retries and timeouts off" is `retry: false, timeout: false, totalTimeout: false, idleTimeout: false`, no auth. CPU time per call; "time x" columns are medians of per-round ratios (lower is better), pooled over 4 fresh processes of 12 rounds each (the JIT luck of one process moved a ratio by up to 0.6x), every client in each process, measured after 4 warm-up rounds (6,000 calls of each client: with fewer, V8\'s tier-up was still running and a row read up to 0.2x higher), each round in the next order of a balanced Latin square (no row always runs after the same one, whose garbage it pays for). "alone" is a target row measured against its reference in 4 more processes that run only those two clients, as an app with one client does, with the lowest and highest ratio a process measured by itself.\n\n' +
        table(STUB_HEAD, stubRows(result, targets)),
    );
  }
  if (wanted('stub')) {
    log('stub fetch overhead, the stub as the platform fetch ...');
    const result = await benchStubProcesses(bundle, true);
    const targets = await benchStubTargets(bundle, true);
    sections.push(
      "### Per-request overhead, stub as the platform's fetch (POST JSON + parse)\n\nThe same calls with the stub installed as `globalThis.fetch` (no client gets a `fetch` option) and building its request as fetch does, `new Request(input, init)`: the path every client takes with the real fetch. sturdy then hands the JSON body and the credential to fetch's init instead of a Request copy (a caller's `fetch`, as in the table above, may ignore an init, so it gets the copy).\n\n" +
        table(STUB_HEAD, stubRows(result, targets)),
    );
  }
  if (wanted('stub')) {
    log('mean CPU per call, one client per process ...');
    sections.push(
      "### Mean CPU per call, one client per process (stub as a caller's fetch, POST JSON + parse)\n\nThe tables above take medians of rounds with every client in one process, which leave most major garbage collections out (a round that pays one is an outlier, and one client's garbage may be collected in another's round). Here each client runs alone in 3 fresh processes (20,000 calls after 8,000 warm ones, the event loop turning every 50), and the figure is the median of the processes' means: collections included. GC pause is the main thread's. See bench/mean-cpu.ts.\n\n" +
        table(MEAN_HEAD, benchMeanCpu(bundle, 3)),
    );
  }
  // Asked for by name only (about 10 minutes under valgrind): `npm run bench -- instructions`.
  if (only.has('instructions')) {
    log('instructions per call under valgrind ...');
    const alone = await benchInstructions(bundle, false, false);
    const mixed = await benchInstructions(bundle, false, true);
    sections.push(
      "### Instructions per call (callgrind, V8 predictable mode; stub as a caller's fetch, POST JSON + parse)\n\nCounted after 1,500 warm-up calls: alone (only that client in the process) and after 500 calls of every other client (mixed). Repeats within 1%, unlike CPU time on this VM, but a change of the harness alone moved a ratio by up to 0.6x (JIT and GC state): for an A/B of one change, not a verdict on a target. Not time (no cache, branch or GC-thread costs). See bench/instructions.ts.\n\n" +
        table(
          ['client', 'alone k-instr./call', 'alone ratio', 'mixed k-instr./call', 'mixed ratio'],
          instructionRows(alone, mixed),
        ),
    );
  }
  if (wanted('loopback')) {
    log('loopback throughput ...');
    sections.push(
      "### Loopback throughput (node:http on 127.0.0.1, separate process; POST JSON + parse)\n\nTarget: sturdy full defaults + bearer >= 1.0x ky defaults' req/s, sequential and at concurrency 32 (wall clock; CPU per request is the client process's, sequential rounds).\n\n" +
        table(
          [
            'client',
            'sequential req/s',
            'x raw fetch',
            'x ky defaults',
            'met?',
            'concurrency 32 req/s',
            'x raw fetch',
            'x ky defaults',
            'met?',
            'client CPU us/req',
          ],
          loopbackRows(await benchLoopback(sturdy, server.url)),
        ),
    );
  }
  if (wanted('size')) {
    log('bundle size ...');
    const size = await benchSize();
    sections.push(
      `### Bundle size (esbuild, browser, minified, gzip -9; kB = 1000 bytes)\n\n${table(['bundle', 'min+gz', 'target', 'met?'], sizeRows(size))}\n\n${sizeBreakdown(size)}`,
    );
  }
  if (wanted('cold')) {
    log('cold import ...');
    const cold = await benchCold(
      { 'ky 2.1': 'ky', 'sturdy (dist, as shipped)': await buildDist(), 'sturdy (one-file ESM bundle)': bundle },
      server.url,
    );
    sections.push(
      '### Cold import + first request (fresh process each, alternating)\n\n' +
        table(['library', 'import ms', 'import + first request ms', 'vs ky', 'x ky', 'target', 'met?'], coldRows(cold)),
    );
  }
  if (wanted('streams')) {
    log('NDJSON streams, 512 MiB each way ...');
    sections.push(
      '### NDJSON streaming, 512 MiB each way (client in a fresh process, RSS sampled every 5 ms)\n\n' +
        table(
          ['transfer', 'MiB', 's', 'MiB/s', 'records', 'peak RSS growth MiB', 'target', 'met?'],
          streamRows(await benchStreams(await buildStreamBundle(), server.url)),
        ),
    );
  }
} finally {
  server.close();
}

const seconds = ((performance.now() - started) / 1000).toFixed(0);
const header = `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.versions.node}, ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}, a VM shared with other work, noisy), ${seconds} s run. Medians of alternating rounds.`;
const markdown = `${header}\n\n${sections.join('\n\n')}\n`;
if (only.size === 0) {
  writeFileSync(resolve(ROOT, 'bench/results.md'), `# sturdy benchmarks\n\n${markdown}`);
  const readmePath = resolve(ROOT, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const marked = /(<!-- bench:start -->\n)[\s\S]*?(<!-- bench:end -->)/;
  if (marked.test(readme))
    writeFileSync(
      readmePath,
      readme.replace(marked, (_, start: string, end: string) => `${start}${markdown}${end}`),
    );
}
process.stdout.write(markdown);
