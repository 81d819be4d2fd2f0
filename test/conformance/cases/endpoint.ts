/** sturdy/endpoint: typed endpoint functions whose inputs cannot change which resource is addressed. */
import * as v from 'valibot';
import type { CaseContext } from '../context.ts';
import { expect } from '../harness.ts';

type EndpointModule = typeof import('../../../src/endpoint/index.ts');

/**
 * @example
 * registerEndpointCases(createContext(registry, { url, runtime: 'deno', sturdy, entries }));
 */
export function registerEndpointCases({ registry, api, entry }: CaseContext): void {
  const { endpoint } = entry<EndpointModule>('endpoint');
  registry.test('endpoint: a path parameter stays one encoded segment and query values stay values', async () => {
    const Echoed = v.object({ method: v.string(), url: v.string(), body: v.object({ n: v.number() }) });
    const update = endpoint(api, {
      method: 'POST',
      path: 'items/:id',
      body: v.object({ n: v.number() }),
      response: Echoed,
    });
    const echoed = await update({
      params: { id: '../admin?x=1#f' },
      query: { q: 'a&b=c', tag: ['x', 'y'] },
      body: { n: 1 },
    });
    expect(echoed).toEqual({
      method: 'POST',
      url: '/items/..%2Fadmin%3Fx%3D1%23f?q=a%26b%3Dc&tag=x&tag=y',
      body: { n: 1 },
    });
  });
}
