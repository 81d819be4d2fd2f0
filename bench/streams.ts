/**
 * NDJSON upload and download of 512 MiB each through sturdy, each in a fresh
 * process, with peak RSS growth: 1 KiB records both ways, and 100-byte
 * records downloaded (5 million parsed objects: the allocation-heavy case).
 * Run alone, one row several times: `node bench/streams.ts down 1024 5 [MiB]`. Its peak varies by ~20 MiB from run
 * to run with whether V8 optimizes undici's parser, and grows its young generation, inside the measured window.
 */
import { buildStreamBundle } from './build.ts';
import { runJson, startBenchServer } from './spawn.ts';

type Transfer = { seconds: number; peakGrowthMiB: number; count: number };
export type StreamResult = { mib: number; transfers: Array<{ name: string; transfer: Transfer }> };

const CASES = [
  { name: 'upload, ndjsonBody(async iterable), 1 KiB records', direction: 'up', bytes: 1024 },
  { name: 'download, ndjsonRecords(), 1 KiB records', direction: 'down', bytes: 1024 },
  { name: 'download, ndjsonRecords(), 100 B records', direction: 'down', bytes: 100 },
];

export async function benchStreams(bundle: string, serverUrl: string, mib = 512): Promise<StreamResult> {
  const transfers = [];
  for (const { name, direction, bytes } of CASES) {
    transfers.push({
      name,
      transfer: await runJson<Transfer>('stream-child.ts', [bundle, serverUrl, direction, String(mib), String(bytes)]),
    });
  }
  return { mib, transfers };
}

export function streamRows({ mib, transfers }: StreamResult): string[][] {
  return transfers.map(({ name, transfer }) => [
    name,
    String(mib),
    transfer.seconds.toFixed(1),
    (mib / transfer.seconds).toFixed(0),
    transfer.count.toLocaleString('en'),
    transfer.peakGrowthMiB.toFixed(1),
    '< 64',
    transfer.peakGrowthMiB < 64 ? 'yes' : 'no',
  ]);
}

if (import.meta.main) {
  const [direction = 'down', bytes = '1024', runs = '5', mib = '512'] = process.argv.slice(2);
  const bundle = await buildStreamBundle();
  const server = await startBenchServer();
  try {
    for (let run = 0; run < Number(runs); run++) {
      const { seconds, peakGrowthMiB, count } = await runJson<Transfer>('stream-child.ts', [
        bundle,
        server.url,
        direction,
        mib,
        bytes,
      ]);
      process.stdout.write(
        `${direction} ${bytes} B x ${count}: ${seconds.toFixed(1)} s, peak RSS growth ${peakGrowthMiB.toFixed(1)} MiB\n`,
      );
    }
  } finally {
    server.close();
  }
}
