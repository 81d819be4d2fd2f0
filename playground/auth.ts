/**
 * The auth strategies the playground offers. Auth lands in src/index.ts from
 * the auth issue; until then only `none` is wired.
 */
import type { AuthStrategy } from '../src/index.ts';

export type AuthName = 'none' | 'bearer' | 'apiKey' | 'basic' | 'clientCredentials';

/** The strategy for a name, or undefined for none. */
export function authFor(_name: AuthName): AuthStrategy | undefined {
  return undefined;
}

/** The strategy as code, for the "same call in code" panel. */
export function authCode(name: AuthName): string {
  return `${name}(...)`;
}
