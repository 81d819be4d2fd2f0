/**
 * sturdy's browser build. package.json sends bundlers that target browsers (its "browser" condition) to
 * dist/browser/, built with `globalThis.__STURDY_BROWSER__` defined as `true` (scripts/build.ts); in every other
 * build and when the source runs as it is, the flag is undefined. Code that cannot run in a browser sits behind
 * `if (!globalThis.__STURDY_BROWSER__)`: following redirects in code (a browser's fetch hides them), naming a
 * socket's error code or a stale keep-alive socket (a browser's fetch says only "Failed to fetch"), the hint for
 * a relative URL (a page always has a URL to resolve against). Read the flag only in a condition, where the
 * bundler sees it: then the branch, and what only the branch uses, leaves the browser bundle. A module that reads
 * the flag imports this one's type (for the declaration). A server runtime that runs the browser build anyway (a
 * jsdom test setup under Node may resolve it) still keeps credentials home: a credentialed request refuses a
 * redirect there (auth/policy.ts).
 */
declare global {
  /** True in sturdy's browser build only. */
  var __STURDY_BROWSER__: boolean | undefined;
}
export {};
