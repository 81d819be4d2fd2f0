/**
 * `npm run demo` walks through every use case against its real local server
 * and exits 0 on its own; its log shows each step's outcome and no secret.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { CREDENTIALS } from '../../scripts/demo-api.ts';

test('the demo runs every step, exits 0 by itself and prints no credential', async () => {
  // Exactly what a reader of the README types.
  const { stdout } = await promisify(execFile)('npm', ['run', '-s', 'demo'], {
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 30_000,
  });
  for (const step of [
    '1. Create a resource',
    '2. Query parameters',
    '3. A nested invoice',
    '4. Auth',
    '5. Retry with backoff',
    '6. Validation failure',
    '7. Safe .result()',
    '8. An AI-style event stream',
    '9. An HTTP cache',
    '10. Pagination',
    '11. Offline and crash-safe mutations',
  ]) {
    expect(stdout).toContain(step);
  }
  expect(stdout).toContain('✓ created {"id":"cus_1"');
  // Origin scoping is a success, printed as one, with the other origin's host in the client's log.
  expect(stdout).toMatch(
    /✓ another origin \(localhost:\d+\) got no token: the server saw no Authorization header and answered 401/,
  );
  expect(stdout).not.toContain('✗ another origin');
  expect(stdout).toMatch(/→ GET http:\/\/localhost:\d+\/v1\/me \(attempt 1\)/);
  expect(stdout).toMatch(/→ GET \/v1\/me \(attempt 1\)/);
  expect(stdout).toContain('token endpoint called 2x');
  expect(stdout.match(/status 503: waiting \d+ ms/g)).toHaveLength(2);
  expect(stdout).toMatch(/status 429: waiting 1000 ms/);
  expect(stdout).toContain('$.email Invalid email');
  expect(stdout).toContain('server saw 1 customer POST');
  expect(stdout).toContain('not found: status 404');
  expect(stdout).toContain('✓ streamed answer: "Your order ships today."');
  expect(stdout).toContain('✓ 1 request for 2 GETs');
  expect(stdout).toContain('✓ 5 orders from 3 pages');
  expect(stdout).toContain(
    'the next start sent it again with the same key: 1 order created, the stored answer came back: {"id":1}',
  );
  expect(stdout).toMatch(/demo finished: \d+ requests served/);
  for (const secret of [
    CREDENTIALS.bearer,
    CREDENTIALS.apiKey,
    CREDENTIALS.basic.password,
    CREDENTIALS.client.clientSecret,
    'demo-access-token-',
  ]) {
    expect(stdout).not.toContain(secret);
  }
}, 60_000);
