import { playwright } from '@vitest/browser-playwright';
import { msw } from 'msw/vite';
import { defineConfig } from 'vitest/config';
import type { TestProjectConfiguration } from 'vitest/config';
import { buildFlags } from './scripts/build.ts';
import { CHROMIUM_ARGS, planBrowserTests } from './scripts/chromium-path.ts';

// Chromium wherever it is (scripts/chromium-path.ts); missing, the browser project is left out with a how-to, and CI fails.
const browserTests = process.env.VITEST ? planBrowserTests() : undefined;
// Vitest loads this file once per project: say it once per process.
const noted = globalThis as { sturdyBrowserSkipNoted?: boolean };
if (browserTests?.run === false && !noted.sturdyBrowserSkipNoted) {
  noted.sturdyBrowserSkipNoted = true;
  console.warn(browserTests.message);
}

// One config: `npm start` serves the playground; `npm test` runs the vitest projects.
export default defineConfig({
  // The playground's mock API runs in msw's service worker; the plugin serves (and builds) mockServiceWorker.js.
  ...(process.env.VITEST ? {} : { root: 'playground', plugins: [msw({ mode: 'worker-only' })] }),
  test: {
    // In CI a test that fails is run once more, so one timing blip on a loaded machine does not sink the run; one
    // that passes only the second time is named as flaky in CI's summary (scripts/ci-summary.ts) to be fixed.
    retry: process.env.CI ? 1 : 0,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          root: '.',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**', 'test/edge/**', 'test/runtimes/**', 'test/conformance/**'],
          testTimeout: 20_000,
        },
      },
      {
        // Vercel-edge globals (@edge-runtime/vm); the conformance server runs in Node (globalSetup).
        extends: true,
        test: {
          name: 'edge',
          root: '.',
          environment: 'edge-runtime',
          include: ['test/edge/**/*.test.ts', 'test/conformance/edge.test.ts'],
          globalSetup: ['test/conformance/global-setup.ts'],
          testTimeout: 20_000,
        },
      },
      ...(browserTests?.run
        ? [
            {
              // A local Chromium (found or installed by scripts/ensure-chromium.sh): Playwright cannot download its own here.
              extends: true,
              plugins: [msw({ mode: 'worker-only' })],
              // The browser build, as package.json's "browser" condition ships it (src/shared/platform.ts).
              define: buildFlags('browser'),
              test: {
                name: 'browser',
                root: '.',
                // Under `npm test` the browser's test files load while the node project's 70 run on the same CPUs: on a
                // 2-CPU machine an iframe once took over vitest's 60 s to become ready (this variable is that wait).
                env: { VITEST_BROWSER_IFRAME_TIMEOUT: '180000' },
                include: [
                  'test/browser/**/*.test.ts',
                  'test/conformance/browser.test.ts',
                  'test/conformance/browser-msw.test.ts',
                ],
                globalSetup: ['test/conformance/global-setup.ts'],
                testTimeout: 20_000,
                browser: {
                  enabled: true,
                  headless: true,
                  screenshotFailures: false,
                  provider: playwright({
                    launchOptions: {
                      executablePath: browserTests.executablePath,
                      args: CHROMIUM_ARGS,
                    },
                  }),
                  instances: [{ browser: 'chromium' }],
                },
              },
            } satisfies TestProjectConfiguration,
          ]
        : []),
    ],
  },
});
