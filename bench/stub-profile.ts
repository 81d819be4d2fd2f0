/**
 * Where a call's CPU goes, by code: sampling CPU profiles (node:inspector, the profiler behind
 * `node --cpu-prof`) of ky and sturdy over the stub fetch (POST JSON + parse), in one process. Each sample is
 * charged to the innermost sturdy function or stub fetch on its stack (src/..., bench/stub.ts), else to ky, else
 * to the runtime (promise jobs, the bench loop) or to garbage collection: so a sturdy function's figure includes the platform work it
 * asks for (a `new Request`, a Headers copy). Each round times every case without the profiler and then
 * profiles it; a row is the case's median unprofiled CPU per call x the row's share of all its samples (pooled
 * over rounds), so a case's rows add up to its time and the differences to the gap between two cases.
 * Standalone: `node bench/stub-profile.ts [rounds] [n]` (Node 24); `DETAIL=1` adds the leaf functions under
 * each row. Nothing is asserted.
 */
import { Session } from 'node:inspector/promises';
import ky from 'ky';
import { bearer, createClient } from '../src/index.ts';
import { median, perOp } from './stats.ts';
import { PAYLOAD, stubFetch } from './stub.ts';

const rounds = Number(process.argv[2] ?? 7);
const n = Number(process.argv[3] ?? 3000);
const DETAIL = process.env.DETAIL === '1';
const BASE = 'https://api.example.com/v1/';

const full = createClient({ baseUrl: BASE, fetch: stubFetch, auth: bearer('bench-token') });
const off = createClient({
  baseUrl: BASE,
  fetch: stubFetch,
  retry: false,
  timeout: false,
  totalTimeout: false,
  idleTimeout: false,
});
const kyFloor = ky.create({ retry: 0, timeout: false });
const cases: Record<string, () => Promise<unknown>> = {
  'ky defaults': () => ky.post(`${BASE}orders`, { json: PAYLOAD, fetch: stubFetch }).json(),
  'sturdy full defaults + bearer': () => full.post('orders', { json: PAYLOAD }).json(),
  "ky's floor": () => kyFloor.post(`${BASE}orders`, { json: PAYLOAD, fetch: stubFetch }).json(),
  'sturdy, retries and timeouts off': () => off.post('orders', { json: PAYLOAD }).json(),
};
/** The tables: each sturdy case beside the ky case its target is set against. */
const PAIRS: Array<[ky: string, sturdy: string]> = [
  ['ky defaults', 'sturdy full defaults + bearer'],
  ["ky's floor", 'sturdy, retries and timeouts off'],
];

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[] };

const GC = 'runtime: garbage collection';
const RUNTIME = 'runtime: promise jobs, bench loop';
/** The key under which a case's count of all its samples is kept. */
const TOTAL = '(all samples)';
/** The row a frame is charged to: a sturdy function (`core/call.ts attemptFetch`), the stub, ky, or undefined (runtime). */
const rowOf = ({ functionName, url }: CallFrame): string | undefined => {
  const sturdy = /\/src\/(.+\.ts)$/.exec(url);
  if (sturdy) return `${sturdy[1]} ${functionName || '(anonymous)'}`;
  if (/\/bench\/stub\.ts$/.test(url)) return 'the stub fetch (reads the request body, makes the Response)';
  return /\/node_modules\/ky\//.test(url) ? 'ky (with the platform work it asks for)' : undefined;
};
const leafOf = ({ functionName, url, lineNumber }: CallFrame) =>
  `${functionName || '(anonymous)'} ${url.replace(/^.*\//, '')}:${lineNumber + 1}`;

/** Adds the profile's non-idle samples per row (and, with DETAIL, per row and leaf function) to `counts`. */
function countSamples(profile: Profile, counts: Map<string, number>): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const rows = new Map<number, string>();
  const rowFor = (id: number): string => {
    let row = rows.get(id);
    if (row === undefined) {
      const up = parent.get(id);
      row = rowOf(byId.get(id)!.callFrame) ?? (up === undefined ? RUNTIME : rowFor(up));
      rows.set(id, row);
    }
    return row;
  };
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const id of profile.samples) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') continue;
    add(TOTAL);
    const row = frame.functionName === '(garbage collector)' ? GC : rowFor(id);
    add(row);
    if (DETAIL) add(`${row}\t${leafOf(frame)}`);
  }
}

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 50 });
const perCall = new Map<string, number[]>();
const samples = new Map<string, Map<string, number>>();
for (const op of Object.values(cases)) await perOp(op, n);
const names = Object.keys(cases);
for (let round = 0; round < rounds; round++) {
  // The order rotates each round, so no case always follows the same one (and its garbage).
  for (let i = 0; i < names.length; i++) {
    const name = names[(i + round) % names.length]!;
    const op = cases[name]!;
    const us = await perOp(op, n);
    await session.post('Profiler.start');
    await perOp(op, n);
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
    perCall.set(name, [...(perCall.get(name) ?? []), us]);
    const counts = samples.get(name) ?? new Map<string, number>();
    samples.set(name, counts);
    countSamples(profile, counts);
  }
}
session.disconnect();

/** A row's us per call in a case: the case's median CPU per call x the row's share of its samples. */
const usOf = (name: string, key: string): number => {
  const counts = samples.get(name)!;
  return (median(perCall.get(name)!) * (counts.get(key) ?? 0)) / counts.get(TOTAL)!;
};
const fmt = (us: number) => us.toFixed(1);
let out = `### Per-call CPU by code (stub fetch, POST JSON + parse; ${rounds} rounds x ${n} calls, sampled every 50 us, Node ${process.versions.node})\n\nEach sample is charged to the innermost sturdy function or stub fetch on its stack, else to ky, else to the runtime. us per call: the case's median CPU per call (timed without the profiler) x the row's share of its samples over all rounds; rows under 0.3 us left out.\n`;
for (const [kyName, sturdyName] of PAIRS) {
  const keys = new Set([...samples.get(kyName)!.keys(), ...samples.get(sturdyName)!.keys()]);
  keys.delete(TOTAL);
  const rows = [...keys]
    .filter((key) => !key.includes('\t'))
    .map((key): [string, number, number] => [key, usOf(kyName, key), usOf(sturdyName, key)])
    .filter(([, a, b]) => Math.max(a, b) >= 0.3)
    .sort((a, b) => b[2] - b[1] - (a[2] - a[1]));
  const kyUs = median(perCall.get(kyName)!);
  const sturdyUs = median(perCall.get(sturdyName)!);
  out += `\n#### ${sturdyName} (${fmt(sturdyUs)} us) over ${kyName} (${fmt(kyUs)} us): ${fmt(sturdyUs - kyUs)} us\n\n| code | ${kyName} | ${sturdyName} | difference |\n|---|--:|--:|--:|\n`;
  for (const [key, a, b] of rows) {
    out += `| ${key} | ${fmt(a)} | ${fmt(b)} | ${b - a >= 0 ? '+' : ''}${fmt(b - a)} |\n`;
    if (!DETAIL) continue;
    const leaves = [...keys]
      .filter((leaf) => leaf.startsWith(`${key}\t`))
      .map((leaf): [string, number, number] => [leaf.split('\t')[1]!, usOf(kyName, leaf), usOf(sturdyName, leaf)])
      .filter(([, x, y]) => Math.max(x, y) >= 0.5)
      .sort((x, y) => Math.max(y[1], y[2]) - Math.max(x[1], x[2]));
    for (const [leaf, x, y] of leaves) out += `| &nbsp;&nbsp;${leaf} | ${fmt(x)} | ${fmt(y)} | |\n`;
  }
}
process.stdout.write(out);
