import { playwright } from '@vitest/browser-playwright';
import { msw } from 'msw/vite';
import { defineConfig } from 'vitest/config';

// One config: `npm start` serves the playground; `npm test` runs the vitest projects.
export default defineConfig({
  // The playground's mock API runs in msw's service worker; the plugin serves (and builds) mockServiceWorker.js.
  ...(process.env.VITEST ? {} : { root: 'playground', plugins: [msw({ mode: 'worker-only' })] }),
  test: {
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
      {
        // Debian's chromium (scripts/ensure-chromium.sh): Playwright cannot download its own here.
        extends: true,
        plugins: [msw({ mode: 'worker-only' })],
        test: {
          name: 'browser',
          root: '.',
          include: ['test/browser/**/*.test.ts', 'test/conformance/browser.test.ts', 'test/conformance/browser-msw.test.ts'],
          globalSetup: ['test/conformance/global-setup.ts'],
          testTimeout: 20_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: {
                executablePath: '/usr/bin/chromium',
                args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
