/**
 * Where Chromium is on this machine, for the browser tests (vite.config.ts,
 * test/playground) and scripts/ensure-chromium.sh. Run as a script it prints
 * the path (exit 0) or why there is none (exit 1); `--plan` applies the CI rule.
 */
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Flags for the browser as root, offline, in a container (TOOLCHAIN.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where distributions and vendors install it, tried in this order. */
const FIXED = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];
/** Names looked up in PATH, as `which` would. */
const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];
/** Inside one revision folder of Playwright's cache (chromium-<revision>/). */
const PLAYWRIGHT_BINARIES = [
  'chrome-linux64/chrome',
  'chrome-linux/chrome',
  'chrome-mac/Chromium.app/Contents/MacOS/Chromium',
  'chrome-mac-arm64/Chromium.app/Contents/MacOS/Chromium',
];

export type ChromiumSearch = {
  /** Reads CHROMIUM_PATH, PATH, PLAYWRIGHT_BROWSERS_PATH; default process.env. */
  env?: Record<string, string | undefined>;
  /** Absolute paths tried after CHROMIUM_PATH; default the usual install paths. */
  fixed?: readonly string[];
  /** Holds Playwright's cache (.cache/ms-playwright); default the user's home. */
  home?: string;
};

export type ChromiumFound = { path: string; from: string } | { path: undefined; looked: string[]; problem?: string };

export type BrowserTestsPlan = { run: true; executablePath: string } | { run: false; message: string };

const isExecutableFile = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

const folders = (dir: string): string[] => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};

/** Playwright's own browser downloads: the newest chromium revision first. */
function playwrightCandidates(cache: string): string[] {
  const revisions = folders(cache)
    .map((name) => /^chromium-(\d+)$/.exec(name))
    .filter((match) => match !== null)
    .sort((a, b) => Number(b[1]) - Number(a[1]));
  return revisions.flatMap((match) => PLAYWRIGHT_BINARIES.map((binary) => join(cache, match[0], binary)));
}

/**
 * Finds a Chromium (or Chrome) binary: CHROMIUM_PATH, the usual install paths,
 * PATH, then Playwright's cache. A CHROMIUM_PATH that is set must be right: it is
 * never silently replaced by another browser.
 * @example
 * const found = findChromium();
 * if (found.path) console.log(`using ${found.path} (${found.from})`);
 */
export function findChromium(search: ChromiumSearch = {}): ChromiumFound {
  const env = search.env ?? process.env;
  const chosen = env.CHROMIUM_PATH;
  if (chosen) {
    if (isExecutableFile(chosen)) return { path: chosen, from: 'CHROMIUM_PATH' };
    return {
      path: undefined,
      looked: [`CHROMIUM_PATH=${chosen}`],
      problem: `CHROMIUM_PATH=${chosen} is not an executable file`,
    };
  }
  const fixed = search.fixed ?? FIXED;
  for (const path of fixed) if (isExecutableFile(path)) return { path, from: path };

  const pathDirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const dir of pathDirs) {
    for (const name of NAMES) if (isExecutableFile(join(dir, name))) return { path: join(dir, name), from: 'PATH' };
  }

  const home = search.home ?? homedir();
  const caches = env.PLAYWRIGHT_BROWSERS_PATH
    ? [env.PLAYWRIGHT_BROWSERS_PATH]
    : [join(home, '.cache/ms-playwright'), join(home, 'Library/Caches/ms-playwright')];
  for (const path of caches.flatMap(playwrightCandidates))
    if (isExecutableFile(path)) return { path, from: "Playwright's cache" };

  return {
    path: undefined,
    looked: [
      'CHROMIUM_PATH (unset)',
      ...fixed,
      `PATH (${env.PATH ?? ''})`,
      `Playwright's cache (${caches.join(', ')})`,
    ],
  };
}

/** CI=true (or any value but '', 'false', '0'), as CI services set it. */
const inCI = (env: Record<string, string | undefined>): boolean =>
  !['', 'false', '0', undefined].includes(env.CI?.toLowerCase());

/**
 * Whether the browser tests run, and with which binary. In CI a missing
 * Chromium throws: a browser suite must never be skipped there in silence.
 * @example
 * const plan = planBrowserTests();
 * if (!plan.run) console.warn(plan.message);
 */
export function planBrowserTests(search: ChromiumSearch = {}): BrowserTestsPlan {
  const env = search.env ?? process.env;
  const found = findChromium(search);
  if (found.path !== undefined) return { run: true, executablePath: found.path };
  const why = found.problem ?? `no Chromium found (looked at ${found.looked.join('; ')})`;
  const enable =
    'install it (Debian/Ubuntu: apt-get install chromium, which `bash scripts/ensure-chromium.sh` does when run as root) or set CHROMIUM_PATH=/path/to/chromium (any Chromium or Chrome binary)';
  if (inCI(env)) throw new Error(`CI needs Chromium for the browser tests: ${why}. To fix: ${enable}.`);
  return { run: false, message: `sturdy: browser tests skipped: ${why}. To enable them, ${enable}.` };
}

if (import.meta.main) {
  try {
    if (process.argv.includes('--plan')) {
      const plan = planBrowserTests();
      if (plan.run) console.log(plan.executablePath);
      else console.error(plan.message);
    } else {
      const found = findChromium();
      if (found.path !== undefined) console.log(found.path);
      else {
        console.error(found.problem ?? `no Chromium found; looked at: ${found.looked.join('; ')}`);
        process.exitCode = 1;
      }
    }
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
