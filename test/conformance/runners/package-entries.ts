/**
 * Node side: which optional entry points (`sturdy/sse`, ...) this checkout's package.json
 * `exports` lists, read once by scripts/conformance.ts and the workerd bundler.
 */
import { readFileSync } from 'node:fs';
import { listedEntries, type EntryName } from '../cases.ts';

/**
 * @example
 * const names = exportedEntryNames(); // [] until package.json exports './sse'
 */
export function exportedEntryNames(packageJson = 'package.json'): EntryName[] {
  const { exports } = JSON.parse(readFileSync(packageJson, 'utf8')) as { exports?: unknown };
  return Object.keys(listedEntries(exports)) as EntryName[];
}
