/**
 * NDJSON upload and download of 512 MiB each through sturdy, each in a fresh
 * process, with peak RSS growth: 1 KiB records both ways, and 100-byte
 * records downloaded (5 million parsed objects: the allocation-heavy case).
 */
import { runJson } from './spawn.ts';

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
