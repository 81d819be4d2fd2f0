/**
 * A small JSON body read two ways, and a ResponsePromise-like reference cycle, timed in CPU per operation: the check
 * behind README's correction of what the instruction count charged to `.json()`'s 1 MiB bound.
 * - `text()`: the platform's read; `bounded`: the core's `readBounded` as `.json()` uses it for a body without a
 *   Content-Length; `response only`: making the Response, the floor of both.
 * - `cycle` / `no cycle`: a Promise that holds two closures, which do or do not hold the Promise (every
 *   ResponsePromise's shortcuts hold theirs). Counted by callgrind in predictable mode the cycle costs ~65k
 *   instructions; timed, nothing.
 * Usage: node bench/body-read.ts   (prints the median us/op of each case over alternating rounds)
 */
import { readBounded } from '../src/core/body.ts';
import { alternate, median, perOp } from './stats.ts';

const BODY = JSON.stringify({ id: 'ord_1', sku: 'A1', quantity: 2, items: [1, 2, 3] });
const reply = () => new Response(BODY, { headers: { 'content-type': 'application/json' } });
const looksJson = (start: string) => /^\s*[{[]/.test(start);
const N = 5000;

const cases = {
  'response only': () => perOp(async () => reply(), N),
  'text()': () => perOp(() => reply().text(), N),
  bounded: () => perOp(() => readBounded(reply(), looksJson), N),
  cycle: () =>
    perOp(() => {
      const promise: Promise<Response> & { a?: unknown; b?: unknown } = Promise.resolve(reply());
      promise.a = () => promise;
      promise.b = () => promise;
      return promise.then((response) => response.text());
    }, N),
  'no cycle': () =>
    perOp(() => {
      const promise: Promise<Response> & { a?: unknown; b?: unknown } = Promise.resolve(reply());
      promise.a = function (this: unknown) {
        return this;
      };
      promise.b = function (this: unknown) {
        return this;
      };
      return promise.then((response) => response.text());
    }, N),
};

if (import.meta.main) {
  const samples = await alternate(cases, 30, 2);
  for (const [name, values] of Object.entries(samples))
    console.log(`${name.padEnd(14)} ${median(values).toFixed(2)} us/op`);
}
