import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { findLink, parseLinkHeader } from '../src/paginate/index.ts';

const base = 'https://api.example.com/v1/orders?page=1';
const hrefs = (header: string) => parseLinkHeader(header, base).map((link) => link.url.href);

describe('parseLinkHeader (RFC 8288)', () => {
  test('several links, several rels in one value, quoted and unquoted params', () => {
    const links = parseLinkHeader(
      '<https://api.example.com/v1/orders?page=2>; rel="next last"; title="Next", </v1/orders?page=1>;rel=first;type=application/json',
      base,
    );
    expect(links.map(({ url, rel, params }) => [url.href, rel, params])).toEqual([
      ['https://api.example.com/v1/orders?page=2', ['next', 'last'], { rel: 'next last', title: 'Next' }],
      ['https://api.example.com/v1/orders?page=1', ['first'], { rel: 'first', type: 'application/json' }],
    ]);
  });

  test('commas and semicolons inside quoted strings and inside <...> do not split links', () => {
    const links = parseLinkHeader('<?ids=1,2;3>; rel="next"; title="a, b; rel=\\"prev\\"", <?page=9>; rel=last', base);
    expect(links.map((link) => [link.url.search, link.rel, link.params.title])).toEqual([
      ['?ids=1,2;3', ['next'], 'a, b; rel="prev"'],
      ['?page=9', ['last'], undefined],
    ]);
  });

  test('relative targets resolve against the response URL', () => {
    expect(hrefs('<?page=2>; rel=next, <3>; rel=x, </root>; rel=y, <//cdn.example.com/a>; rel=z')).toEqual([
      'https://api.example.com/v1/orders?page=2',
      'https://api.example.com/v1/3',
      'https://api.example.com/root',
      'https://cdn.example.com/a',
    ]);
  });

  test('whitespace, empty list elements, case and repeated params follow the RFC', () => {
    const [link] = parseLinkHeader(' ,  < /next >\t;\tREL = "NEXT"  ; rel="prev" ; Title="x" , ,', base);
    expect(link?.rel).toEqual(['next']);
    expect(link?.params).toEqual({ rel: 'NEXT', title: 'x' });
    expect(link?.url.href).toBe('https://api.example.com/next');
  });

  test('a broken link-value is skipped and the links around it are kept', () => {
    expect(hrefs('garbage, <?a=1>; rel=next, <?b=2> rel=oops, <?c=3>; rel="unterminated, <?d=4>; rel=last')).toEqual([
      'https://api.example.com/v1/orders?a=1',
    ]);
    expect(hrefs('<?a=1>; =x, <?b=2>; rel="ok"')).toEqual(['https://api.example.com/v1/orders?b=2']);
    expect(hrefs('<http://[bad>; rel=next, <?ok>; rel=next')).toEqual(['https://api.example.com/v1/orders?ok']);
    expect(parseLinkHeader(null, base)).toEqual([]);
    expect(parseLinkHeader('', base)).toEqual([]);
  });

  test('never throws, whatever the header holds', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('<', '>', '"', '\\', ',', ';', '=', ' ', 'a', 'rel', '?p=1', 'next') }),
        (header) => {
          for (const link of parseLinkHeader(header, base)) expect(link.url).toBeInstanceOf(URL);
        },
      ),
    );
  });
});

describe('findLink', () => {
  test('the first link with the relation, case-insensitive, ignoring links about another resource (anchor)', () => {
    const header = '<?page=5>; rel="next"; anchor="#comments", <?page=2>; rel="Next", <?page=3>; rel=next';
    expect(findLink(header, 'next', base)?.search).toBe('?page=2');
    expect(findLink(header, 'prev', base)).toBeUndefined();
    expect(findLink('<?page=2>; rel="nextish"', 'next', base)).toBeUndefined();
  });
});
