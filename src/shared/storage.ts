/**
 * What sturdy uses of an unstorage `Storage` when it keeps records there (httpCache's
 * responses, the outbox's jobs): typed structurally, so sturdy does not depend on unstorage.
 * @example
 * import { createStorage } from 'unstorage';
 * const store: KeyValueStorage = createStorage();
 */
export type KeyValueStorage = {
  getItem(key: string): Promise<unknown>;
  setItem(key: string, value: any, options?: { ttl?: number }): Promise<void>;
  removeItem(key: string): Promise<void>;
  getKeys(base?: string): Promise<string[]>;
};

/**
 * Is `value` usable as a `store`?
 * @example
 * isKeyValueStorage(createStorage()) // true
 */
export function isKeyValueStorage(value: unknown): value is KeyValueStorage {
  const storage = value as Partial<KeyValueStorage> | null;
  return (
    typeof storage === 'object' &&
    storage !== null &&
    ['getItem', 'setItem', 'removeItem', 'getKeys'].every(
      (name) => typeof storage[name as keyof KeyValueStorage] === 'function',
    )
  );
}
