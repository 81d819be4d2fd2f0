/**
 * RFC 8288 `Link` header parsing, small and strict: `<target>; name=token; name="quoted"`, several
 * links separated by commas (also inside quoted strings and `<...>`), several relation types in one
 * `rel="next last"`, relative targets resolved against the response URL.
 */

/**
 * One link of a `Link` header.
 * @example
 * const [link] = parseLinkHeader('<?page=2>; rel="next"', 'https://api.example.com/orders');
 * link.url.href; // 'https://api.example.com/orders?page=2'
 * link.rel;      // ['next']
 */
export type Link = {
  /** The target, resolved against the base URL. */
  readonly url: URL;
  /** The relation types of `rel`, lower-cased (RFC 8288 compares them case-insensitively). */
  readonly rel: readonly string[];
  /** Every parameter by lower-cased name, quotes and escapes removed; the first of a repeated name wins. */
  readonly params: Readonly<Record<string, string>>;
};

const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
/** An unquoted value runs to the next `;`, `,` or space, as RFC 8288 appendix B parses it (`type=application/json`). */
const UNQUOTED = /[^;,"\s]/;
const isWhitespace = (char: string | undefined) => char === ' ' || char === '\t';

/**
 * Parses a `Link` header (several header lines joined by `, ` work too). A link-value that breaks the
 * grammar, or whose target is not a URL, is skipped; the links around it are kept.
 * @example
 * parseLinkHeader(response.headers.get('link'), response.url).find((link) => link.rel.includes('last'));
 */
export function parseLinkHeader(header: string | null | undefined, base: string | URL): Link[] {
  const links: Link[] = [];
  if (!header) return links;
  let at = 0;
  const skipWhitespace = () => {
    while (isWhitespace(header[at])) at += 1;
  };
  const read = (allowed: RegExp) => {
    const start = at;
    while (at < header.length && allowed.test(header[at]!)) at += 1;
    return header.slice(start, at);
  };
  const quoted = (): string | undefined => {
    let value = '';
    for (at += 1; at < header.length; at += 1) {
      const char = header[at]!;
      if (char === '"') {
        at += 1;
        return value;
      }
      if (char === '\\') at += 1;
      value += header[at] ?? '';
    }
    return undefined;
  };
  /** Moves past the rest of a broken link-value: to the next comma outside quotes and `<...>`. */
  const skipLinkValue = () => {
    while (at < header.length && header[at] !== ',') {
      if (header[at] === '"') quoted();
      else if (header[at] === '<') at = header.includes('>', at) ? header.indexOf('>', at) + 1 : header.length;
      else at += 1;
    }
  };
  /** One link-value from `<`; undefined when it breaks the grammar. */
  const linkValue = (): { target: string; params: Record<string, string> } | undefined => {
    const end = header.indexOf('>', at);
    if (header[at] !== '<' || end === -1) return undefined;
    const target = header.slice(at + 1, end).trim();
    const params: Record<string, string> = {};
    at = end + 1;
    for (;;) {
      skipWhitespace();
      if (at >= header.length || header[at] === ',') return { target, params };
      if (header[at] !== ';') return undefined;
      at += 1;
      skipWhitespace();
      const name = read(TOKEN).toLowerCase();
      if (!name) return undefined;
      skipWhitespace();
      let value = '';
      if (header[at] === '=') {
        at += 1;
        skipWhitespace();
        const given = header[at] === '"' ? quoted() : read(UNQUOTED);
        if (given === undefined) return undefined;
        value = given;
      }
      // RFC 8288 section 3.3: occurrences of a parameter after the first are ignored.
      if (!Object.hasOwn(params, name)) params[name] = value;
    }
  };
  while (at < header.length) {
    while (at < header.length && (header[at] === ',' || isWhitespace(header[at]))) at += 1;
    if (at >= header.length) break;
    const parsed = linkValue();
    if (!parsed) {
      skipLinkValue();
      continue;
    }
    let url: URL;
    try {
      url = new URL(parsed.target, base);
    } catch {
      continue;
    }
    const rel = (parsed.params.rel ?? '')
      .toLowerCase()
      .split(/[ \t]+/)
      .filter(Boolean);
    links.push({ url, rel, params: parsed.params });
  }
  return links;
}

/**
 * The first link with relation `rel` about the response itself (a link with an `anchor` describes
 * another resource, so it is not followed).
 * @example
 * findLink(response.headers.get('link'), 'next', response.url)?.href;
 */
export function findLink(header: string | null | undefined, rel: string, base: string | URL): URL | undefined {
  const wanted = rel.toLowerCase();
  return parseLinkHeader(header, base).find(
    (link) => link.rel.includes(wanted) && !Object.hasOwn(link.params, 'anchor'),
  )?.url;
}
