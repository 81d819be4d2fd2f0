import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStorage } from 'unstorage';
import fsDriver from 'unstorage/drivers/fs';
import memoryDriver from 'unstorage/drivers/memory';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { bearer } from '../src/index.ts';
import { httpCache } from '../src/cache/index.ts';
import { getAsTwoUsers, recordingClient, USER_SECRETS, versioned } from './helpers/cache-server.ts';
import { startServer, type TestServer } from './helpers/server.ts';

/** What every in-memory store holds, key by key (its keys are `<group>\n<id>`), kept by a pass-through wrapper. */
const memoryContents = new Map<string, unknown>();
vi.mock('../src/cache/store.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/cache/store.ts')>();
  const memoryStore: typeof original.memoryStore = (bounds) => {
    const store = original.memoryStore(bounds);
    return {
      ...store,
      set(group, id, record, ttlMs) {
        memoryContents.set(`${group}\n${id}`, record);
        return store.set(group, id, record, ttlMs);
      },
    };
  };
  return { ...original, memoryStore };
});

let server: TestServer;
let directory: string;
beforeAll(async () => {
  server = await startServer();
  directory = await mkdtemp(join(tmpdir(), 'sturdy-cache-'));
  versioned(server, '/report', (n, request) => ({
    headers: { 'cache-control': 'private, max-age=60', etag: '"r1"', 'set-cookie': 'session=cookie-secret-9' },
    body: JSON.stringify({ n, who: request.headers.authorization, bytes: [0, 255, 128] }),
  }));
  versioned(server, '/binary', () => ({
    headers: { 'cache-control': 'max-age=60', 'content-type': 'application/octet-stream' },
    body: '\u00ff\u0000\u00fe',
  }));
});
afterAll(async () => {
  await server.close();
  await rm(directory, { recursive: true, force: true });
});

test('an unstorage memory store is shared: a second client (another instance) gets a hit', async () => {
  const storage = createStorage({ driver: memoryDriver() });
  const first = recordingClient(server, [httpCache({ store: storage })], { auth: bearer('token-A-123') });
  const second = recordingClient(server, [httpCache({ store: storage })], { auth: bearer('token-A-123') });
  const before = server.requestsTo('/report').length;
  const body = await first.api.get('report').json();
  expect(await second.api.get('report').json()).toEqual(body);
  expect(server.requestsTo('/report').length - before).toBe(1);
  expect(second.outcomes()).toEqual(['hit']);

  // What the store holds is plain JSON, keyed by hashes: no token, no cookie, no URL with a secret.
  const keys = await storage.getKeys();
  expect(keys.every((key) => /^[0-9a-f]{32}:[0-9a-f]{64}(\.[0-9a-f]{32})?$/.test(key))).toBe(true);
  const dump = JSON.stringify(await Promise.all(keys.map((key) => storage.getItem(key))));
  expect(dump).not.toContain('token-A-123');
  expect(dump).not.toContain('cookie-secret-9');
  expect(dump).toContain(`"url":"${server.url}/report"`);
});

test("no stored key or value holds a custom strategy's credential, Vary on it included (memory and unstorage stores)", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  for (const cache of [httpCache(), httpCache({ store: storage })]) {
    const { bodies, outcomes } = await getAsTwoUsers(server, cache);
    expect(outcomes).toEqual(['miss', 'hit', 'miss', 'hit']);
    expect(new Set(bodies).size).toBe(2);
  }
  const memory = JSON.stringify([...memoryContents]);
  const keys = await storage.getKeys();
  const shared = JSON.stringify([keys, await Promise.all(keys.map((key) => storage.getItem(key)))]);
  for (const dump of [memory, shared]) {
    // The stored policy kept what Vary names (the entries are there), never the credential's value.
    expect(dump).toContain('"vary":"x-token"');
    for (const secret of USER_SECRETS) expect(dump).not.toContain(secret);
  }
});

test('an fs store survives a restart (a new storage on the same directory) and keeps bytes exact', async () => {
  const open = () =>
    recordingClient(server, [httpCache({ store: createStorage({ driver: fsDriver({ base: directory }) }) })]);
  const before = server.requestsTo('/binary').length;
  const bytes = new Uint8Array(await open().api.get('binary').arrayBuffer());
  const restarted = open();
  expect(new Uint8Array(await restarted.api.get('binary').arrayBuffer())).toEqual(bytes);
  expect(server.requestsTo('/binary').length - before).toBe(1);
  expect(restarted.outcomes()).toEqual(['hit']);
  const [group] = await readdir(directory);
  const [file] = await readdir(join(directory, group!));
  expect(JSON.parse(await readFile(join(directory, group!, file!), 'utf8'))).toMatchObject({
    v: 1,
    body: expect.any(String),
  });
});

test('a POST through one instance invalidates the entry for every instance sharing the store', async () => {
  const storage = createStorage({ driver: memoryDriver() });
  versioned(server, '/shared-doc', (n, request) =>
    request.method === 'PUT' ? { status: 204 } : { headers: { 'cache-control': 'max-age=60' }, body: `doc ${n}` },
  );
  const one = recordingClient(server, [httpCache({ store: storage })]).api;
  const two = recordingClient(server, [httpCache({ store: storage })]).api;
  expect(await one.get('shared-doc').text()).toBe('doc 0');
  expect(await two.get('shared-doc').text()).toBe('doc 0');
  await one.put('shared-doc', { json: { title: 'new' } });
  expect(await two.get('shared-doc').text()).toBe('doc 2');
});

test('with a store, maxEntries and maxBytes are a TypeError (bound the store itself)', () => {
  expect(() => httpCache({ store: createStorage(), maxBytes: 1 << 20 })).toThrow(/bound the memory store/);
});
