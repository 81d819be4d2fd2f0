/**
 * One NDJSON transfer through sturdy in a fresh process, sampling RSS every 5 ms.
 * Prints {seconds, peakGrowthMiB, count}.
 * Usage: node stream-child.ts <sturdy.js> <serverUrl> <up|down> <MiB> <record bytes>
 */
const [bundle, serverUrl, direction, mib, recordBytes] = process.argv.slice(2) as [
  string,
  string,
  'up' | 'down',
  string,
  string,
];
const MIB = 1024 * 1024;
const { createClient, ndjsonBody, ndjsonRecords } = await import(bundle);
const api = createClient({ baseUrl: `${serverUrl}/`, timeout: false, totalTimeout: false });
const record = { note: 'x'.repeat(Number(recordBytes) - 12) };
const lineBytes = JSON.stringify(record).length + 1;

async function* records(count: number) {
  for (let i = 0; i < count; i++) yield record;
}

// Warm up the client and the connection so the baseline includes them. Not longer: a long warm-up grows V8's young
// generation and malloc's arena before the baseline, and would hide the growth the download itself causes.
await api.post('upload', { ...ndjsonBody(records(100)) }).json();
for await (const _ of ndjsonRecords(api.get('download?mb=1')));

const before = process.memoryUsage.rss();
let peak = before;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
const started = performance.now();
let count = 0;
if (direction === 'up') {
  count = Math.ceil((Number(mib) * MIB) / lineBytes);
  const received = await api.post('upload', { ...ndjsonBody(records(count)) }).json();
  if (received.lines !== count || received.bytes !== count * lineBytes)
    throw new Error(`server counted ${JSON.stringify(received)}`);
} else {
  for await (const _ of ndjsonRecords(api.get(`download?mb=${mib}&bytes=${recordBytes}`))) count++;
}
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage.rss());
process.stdout.write(JSON.stringify({ seconds, peakGrowthMiB: (peak - before) / MIB, count }));
