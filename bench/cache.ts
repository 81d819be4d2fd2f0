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
import { pump } from './pump.ts';
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
  // dedupe first: its first burst is then the process's first work (a cold heap).
  log(`${CALLS} concurrent identical GETs through dedupe ...`);
  const fan = await benchDedupe();
  log('fresh hit vs loopback ...');
  const hit = await benchHit();
  log('size ...');
  const size = await gzipSize(
    `export { httpCache, dedupe } from ${JSON.stringify(resolve(ROOT, 'src/cache/index.ts'))};`,
    ['ky'],
  );
  const rows = [
    [
      'fresh hit (httpCache)',
      `${fixed(hit.hitUs)} us/op`,
      `${fixed(hit.ratio, 3)}x the loopback round trip (target <= 0.25x)`,
    ],
    [
      'sturdy alone: a middleware answering at once',
      `${fixed(hit.floorUs)} us/op`,
      `${fixed(hit.floorRatio, 3)}x (the floor under any hit)`,
    ],
    ['loopback round trip, same GET, no cache', `${fixed(hit.loopbackUs)} us/op`, '1.00x'],
    [
      `${CALLS} concurrent GETs of ${BODY_MIB} MiB through dedupe`,
      `${fan.upstream} upstream request(s)`,
      `${fan.complete}/${CALLS} callers read all ${BODY_MIB} MiB`,
    ],
    [
      'peak RSS growth, first burst (cold process)',
      `${fixed(fan.coldMiB)} MiB`,
      `${fixed(fan.coldMiB / BODY_MIB, 2)}x one body`,
    ],
    [
      'peak RSS growth, a later burst',
      `${fixed(fan.warmMiB)} MiB`,
      `${fixed(fan.warmMiB / BODY_MIB, 2)}x one body; ${fan.samples} RSS samples in all`,
    ],
    [
      'the same burst of a 1 KiB body (the calls alone)',
      `${fixed(fan.controlMiB)} MiB`,
      'RSS also counts garbage: 1,000 readers x 64 chunk reads of promises and results',
    ],
    [
      'peak growth of body bytes held (ArrayBuffers), either burst',
      `${fixed(fan.buffersMiB, 2)} MiB`,
      `${fixed(fan.buffersMiB / BODY_MIB, 2)}x one body (target <= 2x)`,
    ],
    [
      '`sturdy/cache` min+gz (browser, ky external)',
      `${fixed(size / 1024, 2)} KB`,
      'httpCache + dedupe + http-cache-semantics',
    ],
  ];
  console.log(
    ['| measure | value | note |', '|---|--:|---|', ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n'),
  );
}

/** Wall time per sequential GET: a fresh hit vs the same request over loopback (8 alternating rounds). */
async function benchHit(): Promise<{
  hitUs: number;
  floorUs: number;
  loopbackUs: number;
  ratio: number;
  floorRatio: number;
}> {
  const server = await startBenchServer();
  try {
    const cacheable: Middleware = async (request, next) => {
      const response = await next(request);
      return new Response(response.body, {
        status: response.status,
        headers: { 'content-type': 'application/json', 'cache-control': 'max-age=3600' },
      });
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
      {
        hit: () => wallPerOp(() => cached.get('json').json(), 2_000),
        floor: () => wallPerOp(() => floor.get('json').json(), 2_000),
        loopback: () => wallPerOp(() => plain.get('json').json(), 1_000),
      },
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
async function benchDedupe(): Promise<{
  upstream: number;
  complete: number;
  coldMiB: number;
  warmMiB: number;
  controlMiB: number;
  buffersMiB: number;
  samples: number;
}> {
  const child = spawn(process.execPath, [import.meta.filename, 'serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((done) =>
    child.stdout!.once('data', (data: Buffer) => done(data.toString().trim())),
  );
  try {
    let upstream = 0;
    const counting: typeof fetch = (input, init) => {
      upstream += 1;
      return fetch(input, init);
    };
    const api = createClient({
      baseUrl: `http://127.0.0.1:${port}/`,
      use: [dedupe()],
      fetch: counting,
      idleTimeout: false,
      totalTimeout: false,
      timeout: false,
    });
    const burst = async (path: string) => {
      const read = async () => {
        const reader = (await api.get(path)).body!.getReader();
        let bytes = 0;
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) bytes += chunk.value.byteLength;
        return bytes;
      };
      return Promise.all(Array.from({ length: CALLS }, read));
    };
    let samples = 0;
    const measured = async (path: string) => {
      globalThis.gc?.();
      const before = process.memoryUsage();
      const peak = { rss: before.rss, arrayBuffers: before.arrayBuffers };
      const sample = () => {
        samples += 1;
        const now = process.memoryUsage();
        peak.rss = Math.max(peak.rss, now.rss);
        peak.arrayBuffers = Math.max(peak.arrayBuffers, now.arrayBuffers);
      };
      const sampler = setInterval(sample, 2);
      const sizes = await burst(path);
      clearInterval(sampler);
      sample();
      const mib = (bytes: number) => bytes / (1 << 20);
      return { sizes, growthMiB: mib(peak.rss - before.rss), buffersMiB: mib(peak.arrayBuffers - before.arrayBuffers) };
    };
    // The first burst includes JIT and heap growth of 1,000 calls; a warm burst of a 1 KiB body is the
    // calls' own cost (the control); a warm burst of the large body minus it is what the body costs.
    const cold = await measured('large');
    const control = await measured('tiny');
    upstream = 0;
    const warm = await measured('large');
    const complete = [...cold.sizes, ...warm.sizes].filter((bytes) => bytes === BODY_MIB << 20).length / 2;
    return {
      upstream,
      complete,
      coldMiB: cold.growthMiB,
      warmMiB: warm.growthMiB,
      controlMiB: control.growthMiB,
      buffersMiB: Math.max(cold.buffersMiB, warm.buffersMiB),
      samples,
    };
  } finally {
    child.kill();
  }
}

/** The child process: GET /large (BODY_MIB MiB) or /tiny (1 KiB) after 200 ms (so all callers overlap), written with backpressure. */
function serveLargeBody(): void {
  const server = createServer((request, response) => {
    const size = request.url === '/tiny' ? 1024 : BODY_MIB << 20;
    const chunk = Buffer.alloc(Math.min(size, 64 * 1024), 'x');
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
      pump(response, size, () => chunk);
    }, 200);
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
}
