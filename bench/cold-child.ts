/**
 * One cold start, in a fresh process: import the library, make the first
 * POST JSON + parse against the loopback server. Prints {importMs, totalMs}.
 * Usage: node cold-child.ts <ky | path/to/sturdy/index.js> <serverUrl>
 */
const [target, serverUrl] = process.argv.slice(2) as [string, string];
const started = performance.now();
const mod = await import(target === 'ky' ? 'ky' : target);
const imported = performance.now();
const payload = { sku: 'A1', quantity: 2 };
if (target === 'ky') {
  await mod.default.post(`${serverUrl}/json`, { json: payload }).json();
} else {
  await mod
    .createClient({ baseUrl: `${serverUrl}/` })
    .post('json', { json: payload })
    .json();
}
const done = performance.now();
process.stdout.write(JSON.stringify({ importMs: imported - started, totalMs: done - started }));
