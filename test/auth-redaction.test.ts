/**
 * No credential of any strategy appears in what sturdy produces: the message,
 * String, JSON.stringify and util.inspect of every error, and every onEvent
 * payload, for a 401 (whose body echoes the request), a timeout, a network
 * error, a token endpoint failure and a failing token provider; a NetworkError's
 * request is a sanitized copy; and minted tokens stay bounded in the redactor.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type AuthError,
  apiKey,
  basic,
  bearer,
  clientCredentials,
  createClient,
  isAuthError,
  NetworkError,
  type AuthStrategy,
  type SturdyEvent,
} from '../src/index.ts';
import { ISSUED_TOKENS_KEPT } from '../src/auth/strategy.ts';
import type { SecretSink } from '../src/auth/types.ts';
import { createRedactor } from '../src/core/redact.ts';
import { printed, printForms } from './helpers/printed.ts';
import { elapsed, modes, startServer, type TestServer } from './helpers/server.ts';
import { stubClientCredentials, stubTokenFetch } from './helpers/token-fetch.ts';

const CLIENT_SECRET = 'rd-client-secret-1';
const ISSUED_TOKEN = 'rd-issued-access-token-1';
const BASIC_ENCODED = Buffer.from('ann:rd-basic-password-1').toString('base64');
const SECRETS = [
  'rd-bearer-token-1',
  'rd-provided-token-1',
  'rd-header-key-1',
  'rd-query-key-1',
  'rd-basic-password-1',
  BASIC_ENCODED,
  CLIENT_SECRET,
  ISSUED_TOKEN,
];

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  server.route('/echo-401', modes.echo(401)); // echoes the request: its headers, its URL with the query key
  server.route('/hang', modes.hang());
  server.route('/drop', modes.drop());
  server.route('/token', modes.json(200, { access_token: ISSUED_TOKEN, token_type: 'Bearer', expires_in: 3600 }));
  // A careless token endpoint that echoes what it got, secret included.
  server.route('/bad-token', (request, response) => {
    response.writeHead(400, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        error: 'invalid_client',
        error_description: `rejected ${request.body} ${request.headers.authorization ?? ''}`,
      }),
    );
  });
});
afterAll(() => server.close());

const strategies: Array<[string, () => AuthStrategy]> = [
  ['bearer', () => bearer('rd-bearer-token-1')],
  ['bearer provider', () => bearer(async () => ({ token: 'rd-provided-token-1', expiresIn: 600 }))],
  ['apiKey header', () => apiKey({ key: 'rd-header-key-1' })],
  ['apiKey query', () => apiKey({ key: 'rd-query-key-1', query: 'app_key' })],
  ['basic', () => basic({ username: 'ann', password: 'rd-basic-password-1' })],
  [
    'clientCredentials',
    () => clientCredentials({ tokenUrl: `${server.url}/token`, clientId: 'rd-app', clientSecret: CLIENT_SECRET }),
  ],
];

const assertClean = (texts: string[]) => {
  for (const text of texts) for (const secret of SECRETS) expect(text, `leaked ${secret}`).not.toContain(secret);
};

async function failingCall(auth: AuthStrategy, path: string, extra: object = {}) {
  const events: SturdyEvent[] = [];
  const api = createClient({
    baseUrl: server.url,
    auth,
    retry: false,
    onEvent: (event) => events.push(event),
    ...extra,
  });
  const error = await api.get(path).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  return { error, events };
}

describe.each(strategies)('%s', (_name, strategy) => {
  test('401 whose body echoes the credentials', async () => {
    const { error, events } = await failingCall(strategy(), 'echo-401');
    expect((error as Error).name).toBe('HTTPError');
    // The server did receive the credential (and echoed it in the body the error carries).
    const received = server.requestsTo('/echo-401').at(-1)!;
    expect(
      SECRETS.some((secret) => JSON.stringify(received.headers).includes(secret) || received.url.includes(secret)),
    ).toBe(true);
    assertClean(printForms(error));
    assertClean(events.map((event) => JSON.stringify(event)));
    expect(events.at(-1)!.type).toBe('error');
  });

  test('timeout', async () => {
    const { error, events } = await failingCall(strategy(), 'hang', { timeout: 150 });
    expect((error as Error).name).toBe('TimeoutError');
    assertClean(printForms(error));
    assertClean(events.map((event) => JSON.stringify(event)));
  });

  test('network error', async () => {
    const { error, events } = await failingCall(strategy(), 'drop');
    expect((error as Error).name).toBe('NetworkError');
    assertClean(printForms(error));
    assertClean(events.map((event) => JSON.stringify(event)));
  });
});

test('token endpoint failure that echoes the secret: AuthError and events stay clean (basic and body client auth)', async () => {
  for (const method of ['basic', 'body'] as const) {
    const auth = clientCredentials({
      tokenUrl: `${server.url}/bad-token`,
      clientId: 'rd-app',
      clientSecret: CLIENT_SECRET,
      method,
    });
    const { error, events } = await failingCall(auth, 'echo-401');
    expect(error).toMatchObject({ name: 'AuthError', error: 'invalid_client', status: 400 });
    expect((error as { errorDescription: string }).errorDescription).toContain('[REDACTED]');
    assertClean([...printForms(error), (error as { errorDescription: string }).errorDescription]);
    assertClean(events.map((event) => JSON.stringify(event)));
    expect(events.map((event) => event.type)).toEqual(['error']);
  }
});

test('the echoed credentials really were in the 401 body (the check above can fail)', async () => {
  const api = createClient({ baseUrl: server.url, auth: bearer('rd-bearer-token-1'), throwHttpErrors: false });
  expect(await (await api.get('echo-401')).text()).toContain('rd-bearer-token-1');
});

describe('a NetworkError carries a sanitized real Request', () => {
  test('no Authorization, no API key in its url, and none in any printed form', async () => {
    server.route('/drop-sanitized', modes.drop());
    const bearerApi = createClient({ baseUrl: server.url, retry: 0, auth: bearer('bearer-secret-77') });
    const keyApi = createClient({
      baseUrl: server.url,
      retry: 0,
      auth: apiKey({ key: 'query-secret-88', query: 'appid' }),
    });
    for (const [api, secret] of [
      [bearerApi, 'bearer-secret-77'],
      [keyApi, 'query-secret-88'],
    ] as const) {
      const { error } = await elapsed(() => api.get('drop-sanitized', { headers: { 'x-trace': 'trace-1' } }));
      expect(error).toBeInstanceOf(NetworkError);
      const { request } = error as NetworkError;
      expect(request).toBeInstanceOf(Request);
      expect(request.method).toBe('GET');
      expect(request.headers.get('authorization')).toBeNull();
      // What is not a credential stays, so the request is still useful to look at.
      expect(request.headers.get('x-trace')).toBe('trace-1');
      expect(request.url).toMatch(/\/drop/);
      expect(request.url).not.toContain(secret);
      expect(printed(error)).not.toContain(secret);
    }
    // The server did get the credentials: they were sent, then kept out of the error.
    expect(server.requestsTo('/drop-sanitized')[0]!.headers.authorization).toBe('Bearer bearer-secret-77');
    expect(server.requestsTo('/drop-sanitized')[1]!.url).toBe('/drop-sanitized?appid=query-secret-88');
  });
});

describe("a failing bearer provider's AuthError names no token", () => {
  test('refresh of <token> failed: message, String, JSON, inspect, stack and cause are clean', async () => {
    server.route('/provider-401', (_request, response) => void response.writeHead(401).end());
    const current = 'hd-first-token-0001';
    const auth = bearer(({ refresh }) => {
      if (refresh) throw new Error(`refresh of ${current} failed: session expired`);
      return { token: current, expiresIn: 3600 };
    });
    const api = createClient({ baseUrl: server.url, auth, retry: false });
    const error = await api.get('provider-401').catch((e: unknown) => e);
    expect(isAuthError(error)).toBe(true);
    expect((error as AuthError).message).toBe(
      'bearer token provider failed: refresh of [REDACTED] failed: session expired',
    );
    expect(printed(error)).not.toContain(current);
  });
});

describe('minted tokens stay bounded in the redactor', () => {
  /** A real redactor that also counts the secrets registered with it right now, and the most ever. */
  const counting = () => {
    const real = createRedactor();
    const tally = { live: 0, peak: 0 };
    const redactor: SecretSink = {
      addHeader: (name) => real.addHeader(name),
      addQuery: (name) => real.addQuery(name),
      addSecret(secret) {
        tally.peak = Math.max(tally.peak, ++tally.live);
        real.addSecret(secret);
      },
      removeSecret(secret) {
        tally.live -= 1;
        real.removeSecret(secret);
      },
    };
    return { redactor, real, tally };
  };
  const target = () => ({ url: new URL('https://api.test/'), headers: new Headers(), fetch: globalThis.fetch });

  test('a provider minting a token per call: 10,000 tokens leave at most ISSUED_TOKENS_KEPT registered, the newest', async () => {
    let n = 0;
    const auth = bearer(() => `hd-minted-${++n}-token`);
    const { redactor, real, tally } = counting();
    auth.register!(redactor);
    for (let i = 0; i < 10_000; i++) await auth.authorize(target());
    expect(n).toBe(10_000);
    expect(tally.peak).toBeLessThanOrEqual(ISSUED_TOKENS_KEPT);
    expect(tally.live).toBe(ISSUED_TOKENS_KEPT);
    // The current token and the three before it (possibly still in flight) stay hidden; older ones are forgotten.
    expect(real.text('hd-minted-10000-token hd-minted-9997-token')).toBe('[REDACTED] [REDACTED]');
    expect(real.text('hd-minted-9996-token')).toBe('hd-minted-9996-token');
    // An old token is still hidden wherever a pattern covers it.
    expect(real.text('Authorization: Bearer hd-minted-1-token')).toBe('Authorization: Bearer [REDACTED]');
  });

  test('a redactor registered after the tokens were minted gets only the kept ones; fixed secrets are kept for good', async () => {
    const { fetch } = stubTokenFetch((n) => ({
      access_token: `hd-cc-token-${n}`,
      token_type: 'Bearer',
      expires_in: 3600,
    }));
    const auth: AuthStrategy = clientCredentials(stubClientCredentials());
    let used = await auth.authorize({ ...target(), fetch });
    for (let i = 0; i < 50; i++) {
      await auth.refresh!(used, { ...target(), fetch });
      used = await auth.authorize({ ...target(), fetch });
    }
    const { redactor, real, tally } = counting();
    auth.register!(redactor);
    // clientSecret, its form-encoded form (the same here) and the Basic credentials, plus the kept tokens.
    expect(tally.live).toBeLessThanOrEqual(3 + ISSUED_TOKENS_KEPT);
    expect(real.text('hd-client-secret-1 hd-cc-token-51')).toBe('[REDACTED] [REDACTED]');
  });
});
