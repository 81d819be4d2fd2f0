/** sturdy/batch: single-item calls made together go out as one request. */
import type { CaseContext } from '../context.ts';
import { expect, rejection } from '../harness.ts';

type BatchModule = typeof import('../../../src/batch/index.ts');

/**
 * @example
 * registerBatchCases(createContext(registry, { url, runtime: 'deno', sturdy, entries }));
 */
export function registerBatchCases({ registry, api, received, entry }: CaseContext): void {
  const { batch } = entry<BatchModule>('batch');
  registry.test(
    'batch: calls made together go out as one request, and an unknown id fails only its caller',
    async () => {
      const getUser = batch(async (ids: string[]) => {
        const users = (await api.post('users/batch', { json: ids }).json()) as Array<{ id: string } | null>;
        return users.map((user, index) => user ?? new Error(`user ${ids[index]} not found`));
      });
      const [ann, missing, bob] = await Promise.all([
        getUser('u-ann'),
        rejection(getUser('x-nobody')),
        getUser('u-bob'),
      ]);
      expect(ann).toEqual({ id: 'u-ann' });
      expect(bob).toEqual({ id: 'u-bob' });
      expect((missing as Error).message).toBe('user x-nobody not found');
      const requests = await received('/users/batch');
      expect(requests.length).toBe(1);
      expect(requests[0]?.body).toBe('["u-ann","x-nobody","u-bob"]');
    },
  );
}
