/**
 * A value as a message quotes it: a string as JSON (quoted, escaped), an object as JSON where it can be, the
 * rest in its own words (`2n`, `Symbol(s)`, `a function`); never throws (a cycle, a BigInt inside, a throwing
 * `toJSON`) and never longer than `maxChars` characters (then `…`).
 * @example
 * showValue(2n) // '2n'
 * showValue({ id: 1 }) // '{"id":1}'
 */
export function showValue(value: unknown, maxChars = 100): string {
  let shown: string;
  if (typeof value === 'function') shown = 'a function';
  else if (typeof value === 'bigint') shown = `${value}n`;
  else if (typeof value !== 'object' || value === null)
    shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  else {
    try {
      shown = JSON.stringify(value) ?? 'an object without a JSON form';
    } catch {
      shown = 'an object that cannot be printed as JSON';
    }
  }
  return shown.length > maxChars ? `${shown.slice(0, maxChars)}…` : shown;
}
