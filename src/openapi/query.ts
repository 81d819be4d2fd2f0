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
 * How `params.query` becomes the query string: OpenAPI styles, or a function returning it (without `?`).
 * @example
 * openapi<paths>(api, { querySerializer: (query) => new URLSearchParams(query as Record<string, string>).toString() });
 */
export type QuerySerializer = QueryStyles | ((query: Record<string, unknown>) => string);

const DELIMITERS: Record<string, string> = { form: ',', spaceDelimited: '%20', pipeDelimited: '|' };

/**
 * Serializes `params.query`; a value that is no string, number, boolean or bigint (nor an array or object of
 * them) is a ValidationError before anything is sent.
 * @example
 * serializeQuery({ id: [1, 2], filter: { state: 'open' } }) // 'id=1&id=2&filter[state]=open'
 */
export function serializeQuery(query: Record<string, unknown>, styles: QueryStyles = {}): string {
  const pairs: string[] = [];
  const issues: Issue[] = [];
  // One issue per parameter whose value (or a value inside it) is not a value; a lone surrogate throws URIError.
  const text = (value: unknown, key: string): string | undefined => {
    if (['string', 'number', 'boolean', 'bigint'].includes(typeof value)) return encodeURIComponent(String(value));
    issues.push({ path: formatPath([key]), message: 'must be a string, number, boolean or bigint' });
    return undefined;
  };
  const add = (name: string, value: unknown, key: string) => {
    const encoded = text(value, key);
    if (encoded !== undefined) pairs.push(`${name}=${encoded}`);
  };
  // deepObject: `name[field]=value`, nested objects deeper, arrays repeating the name.
  const deep = (name: string, value: unknown, key: string): void => {
    if (value === undefined || value === null) return;
    if (typeof value !== 'object') add(name, value, key);
    else
      for (const [field, item] of Object.entries(value))
        deep(Array.isArray(value) ? name : `${name}[${encodeURIComponent(field)}]`, item, key);
  };
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    const name = encodeURIComponent(key);
    const array = Array.isArray(value);
    if (typeof value !== 'object') add(name, value, key);
    else if (!array && (styles.object?.style ?? 'deepObject') === 'deepObject') deep(name, value, key);
    else {
      const { style = 'form', explode = true } = (array ? styles.array : styles.object) ?? {};
      const entries = Object.entries(value).filter(([, item]) => item !== undefined && item !== null);
      // Exploded: an array repeats its name, an object's fields become parameters; else one list.
      if (explode) for (const [field, item] of entries) add(array ? name : encodeURIComponent(field), item, key);
      else {
        const list = entries.map(([field, item]) => (array ? '' : `${encodeURIComponent(field)},`) + text(item, key));
        pairs.push(`${name}=${list.join(DELIMITERS[style])}`);
      }
    }
  }
  if (issues.length > 0) throw new ValidationError('request', issues, { what: 'request query' });
  return pairs.join('&');
}
