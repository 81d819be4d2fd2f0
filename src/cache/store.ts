/**
 * Where httpCache keeps responses: an in-memory LRU by default, or any unstorage `Storage`
 * (Redis, Cloudflare KV, Vercel KV, fs, IndexedDB) as plain JSON with the body in base64.
 */
import type CachePolicy from 'http-cache-semantics';
import type { Hasher } from './key.ts';
import type { KeyValueStorage } from '../shared/storage.ts';

/**
 * One stored response: its policy (http-cache-semantics' own serialization) and its body.
 * @example
 * const entry: CacheEntry = { v: 1, url, policy: policy.toObject(), statusText: 'OK', body };
 */
export type CacheEntry = {
  /** Format version, so a shared store written by another release is recognised. */
  v: 1;
  /** The request URL, redacted: safe to show. */
  url: string;
  policy: CachePolicy.CachePolicyObject;
  statusText: string;
  body: Uint8Array;
};

/**
 * Stored under the per-user key when the response varies: which request headers pick the variant.
 * @example
 * const record: VaryRecord = { v: 1, vary: ['accept-language'] };
 */
export type VaryRecord = { v: 1; vary: string[] };

/**
 * Anything a store holds.
 * @example
 * const isEntry = (record: StoredRecord): record is CacheEntry => 'body' in record;
 */
export type StoredRecord = CacheEntry | VaryRecord;

/**
 * What httpCache needs of a store. A record is addressed by its `group` (the redacted URL, for
 * invalidation) and its `id` (a hash of who asked for what); `removeGroup` drops a whole group.
 * @example
 * const store: CacheStore = memoryStore({ maxEntries: 100, maxBytes: 1 << 20 });
 */
export type CacheStore = {
  get(group: string, id: string): Promise<StoredRecord | undefined> | StoredRecord | undefined;
  set(group: string, id: string, record: StoredRecord, ttlMs: number): Promise<void> | void;
  remove(group: string, id: string): Promise<void> | void;
  removeGroup(group: string): Promise<void> | void;
};

/** What one record costs in memory, roughly: body bytes plus its headers. */
const recordBytes = (record: StoredRecord): number =>
  'body' in record ? record.body.byteLength + JSON.stringify(record.policy.resh).length : 64;

/**
 * An in-memory LRU bounded by record count and bytes; expired records are dropped when read.
 * @example
 * const store = memoryStore({ maxEntries: 500, maxBytes: 10 << 20 });
 */
export function memoryStore(bounds: { maxEntries: number; maxBytes: number }): CacheStore {
  const records = new Map<string, { record: StoredRecord; bytes: number; expiresAt: number }>();
  let bytes = 0;
  // A redacted URL never holds a newline, so group and id cannot run into each other.
  const keyOf = (group: string, id: string) => `${group}\n${id}`;
  const remove = (key: string) => {
    const held = records.get(key);
    if (!held) return;
    records.delete(key);
    bytes -= held.bytes;
  };
  return {
    get(group, id) {
      const key = keyOf(group, id);
      const held = records.get(key);
      if (!held) return undefined;
      if (held.expiresAt <= Date.now()) return void remove(key);
      // Map order is recency order: re-inserting marks the record most recently used.
      records.delete(key);
      records.set(key, held);
      return held.record;
    },
    set(group, id, record, ttlMs) {
      const key = keyOf(group, id);
      remove(key);
      const held = { record, bytes: recordBytes(record), expiresAt: Date.now() + ttlMs };
      records.set(key, held);
      bytes += held.bytes;
      for (const oldest of records.keys()) {
        if (records.size <= bounds.maxEntries && bytes <= bounds.maxBytes) break;
        remove(oldest);
      }
    },
    remove: (group, id) => remove(keyOf(group, id)),
    removeGroup(group) {
      const prefix = keyOf(group, '');
      for (const key of [...records.keys()]) if (key.startsWith(prefix)) remove(key);
    },
  };
}

/**
 * Adapts an unstorage `Storage`: records as plain JSON (body in base64), so Redis or KV can hold them,
 * under `<hash of the group>:<id>` (hex only: a safe key for every driver, a file name for fs);
 * `ttlMs` goes to drivers that expire keys (Redis, KV) as unstorage's `ttl` in seconds.
 * @example
 * const store = storageStore(createStorage({ driver: fsDriver({ base: './.cache' }) }), createHasher());
 */
export function storageStore(storage: KeyValueStorage, hash: Hasher): CacheStore {
  const prefix = async (group: string) => (await hash(group)).slice(0, 32);
  const keyOf = async (group: string, id: string) => `${await prefix(group)}:${id}`;
  return {
    async get(group, id) {
      const raw = (await storage.getItem(await keyOf(group, id))) as
        | (Omit<CacheEntry, 'body'> & { body: string })
        | VaryRecord
        | null;
      if (!raw || typeof raw !== 'object' || raw.v !== 1) return undefined;
      return 'body' in raw ? { ...raw, body: fromBase64(raw.body) } : raw;
    },
    async set(group, id, record, ttlMs) {
      const value = 'body' in record ? { ...record, body: toBase64(record.body) } : record;
      await storage.setItem(await keyOf(group, id), value, { ttl: Math.max(1, Math.ceil(ttlMs / 1000)) });
    },
    remove: async (group, id) => storage.removeItem(await keyOf(group, id)),
    async removeGroup(group) {
      for (const key of await storage.getKeys(await prefix(group))) await storage.removeItem(key);
    },
  };
}

// btoa/atob work on binary strings; chunks keep String.fromCharCode's argument list short.
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let start = 0; start < bytes.length; start += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}
