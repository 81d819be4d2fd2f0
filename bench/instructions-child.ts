/**
 * One client's calls for bench/instructions.ts, run under valgrind: `warm` calls (and, with `mixed`, 500 of
 * every other client first, as a process running every client warms them), then `n` calls of the case.
 * Usage (bench/instructions.ts runs it under valgrind, with V8's predictable flags):
 *   node instructions-child.ts <path/to/sturdy/index.js> <caller | platform> <case> <warm> <n> [mixed]
 */
import { callMany } from './stats.ts';
import { CASE_NAMES, platformStub, stubClients } from './stub.ts';

const [target, mode, name, warm, n, mixed] = process.argv.slice(2) as [string, string, string, string, string, string?];
if (!CASE_NAMES.includes(name)) throw new Error(`unknown case ${name}`);
const sturdy = (await import(target)) as Record<string, unknown>;
if (mode === 'platform') globalThis.fetch = platformStub;
const clients = stubClients(sturdy, mode === 'platform');
const run = (which: string, count: number) => callMany(clients[which]!, count);
if (mixed) for (const other of CASE_NAMES) if (other !== name) await run(other, 500);
await run(name, Number(warm));
await run(name, Number(n));
