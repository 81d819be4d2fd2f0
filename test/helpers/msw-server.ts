/**
 * The msw setup every msw test repeats: a server that fails on unhandled requests, a recorder of
 * what was sent, both reset after each test and closed after the file.
 */
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { recordRequests } from '../../src/testing/index.ts';

/**
 * Call at the top of a test file.
 * @example
 * const { server, recorder } = useMswServer();
 * server.use(flaky('https://api.test/orders'));
 */
export function useMswServer() {
  const server = setupServer();
  const recorder = recordRequests(server);
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    recorder.clear();
  });
  afterAll(() => {
    recorder.stop();
    server.close();
  });
  return { server, recorder };
}
