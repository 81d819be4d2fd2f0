/** valibot schemas on both sides of a call (any Standard Schema works; valibot is the documented one). */
import * as v from 'valibot';
import type { CaseContext, Echo, SturdyModule } from '../context.ts';
import { expect, rejection } from '../harness.ts';

/**
 * @example
 * registerSchemaCases(createContext(registry, { url, runtime: 'deno', sturdy }));
 */
export function registerSchemaCases({ registry, sturdy, api, received }: CaseContext): void {
  const NewOrder = v.object({
    sku: v.pipe(v.string(), v.minLength(2)),
    qty: v.pipe(v.number(), v.integer(), v.minValue(1)),
    note: v.optional(v.pipe(v.string(), v.trim())),
  });

  registry.test(
    'valibot request schema: invalid json throws ValidationError (request) with paths, nothing sent',
    async () => {
      const error = await rejection(api.post('never', { json: { sku: 'A', qty: 0 }, schema: NewOrder }));
      expect(error).toSatisfy(sturdy.isValidationError);
      const validation = error as InstanceType<SturdyModule['ValidationError']>;
      expect(validation.direction).toBe('request');
      expect(validation.issues.map((issue) => issue.path).sort()).toEqual(['$.qty', '$.sku']);
      expect((await received('/never')).length).toBe(0);
    },
  );

  registry.test("valibot request schema: the schema's output (transforms applied) is what is sent", async () => {
    const echoed = (await api
      .post('echo', { json: { sku: 'B2', qty: 1, note: '  gift  ' }, schema: NewOrder })
      .json()) as Echo;
    expect(echoed.body).toEqual({ sku: 'B2', qty: 1, note: 'gift' });
  });

  const Order = v.object({
    id: v.string(),
    total: v.number(),
    items: v.array(v.object({ sku: v.string(), qty: v.number() })),
  });

  registry.test(
    'valibot response schema: a wrong field throws ValidationError (response) with its path and status',
    async () => {
      const error = await rejection(api.get('order').json(Order));
      expect(error).toSatisfy(sturdy.isValidationError);
      const validation = error as InstanceType<SturdyModule['ValidationError']>;
      expect(validation.direction).toBe('response');
      expect(validation.status).toBe(200);
      expect(validation.issues.map((issue) => issue.path)).toEqual(['$.total']);
      const lenient = v.object({ id: v.string(), total: v.pipe(v.string(), v.transform(Number)) });
      expect(await api.get('order').json(lenient)).toEqual({ id: 'o-1', total: 12.5 });
    },
  );
}
