/**
 * `node bench/cache.ts`: what sturdy/cache costs and saves, printed as a markdown table.
 * - a fresh httpCache hit vs a loopback round trip of the same GET (both through sturdy);
 * - 1,000 concurrent identical GETs of a multi-MiB body through dedupe: upstream requests, peak RSS growth;
 * - the gzip size of `sturdy/cache` (esbuild, browser, minified, ky external).
 * Nothing here is asserted; figures are medians over alternating rounds on a shared machine.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { gzipSize, ROOT } from './build.ts';
import { startBenchServer } from './spawn.ts';
import { alternate, fixed, median, pairedRatio } from './stats.ts';
import { createClient, type Middleware } from '../src/index.ts';
import { dedupe, httpCache } from '../src/cache/index.ts';

const BODY_MIB = 4;
const CALLS = 1_000;

if (process.argv[2] === 'serve') serveLargeBody();
else await main();

async function main(): Promise<void> {
  const log = (text: string) => process.stderr.write(`${text}\n`);
  log('fresh hit vs loopback ...');
  const hit = await benchHit();
  log(`${CALLS} concurrent identical GETs through dedupe ...`);
  const fan = await benchDedupe();
  log('size ...');
  const size = await gzipSize(`export { httpCache, dedupe } from ${JSON.stringify(resolve(ROOT, 'src/cache/index.ts'))};`, ['ky']);
  const rows = [
    ['fresh hit (httpCache)', `${fixed(hit.hitUs)} us/op`, `${fixed(hit.ratio, 3)}x the loopback round trip (target <= 0.25x)`],
    ['sturdy alone: a middleware answering at once', `${fixed(hit.floorUs)} us/op`, `${fixed(hit.floorRatio, 3)}x (the floor under any hit)`],
    ['loopback round trip, same GET, no cache', `${fixed(hit.loopbackUs)} us/op`, '1.00x'],
    [`${CALLS} concurrent GETs of ${BODY_MIB} MiB through dedupe`, `${fan.upstream} upstream request(s)`, `${fan.complete}/${CALLS} callers read all ${BODY_MIB} MiB`],
    ['peak RSS growth, first burst (cold process)', `${fixed(fan.coldMiB)} MiB`, `${fixed(fan.coldMiB / BODY_MIB, 2)}x one body (target <= 2x)`],
    ['peak RSS growth, second burst', `${fixed(fan.warmMiB)} MiB`, `${fixed(fan.warmMiB / BODY_MIB, 2)}x one body; ${fan.samples} RSS samples`],
    ['`sturdy/cache` min+gz (browser, ky external)', `${fixed(size / 1024, 2)} KB`, 'httpCache + dedupe + http-cache-semantics'],
  ];
  console.log(['| measure | value | note |', '|---|--:|---|', ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n'));
}

/** Wall time per sequential GET: a fresh hit vs the same request over loopback (8 alternating rounds). */
async function benchHit(): Promise<{ hitUs: number; floorUs: number; loopbackUs: number; ratio: number; floorRatio: number }> {
  const server = await startBenchServer();
  try {
    const cacheable: Middleware = async (request, next) => {
      const response = await next(request);
      return new Response(response.body, { status: response.status, headers: { 'content-type': 'application/json', 'cache-control': 'max-age=3600' } });
    };
    const cached = createClient({ baseUrl: `${server.url}/`, use: [httpCache(), cacheable] });
    const plain = createClient({ baseUrl: `${server.url}/` });
    // sturdy's own floor: a middleware that answers at once, no cache work at all.
    const answer: Middleware = async () => Response.json({ id: 'ord_1' });
    const floor = createClient({ baseUrl: `${server.url}/`, use: [answer] });
    await cached.get('json').json();
    const wallPerOp = async (op: () => Promise<unknown>, n: number) => {
      const started = performance.now();
      for (let i = 0; i < n; i++) await op();
      return ((performance.now() - started) * 1000) / n;
    };
    const samples = await alternate(
      { hit: () => wallPerOp(() => cached.get('json').json(), 2_000), floor: () => wallPerOp(() => floor.get('json').json(), 2_000), loopback: () => wallPerOp(() => plain.get('json').json(), 1_000) },
      8,
    );
    return {
      hitUs: median(samples.hit!),
      floorUs: median(samples.floor!),
      loopbackUs: median(samples.loopback!),
      ratio: pairedRatio(samples.hit!, samples.loopback!),
      floorRatio: pairedRatio(samples.floor!, samples.loopback!),
    };
  } finally {
    server.close();
  }
}

/** 1,000 concurrent GETs of one large body: each caller streams it and drops the bytes; RSS sampled every 2 ms. */
async function benchDedupe(): Promise<{ upstream: number; complete: number; coldMiB: number; warmMiB: number; samples: number }> {
  const child = spawn(process.execPath, [import.meta.filename, 'serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((done) => child.stdout!.once('data', (data: Buffer) => done(data.toString().trim())));
  try {
    let upstream = 0;
    const counting: typeof fetch = (input, init) => {
      upstream += 1;
      return fetch(input, init);
    };
    const api = createClient({ baseUrl: `http://127.0.0.1:${port}/`, use: [dedupe()], fetch: counting, idleTimeout: false, totalTimeout: false, timeout: false });
    const burst = async () => {
      const read = async () => {
        const reader = (await api.get('large')).body!.getReader();
        let bytes = 0;
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) bytes += chunk.value.byteLength;
        return bytes;
      };
      return Promise.all(Array.from({ length: CALLS }, read));
    };
    let samples = 0;
    const measured = async () => {
      globalThis.gc?.();
      const before = process.memoryUsage.rss();
      let peak = before;
      const sampler = setInterval(() => {
        samples += 1;
        peak = Math.max(peak, process.memoryUsage.rss());
      }, 2);
      const sizes = await burst();
      clearInterval(sampler);
      return { sizes, growthMiB: (Math.max(peak, process.memoryUsage.rss()) - before) / (1 << 20) };
    };
    // The first burst includes JIT and heap growth of 1,000 calls; the second is what a burst adds.
    const cold = await measured();
    upstream = 0;
    const warm = await measured();
    const complete = [...cold.sizes, ...warm.sizes].filter((bytes) => bytes === BODY_MIB << 20).length / 2;
    return { upstream, complete, coldMiB: cold.growthMiB, warmMiB: warm.growthMiB, samples };
  } finally {
    child.kill();
  }
}

/** The child process: GET /large answers after 200 ms (so all callers overlap) with BODY_MIB MiB, written with backpressure. */
function serveLargeBody(): void {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const server = createServer((_request, response) => {
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(BODY_MIB << 20) });
      let sent = 0;
      const pump = () => {
        while (sent < BODY_MIB << 20) {
          sent += chunk.byteLength;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end();
      };
      pump();
    }, 200);
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
}
