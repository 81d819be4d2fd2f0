/**
 * sturdy/sse throughput and memory: a stream of 200-byte events from a local server in its own
 * process, read by a fresh client process per run (RSS sampled every 5 ms), against
 * eventsource-parser fed the same bytes straight from a raw fetch body: counted in its callback
 * (the floor: no per-event async step) and through its own stream, one `for await` per event.
 *
 *   node bench/sse.ts          # 256 MiB per run
 *   node bench/sse.ts 1024     # 1 GiB per run (the target)
 *
 * Prints a markdown table. Standalone: not part of bench/run.ts.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { pump } from './pump.ts';

const EVENT_BYTES = 200;
const ROUNDS = 2;
/** One write: 64 KiB worth of whole events. */
const EVENTS_PER_WRITE = Math.floor((64 * 1024) / EVENT_BYTES);

type Kind = 'parser' | 'parser-stream' | 'parser+json' | 'sturdy-text' | 'sturdy-json';
/** peakGrowthMiB: RSS; peakLiveMiB: JS heap plus ArrayBuffers (what the reader holds, before the allocator returns pages). */
type Run = { events: number; seconds: number; peakGrowthMiB: number; peakLiveMiB: number };

const KINDS: Array<{ kind: Kind; name: string; baseline?: Kind }> = [
  { kind: 'parser', name: 'eventsource-parser on a raw fetch body, events counted in its callback (data as text)' },
  {
    kind: 'parser-stream',
    name: "eventsource-parser's EventSourceParserStream on a raw fetch body, for await per event",
    baseline: 'parser',
  },
  { kind: 'sturdy-text', name: "sturdy eventStream, parse: 'text', for await per event", baseline: 'parser' },
  { kind: 'parser+json', name: 'eventsource-parser on a raw fetch body + JSON.parse' },
  {
    kind: 'sturdy-json',
    name: 'sturdy eventStream (JSON data, the default), for await per event',
    baseline: 'parser+json',
  },
];

/** An event of exactly EVENT_BYTES bytes: `data: {"n":...,"text":"..."}` and its blank line. */
function event(n: number): string {
  const head = `data: {"n":${n},"text":"`;
  const tail = '"}\n\n';
  return head + 'x'.repeat(EVENT_BYTES - head.length - tail.length) + tail;
}

/** Serves `bytes` of events per request, as fast as the socket takes them. */
async function serve(): Promise<void> {
  const block = Buffer.from(Array.from({ length: EVENTS_PER_WRITE }, (_, n) => event(n)).join(''));
  const server = createServer((request, response) => {
    const total = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('bytes'));
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    pump(response, total, () => block);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
}

/** Reads one stream in this (fresh) process and reports events, time and peak RSS growth. */
async function client(kind: Kind, url: string, bytes: number): Promise<void> {
  const { createParser } = await import('eventsource-parser');
  const { createClient } = await import('../src/index.ts');
  const { eventStream } = await import('../src/sse/index.ts');
  // Warm up the code paths on a small stream, then measure from a settled heap.
  const read = async (size: number): Promise<number> => {
    const target = `${url}/?bytes=${size}`;
    let events = 0;
    if (kind === 'parser-stream') {
      const { EventSourceParserStream } = await import('eventsource-parser/stream');
      const stream = (await fetch(target))
        .body!.pipeThrough(new TextDecoderStream())
        .pipeThrough(new EventSourceParserStream());
      for await (const _message of stream) events++;
      return events;
    }
    if (kind === 'parser' || kind === 'parser+json') {
      const json = kind === 'parser+json';
      const parser = createParser({ onEvent: (message) => void (events++, json && JSON.parse(message.data)) });
      const decoder = new TextDecoder();
      for await (const chunk of (await fetch(target)).body!) parser.feed(decoder.decode(chunk, { stream: true }));
      return events;
    }
    const api = createClient();
    for await (const _event of eventStream(api, target, {
      parse: kind === 'sturdy-text' ? 'text' : 'json',
      reconnect: false,
    }))
      events++;
    return events;
  };
  await read(8 * 1024 * 1024);
  globalThis.gc?.();
  const live = () => {
    const usage = process.memoryUsage();
    return { rss: usage.rss, live: usage.heapUsed + usage.arrayBuffers };
  };
  const base = live();
  let peak = base;
  const sample = () => {
    const now = live();
    peak = { rss: Math.max(peak.rss, now.rss), live: Math.max(peak.live, now.live) };
  };
  const sampler = setInterval(sample, 5);
  const started = performance.now();
  const events = await read(bytes);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  sample();
  const mib = (bytes: number) => bytes / 1024 / 1024;
  console.log(
    JSON.stringify({
      events,
      seconds,
      peakGrowthMiB: mib(peak.rss - base.rss),
      peakLiveMiB: mib(peak.live - base.live),
    } satisfies Run),
  );
}

/** Runs this file in a child Node and returns its first stdout line (the child keeps running for `serve`). */
function child(args: string[], keep = false): Promise<{ line: string; stop: () => void }> {
  const process_ = spawn(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    process_.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
      const end = out.indexOf('\n');
      if (end !== -1 && keep) resolve({ line: out.slice(0, end), stop: () => process_.kill() });
    });
    process_.on('exit', (code) =>
      code === 0
        ? resolve({ line: out.trim(), stop() {} })
        : reject(new Error(`bench child ${args.join(' ')} exited with ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const mib = Number(process.argv[2] ?? 256);
  if (!(mib > 0)) throw new TypeError('usage: node bench/sse.ts [MiB per run, default 256]');
  const bytes = mib * 1024 * 1024;
  const server = await child(['serve'], true);
  const results = new Map<Kind, Run>();
  try {
    // Alternating rounds, best of each: a loaded machine slows runs, it never speeds them up.
    for (let round = 0; round < ROUNDS; round++) {
      for (const { kind } of KINDS) {
        const run = JSON.parse((await child(['client', kind, server.line, String(bytes)])).line) as Run;
        const best = results.get(kind);
        const faster = best && best.seconds <= run.seconds ? best : run;
        results.set(kind, {
          ...faster,
          peakGrowthMiB: Math.max(run.peakGrowthMiB, best?.peakGrowthMiB ?? 0),
          peakLiveMiB: Math.max(run.peakLiveMiB, best?.peakLiveMiB ?? 0),
        });
      }
    }
  } finally {
    server.stop();
  }
  console.log(
    `\n### sturdy/sse: ${mib} MiB of ${EVENT_BYTES}-byte events per run (Node ${process.versions.node}, server in its own process, client in a fresh process, best of ${ROUNDS} alternating rounds; RSS: the worst)\n`,
  );
  console.log(
    '| reader | events | s | events/s | vs baseline (target >= 0.8) | peak RSS growth MiB (target < 32) | peak heap + buffers growth MiB |',
  );
  console.log('|---|--:|--:|--:|--:|--:|--:|');
  for (const { kind, name, baseline } of KINDS) {
    const run = results.get(kind)!;
    const rate = run.events / run.seconds;
    const base = baseline ? results.get(baseline)! : undefined;
    const ratio = base ? (rate / (base.events / base.seconds)).toFixed(2) : '-';
    console.log(
      `| ${name} | ${run.events.toLocaleString('en')} | ${run.seconds.toFixed(1)} | ${Math.round(rate).toLocaleString('en')} | ${ratio} | ${run.peakGrowthMiB.toFixed(1)} | ${run.peakLiveMiB.toFixed(1)} |`,
    );
  }
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'serve') await serve();
else if (mode === 'client') await client(rest[0] as Kind, rest[1]!, Number(rest[2]));
else await main();
