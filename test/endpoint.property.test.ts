import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createClient, isValidationError } from '../src/index.ts';
import { endpoint } from '../src/endpoint/index.ts';

// Every URL sturdy would fetch, recorded by a custom fetch (no network): the property is about URL building.
const sent: URL[] = [];
const api = createClient({
  baseUrl: 'https://api.test/v1/',
  retry: false,
  fetch: async (input: RequestInfo | URL) => {
    sent.push(new URL(input instanceof Request ? input.url : String(input)));
    return Response.json({});
  },
});
const getOrder = endpoint(api, { method: 'GET', path: 'orders/:id' });
const search = endpoint(api, { method: 'GET', path: 'search' });

// Strings made of the characters that move things in URLs, plus arbitrary Unicode.
const tricky = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc
    .array(
      fc.constantFrom(
        '.',
        '..',
        '/',
        '\\',
        '?',
        '#',
        '%',
        '%2e',
        '%2E',
        '%2F',
        '%5C',
        ';',
        '&',
        '=',
        '+',
        ' ',
        ':',
        '@',
        '\t',
        'a',
        'é',
      ),
    )
    .map((parts) => parts.join('')),
);

describe('properties', () => {
  test('any parameter value is exactly one segment under orders/, and decodes back to itself', async () => {
    await fc.assert(
      fc.asyncProperty(tricky, async (id) => {
        sent.length = 0;
        const outcome = await getOrder({ params: { id } }).then(
          () => 'sent',
          (error: unknown) => error,
        );
        if (id === '' || id === '.' || id === '..') {
          expect(isValidationError(outcome)).toBe(true);
          expect(sent).toHaveLength(0);
          return;
        }
        expect(outcome).toBe('sent');
        const [url] = sent;
        expect(url!.origin).toBe('https://api.test');
        expect(url!.search).toBe('');
        expect(url!.hash).toBe('');
        const segments = url!.pathname.split('/');
        expect(segments.slice(0, 3)).toEqual(['', 'v1', 'orders']);
        expect(segments).toHaveLength(4);
        expect(decodeURIComponent(segments[3]!)).toBe(id);
      }),
      { numRuns: 300 },
    );
  });

  test('any query values arrive as exactly the names and values given', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(tricky, fc.oneof(tricky, fc.array(tricky, { maxLength: 3 }))), async (query) => {
        sent.length = 0;
        await search({ query });
        const expected = Object.entries(query).flatMap(([name, value]) =>
          (Array.isArray(value) ? value : [value]).map((item) => [name, item]),
        );
        expect([...sent[0]!.searchParams]).toEqual(expected);
        expect(sent[0]!.pathname).toBe('/v1/search');
        expect(sent[0]!.hash).toBe('');
      }),
      { numRuns: 200 },
    );
  });
});
