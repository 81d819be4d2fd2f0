/**
 * The stub table's rounds in a fresh process: a process's JIT luck (which call sites V8 inlines, in which order
 * the clients warmed up) moved one client's ratio by up to 0.6x between processes of the same code, so run.ts
 * pools the rounds of several processes. Prints StubResult as JSON.
 * Usage: node stub-child.ts <path/to/sturdy/index.js> <caller | platform> <rounds> <n> [JSON array of row names]
 */
import { benchStub } from './stub.ts';

const [target, mode, rounds, n, rows] = process.argv.slice(2) as [string, string, string, string, string?];
const sturdy = (await import(target)) as Record<string, unknown>;
const only = rows ? (JSON.parse(rows) as string[]) : undefined;
process.stdout.write(JSON.stringify(await benchStub(sturdy, Number(rounds), Number(n), mode === 'platform', only)));
