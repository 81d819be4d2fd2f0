/**
 * DataLoader-style batching for APIs that accept many items in one request:
 * single-item calls made close together are collected for a short window (or
 * until a batch is full) and sent as one, and each caller gets its own result.
 */
import { optionError } from '../shared/option-error.ts';
import { showValue } from '../shared/show.ts';

/**
 * Options of `batch`.
 * @example
 * batch(sendUsers, { windowMs: 10, maxSize: 50, key: (id: string) => id })
 */
export type BatchOptions<Item> = {
  /** How long a batch collects items after its first one, in ms; 0 collects until the current task ends. @default 0 */
  windowMs?: number;
  /** Most items per batch; a full batch is sent at once. @default 100 */
  maxSize?: number;
  /** When given, items with the same key in one batch are sent once and share the result. */
  key?: (item: Item) => unknown;
};

/**
 * What the batch function returns: one result per item, in the order given, or
 * a Map from item key (the item itself without `key`) to result. An `Error`
 * as a result fails only that item.
 * @example
 * return ids.map((id, i) => users[i] ?? new Error(`user ${id} not found`)); // or new Map(users.map((u) => [u.id, u]))
 */
export type BatchResults<Result> = ReadonlyArray<Result | Error> | ReadonlyMap<unknown, Result | Error>;

type Pending<Item, Result> = {
  item: Item;
  /** The Map key of its result: `key(item)`, or the item. */
  key: unknown;
  /** Its position in the array sent (shared by duplicates under `key`). */
  slot: number;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
};

const check = (option: string, value: unknown, min: number, integer: boolean) => {
  if (value === undefined) return;
  if (typeof value !== 'number' || !(value >= min) || (integer ? !Number.isInteger(value) : !Number.isFinite(value)))
    throw optionError('/batch', option, `${integer ? 'an integer' : 'a number'} >= ${min}`, value);
};

/**
 * Wraps a function that sends many items in one request. The returned loader
 * takes one item and resolves with that item's result: one failed item does
 * not fail the others; a failed request (the batch function throws) fails
 * every item of that batch with its error.
 * @example
 * const getUser = batch(async (ids: string[]) => {
 *   const { users } = await api.post('users/batch', { json: { ids } }).json<{ users: Array<User | null> }>();
 *   return users.map((user, i) => user ?? new Error(`user ${ids[i]} not found`));
 * }, { windowMs: 10, maxSize: 50 });
 * const [ann, bob] = await Promise.all([getUser('ann'), getUser('bob')]); // one request
 */
export function batch<Item, Result>(
  send: (items: Item[]) => Promise<BatchResults<Result>> | BatchResults<Result>,
  options: BatchOptions<Item> = {},
): (item: Item) => Promise<Result> {
  if (typeof send !== 'function') throw new TypeError('sturdy: batch needs a function that sends an array of items');
  check('windowMs', options.windowMs, 0, false);
  check('maxSize', options.maxSize, 1, true);
  if (options.key !== undefined && typeof options.key !== 'function')
    throw optionError('/batch', 'key', 'a function (item) => key', options.key);
  const { windowMs = 0, maxSize = 100, key } = options;
  let queue: Array<Pending<Item, Result>> = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const pending = queue;
    queue = [];
    // Whatever goes wrong in a dispatch, every caller still waiting hears of it (settled ones ignore it).
    if (pending.length > 0)
      dispatch(pending).catch((error: unknown) => {
        for (const entry of pending) entry.reject(error);
      });
  };

  const dispatch = async (pending: Array<Pending<Item, Result>>) => {
    // With `key`, one item per distinct key is sent; later duplicates share the first one's slot.
    const slots = new Map<unknown, number>();
    const unique: Item[] = [];
    for (const entry of pending) {
      const slot = key ? slots.get(entry.key) : undefined;
      if (slot !== undefined) entry.slot = slot;
      else {
        entry.slot = unique.push(entry.item) - 1;
        if (key) slots.set(entry.key, entry.slot);
      }
    }
    let results: BatchResults<Result>;
    try {
      results = await send(unique);
    } catch (error) {
      for (const entry of pending) entry.reject(error);
      return;
    }
    const isMap = results instanceof Map;
    if (!isMap && !(Array.isArray(results) && results.length === unique.length)) {
      const got = Array.isArray(results) ? `${results.length} results` : typeof results;
      const error = new TypeError(
        `sturdy: the batch function must return one result per item (${unique.length}) or a Map; got ${got}`,
      );
      for (const entry of pending) entry.reject(error);
      return;
    }
    for (const entry of pending) {
      const map = results as ReadonlyMap<unknown, Result | Error>;
      if (isMap && !map.has(entry.key)) {
        entry.reject(new Error(`sturdy: the batch function returned no result for item ${showValue(entry.key)}`));
        continue;
      }
      const result = isMap ? map.get(entry.key) : (results as ReadonlyArray<Result | Error>)[entry.slot];
      if (result instanceof Error) entry.reject(result);
      else entry.resolve(result as Result);
    }
  };

  return (item) =>
    new Promise<Result>((resolve, reject) => {
      // Without `key`, each call is its own item even when equal (creating two equal orders is two orders).
      queue.push({ item, key: key ? key(item) : item, slot: -1, resolve, reject });
      if (queue.length >= maxSize) flush();
      else timer ??= setTimeout(flush, windowMs);
    });
}
