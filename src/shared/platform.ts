/**
 * sturdy's builds (scripts/build.ts). package.json sends each runtime to the build that fits it:
 * - Node, Bun and Deno (their "node", "bun", "deno" conditions) get dist/node/: everything;
 * - browser bundlers (the "browser" condition) get dist/browser/, built with `globalThis.__STURDY_BROWSER__` and
 *   `globalThis.__STURDY_WEB__` defined as `true`;
 * - every other runtime (workers, edge, a bundler without a condition) gets dist/, built with
 *   `globalThis.__STURDY_WEB__` defined as `true`.
 * When the source runs as it is (the tests), both flags are undefined: everything is in.
 *
 * Code that only a server runtime's fetch needs sits behind `if (!globalThis.__STURDY_WEB__)`: naming a socket's
 * error code and retrying a stale keep-alive socket (fetch in browsers, workers and edge runtimes reports no
 * socket codes). Code that cannot run in a browser sits behind `if (!globalThis.__STURDY_BROWSER__)`: following
 * redirects in code (a browser's fetch hides them; workers need it to keep credentials home), the hint for a
 * relative URL (a page always has a URL to resolve against). Read a flag only in a condition, where the bundler
 * sees it: then the branch, and what only the branch uses, leaves that build. A module that reads a flag imports
 * this one's type (for the declaration). A server runtime that runs the browser build anyway (a jsdom test setup
 * under Node may resolve it) still keeps credentials home: a credentialed request refuses a redirect there
 * (auth/policy.ts).
 */
declare global {
  /** True in sturdy's browser build only. */
  var __STURDY_BROWSER__: boolean | undefined;
  /** True in the builds for runtimes whose fetch reports no socket errors: the browser build and the default one. */
  var __STURDY_WEB__: boolean | undefined;
}
export {};
