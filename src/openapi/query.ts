/**
 * OpenAPI query parameters as a query string. Defaults are OpenAPI's (`form`, `explode: true`:
 * `?id=1&id=2`) with objects as `deepObject` (`?filter[state]=open`), as openapi-fetch sends them.
 * Names and values are percent-encoded, so no value can add a parameter.
 */
import { ValidationError, type Issue } from '../core/errors.ts';
import { formatPath } from '../core/schema.ts';

/**
 * OpenAPI styles for the array and object parameters of a call.
 * @example
 * { array: { style: 'pipeDelimited', explode: false }, object: { style: 'form', explode: true } }
 */
export type QueryStyles = {
  /** `form` + explode: `id=1&id=2`; without explode: `id=1,2` (`spaceDelimited`: `id=1%202`, `pipeDelimited`: `id=1|2`). @default { style: 'form', explode: true } */
  array?: { style?: 'form' | 'spaceDelimited' | 'pipeDelimited'; explode?: boolean };
  /** `deepObject`: `p[a]=1&p[b]=2`; `form` + explode: `a=1&b=2`; without explode: `p=a,1,b,2`. @default { style: 'deepObject' } */
  object?: { style?: 'form' | 'deepObject'; explode?: boolean };
};

/**
 * How `params.query` becomes the query string: OpenAPI styles, or a function returning the string (no `?`).
 * @example
 * openapi<paths>(api, { querySerializer: (query) => new URLSearchParams(query as Record<string, string>).toString() });
 */
export type QuerySerializer = QueryStyles | ((query: Record<string, unknown>) => string);

const DELIMITERS = { form: ',', spaceDelimited: '%20', pipeDelimited: '|' } as const;

/**
 * Serializes `params.query`; a value that is no string, number, boolean, bigint or Date (nor an array or
 * object of them) is a ValidationError before anything is sent.
 * @example
 * serializeQuery({ id: [1, 2], filter: { state: 'open' } }) // 'id=1&id=2&filter[state]=open'
 */
export function serializeQuery(query: Record<string, unknown>, styles: QueryStyles = {}): string {
  const pairs: string[] = [];
  const issues: Issue[] = [];
  const text = (value: unknown, path: PropertyKey[]): string | undefined => {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return encodeURIComponent(value.toISOString());
    if (['string', 'number', 'boolean', 'bigint'].includes(typeof value)) {
      try {
        return encodeURIComponent(String(value));
      } catch {
        // A lone surrogate: falls through to the issue below.
      }
    }
    issues.push({ path: formatPath(path), message: 'a query value must be a string, number, boolean, bigint or Date' });
    return undefined;
  };
  const add = (name: string, value: unknown, path: PropertyKey[]) => {
    const encoded = text(value, path);
    if (encoded !== undefined) pairs.push(`${name}=${encoded}`);
  };
  // Exploded: the parameter once per item.
  const addEach = (name: string, items: unknown[], path: PropertyKey[]) => {
    for (const [index, item] of items.entries()) add(name, item, [...path, index]);
  };
  const deep = (name: string, value: unknown, path: PropertyKey[]): void => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) addEach(name, value, path);
    else if (typeof value === 'object' && !(value instanceof Date))
      for (const [key, item] of Object.entries(value))
        deep(`${name}[${encodeURIComponent(key)}]`, item, [...path, key]);
    else add(name, value, path);
  };
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    const name = encodeURIComponent(key);
    if (Array.isArray(value)) {
      const { style = 'form', explode = true } = styles.array ?? {};
      if (explode) addEach(name, value, [key]);
      else pairs.push(`${name}=${value.map((item, index) => text(item, [key, index])).join(DELIMITERS[style])}`);
    } else if (typeof value === 'object' && !(value instanceof Date)) {
      const { style = 'deepObject', explode = true } = styles.object ?? {};
      const entries = Object.entries(value).filter(([, item]) => item !== undefined && item !== null);
      if (style === 'deepObject') deep(name, value, [key]);
      else if (explode) for (const [field, item] of entries) add(encodeURIComponent(field), item, [key, field]);
      else
        pairs.push(
          `${name}=${entries.map(([field, item]) => `${encodeURIComponent(field)},${text(item, [key, field])}`).join(',')}`,
        );
    } else add(name, value, [key]);
  }
  if (issues.length > 0) throw new ValidationError('request', issues, { what: 'request query' });
  return pairs.join('&');
}
