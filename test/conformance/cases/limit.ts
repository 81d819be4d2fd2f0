/** sturdy/limit: per-origin flow control as `use` middleware. */
import type { CaseContext } from '../context.ts';
import { expect } from '../harness.ts';

type LimitModule = typeof import('../../../src/limit/index.ts');

/**
 * @example
 * registerLimitCases(createContext(registry, { url, runtime: 'deno', sturdy, entries }));
 */
export function registerLimitCases({ registry, url, sturdy, received, entry }: CaseContext): void {
  const { limit } = entry<LimitModule>('limit');
  registry.test(
    'concurrency: 2 keeps at most 2 requests in flight to the origin, and all 6 calls succeed',
    async () => {
      const limited = sturdy.createClient({ baseUrl: `${url}/`, use: [limit({ concurrency: 2 })] });
      // Distinct URLs: Chromium's HTTP cache lets only one request at a time fetch the same URL.
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => limited.get('slow-track', { searchParams: { i } }).json()),
      );
      expect(results.length).toBe(6);
      expect((await received('/slow-track')).length).toBe(6);
      const { max } = (await (await fetch(`${url}/__max-in-flight`)).json()) as { max: number };
      expect(max).toBe(2);
    },
  );
}
