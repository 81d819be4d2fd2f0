/**
 * Where sturdy's per-call time goes over a stub fetch (POST JSON + parse): sturdy with every
 * feature off, then one default turned back on per row, next to ky's floor, ky with only its
 * timeout and ky's defaults, all in one run (alternating rounds; time ratios are medians of per-round ratios).
 * `node bench/stub-profile.ts` shows the same calls by code (which sturdy function, ky, the runtime).
 * Standalone: `node bench/stub-breakdown.ts [rounds] [n]` (Node 24). Nothing is asserted.
 */
import ky from 'ky';
import { alternate, median, pairedRatio, perOp, type Case } from './stats.ts';
import { PAYLOAD, stubFetch } from './stub.ts';
import { bearer, createClient } from '../src/index.ts';

const rounds = Number(process.argv[2] ?? 11);
const n = Number(process.argv[3] ?? 1500);
const BASE = 'https://api.example.com/v1/';

const OFF = { retry: false, timeout: false, totalTimeout: false, idleTimeout: false, idempotencyKey: false } as const;
const TIMEOUTS_OFF = { retry: false, timeout: false, totalTimeout: false, idleTimeout: false } as const;
/** Each row turns one more of sturdy's defaults back on, in this order (the last row is sturdy's full defaults + bearer). */
const steps: Array<[string, Record<string, unknown>]> = [
  ['sturdy, all features off', OFF],
  ['+ idempotency key (= retries and timeouts off)', TIMEOUTS_OFF],
  ['+ idleTimeout (body guard)', { ...TIMEOUTS_OFF, idleTimeout: undefined }],
  [
    '+ per-attempt timeout (covers a shortcut read: no guard)',
    { ...TIMEOUTS_OFF, idleTimeout: undefined, timeout: undefined },
  ],
  ['+ totalTimeout', { retry: false }],
  ['+ retries (= sturdy defaults)', {}],
  ['+ bearer() (= full defaults + bearer)', { auth: bearer('bench-token') }],
];
const withoutUndefined = (options: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));

const kyCase =
  (instance: typeof ky): Case =>
  () =>
    perOp(() => instance.post(`${BASE}orders`, { json: PAYLOAD, fetch: stubFetch }).json(), n);
const cases: Record<string, Case> = {
  "ky's floor (retry: 0, timeout: false)": kyCase(ky.create({ retry: 0, timeout: false })),
  'ky retry: 0 (its 10 s timeout on)': kyCase(ky.create({ retry: 0 })),
  'ky defaults': kyCase(ky),
};
for (const [name, options] of steps) {
  const api = createClient({ baseUrl: BASE, fetch: stubFetch, ...withoutUndefined(options) });
  cases[name] = () => perOp(() => api.post('orders', { json: PAYLOAD }).json(), n);
}

process.stderr.write(`stub breakdown: ${Object.keys(cases).length} cases x ${rounds} rounds x ${n} calls ...\n`);
const samples = await alternate(cases, rounds, 2);
const floor = samples["ky's floor (retry: 0, timeout: false)"]!;
const kyDefaults = samples['ky defaults']!;
const names = Object.keys(samples);
const rows = names.map((name, i) => {
  const values = samples[name]!;
  // The step's own cost: this row minus the row before it, per round (sturdy rows only).
  const previous = i > names.indexOf('sturdy, all features off') ? samples[names[i - 1]!] : undefined;
  const step = previous ? median(values.map((value, round) => value - previous[round]!)) : undefined;
  return `| ${name} | ${median(values).toFixed(1)} | ${step === undefined ? '-' : `${step >= 0 ? '+' : ''}${step.toFixed(1)}`} | ${pairedRatio(values, kyDefaults).toFixed(2)} | ${pairedRatio(values, floor).toFixed(2)} |`;
});
process.stdout.write(
  `### sturdy's per-call cost, one default at a time (stub fetch, POST JSON + parse; ${rounds} rounds x ${n} calls, Node ${process.versions.node})\n\n` +
    `| case | CPU us/op | step us | time x ky defaults | time x ky's floor |\n|---|--:|--:|--:|--:|\n${rows.join('\n')}\n`,
);
