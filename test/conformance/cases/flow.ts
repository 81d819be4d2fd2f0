/** Flow control: per-origin concurrency and batching of single-item calls. */
import type { CaseContext } from '../context.ts';
import { expect, rejection } from '../harness.ts';

/**
 * @example
 * registerFlowCases(createContext(registry, { url, runtime: 'deno', sturdy }));
 */
export function registerFlowCases({ registry, url, sturdy, api, received }: CaseContext): void {
  registry.test('concurrency: 2 keeps at most 2 requests in flight to the origin, and all 6 calls succeed', async () => {
    const limited = sturdy.createClient({ baseUrl: `${url}/`, concurrency: 2 });
    // Distinct URLs: Chromium's HTTP cache lets only one request at a time fetch the same URL.
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => limited.get('slow-track', { searchParams: { i } }).json()));
    expect(results.length).toBe(6);
    expect((await received('/slow-track')).length).toBe(6);
    const { max } = (await (await fetch(`${url}/__max-in-flight`)).json()) as { max: number };
    expect(max).toBe(2);
  });

  registry.test('batch: calls made together go out as one request, and an unknown id fails only its caller', async () => {
    const getUser = sturdy.batch(async (ids: string[]) => {
      const users = (await api.post('users/batch', { json: ids }).json()) as Array<{ id: string } | null>;
      return users.map((user, index) => user ?? new Error(`user ${ids[index]} not found`));
    });
    const [ann, missing, bob] = await Promise.all([getUser('u-ann'), rejection(getUser('x-nobody')), getUser('u-bob')]);
    expect(ann).toEqual({ id: 'u-ann' });
    expect(bob).toEqual({ id: 'u-bob' });
    expect((missing as Error).message).toBe('user x-nobody not found');
    const requests = await received('/users/batch');
    expect(requests.length).toBe(1);
    expect(requests[0]?.body).toBe('["u-ann","x-nobody","u-bob"]');
  });
}
