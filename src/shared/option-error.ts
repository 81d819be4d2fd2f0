/**
 * The one option error of sturdy and its entry points: `sturdy[/entry]: option \`name\` must be <what>; got
 * <shown>`, a TypeError. The got-part is the value as JSON (a number as itself: NaN reads NaN), cut at 100
 * characters; a value that may hold a credential (`secret`: a token, a header, a URL, a store) is only named by
 * its type, `got string (not shown)`, as is one without JSON (`got function`, `got bigint`, a cycle's `got object`).
 * @example
 * throw optionError('/sse', 'idleTimeout', 'a number of ms >= 0 or false', -5); // sturdy/sse: option `idleTimeout` must be ...; got -5
 */
export function optionError(
  scope: string,
  option: string,
  expected: string,
  value: unknown,
  secret?: unknown,
): TypeError {
  let shown: unknown = typeof value;
  try {
    shown = secret ? `${shown} (not shown)` : shown === 'number' ? value : JSON.stringify(value).slice(0, 100);
  } catch {}
  return new TypeError(`sturdy${scope}: option \`${option}\` must be ${expected}; got ${shown}`);
}
