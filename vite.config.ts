import { defineConfig } from 'vitest/config';

// One config: `npm start` serves the playground; `npm test` runs the vitest projects.
export default defineConfig({
  ...(process.env.VITEST ? {} : { root: 'playground' }),
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          root: '.',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**', 'test/edge/**', 'test/runtimes/**'],
          testTimeout: 20_000,
        },
      },
    ],
  },
});
