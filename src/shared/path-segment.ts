/**
 * Encodes one path parameter as exactly one path segment, or says why it cannot be one. The one
 * encoder of sturdy/endpoint and sturdy/openapi: percent-encoded, so `/`, `?` and `#` stay inside
 * the segment, and `.`, `..` and `''` (which would move up the path or drop the segment) are refused.
 * @example
 * encodePathSegment('../admin?x=1', 'missing') // { segment: '..%2Fadmin%3Fx%3D1' }
 * encodePathSegment(undefined, 'missing: orders/:id needs params.id') // { problem: 'missing: orders/:id needs params.id' }
 */
export function encodePathSegment(value: unknown, missing: string): { segment: string } | { problem: string } {
  if (value === undefined || value === null) return { problem: missing };
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint')
    return { problem: `must be a string or number; got ${typeof value}` };
  if (typeof value === 'number' && !Number.isFinite(value)) return { problem: `must be a finite number; got ${value}` };
  const text = String(value);
  // encodeURIComponent keeps '.', and a '.' or '..' segment would move up the path; '' would drop the segment.
  if (text === '' || text === '.' || text === '..')
    return { problem: `${JSON.stringify(text)} cannot be a path segment` };
  try {
    return { segment: encodeURIComponent(text) };
  } catch {
    return { problem: 'contains a lone surrogate, which cannot be percent-encoded' };
  }
}
