/** Auth strategies and where credentials may go: origins, plain http, redirects, token endpoints. */
import type { CaseContext, Echo } from '../context.ts';
import { expect, rejection } from '../harness.ts';

/**
 * @example
 * registerAuthCases(createContext(registry, { url, runtime: 'deno', sturdy }));
 */
export function registerAuthCases({ registry, url, sturdy, received, otherOrigin, guarded }: CaseContext): void {
  const { createClient } = sturdy;

  registry.test('bearer: the token goes to the baseUrl origin only, and no error or event shows it', async () => {
    const token = 'tok-B3ARER-secret';
    const events: unknown[] = [];
    const authed = createClient({
      baseUrl: `${url}/`,
      auth: sturdy.bearer(token),
      retry: false,
      onEvent: (event) => events.push(event),
    });
    const echoed = (await authed.get('auth-echo').json()) as Echo;
    expect(echoed.headers.authorization).toBe(`Bearer ${token}`);
    const elsewhere = (await authed.get(`${await otherOrigin()}/landing`).json()) as Echo;
    expect(elsewhere.headers.authorization).toBe(undefined);
    const error = await rejection(authed.get('missing'));
    expect(error).toSatisfy(sturdy.isHTTPError);
    for (const text of [(error as Error).message, String(error), JSON.stringify(error), JSON.stringify(events)])
      expect(text).notToContain(token);
  });

  registry.test('bearer provider: a 401 asks for a fresh token once and repeats the call with it', async () => {
    const asked: boolean[] = [];
    const auth = sturdy.bearer(async ({ refresh }) => {
      asked.push(refresh);
      return { token: refresh ? 'tok-fresh' : 'tok-stale', expiresIn: 3600 };
    });
    const echoed = (await createClient({ baseUrl: `${url}/`, auth })
      .get('refused-once')
      .json()) as Echo;
    expect(echoed.headers.authorization).toBe('Bearer tok-fresh');
    expect(asked).toEqual([false, true]);
    expect((await received('/refused-once')).map((request) => request.headers.authorization)).toEqual([
      'Bearer tok-stale',
      'Bearer tok-fresh',
    ]);
  });

  registry.test('basic: UTF-8 username and password arrive as RFC 7617 base64 of their UTF-8 bytes', async () => {
    const username = 'ålice';
    const password = 'pä:ss wörd 🔑';
    const echoed = (await createClient({ baseUrl: `${url}/`, auth: sturdy.basic({ username, password }) })
      .get('auth-echo')
      .json()) as Echo;
    const header = echoed.headers.authorization ?? '';
    expect(header).toMatch(/^Basic [A-Za-z0-9+/]+=*$/);
    const bytes = Uint8Array.from(atob(header.slice('Basic '.length)), (char) => char.charCodeAt(0));
    expect(new TextDecoder().decode(bytes)).toBe(`${username}:${password}`);
  });

  registry.test('apiKey in the query: the server gets the key, errors and events show [REDACTED]', async () => {
    const key = 'k3y-Q-secret';
    const events: unknown[] = [];
    const keyed = createClient({
      baseUrl: `${url}/`,
      auth: sturdy.apiKey({ key, query: 'api_key' }),
      retry: false,
      onEvent: (event) => events.push(event),
    });
    const echoed = (await keyed.get('auth-echo').json()) as Echo;
    expect(echoed.url).toContain(`api_key=${key}`);
    const error = await rejection(keyed.get('missing'));
    expect(error).toSatisfy(sturdy.isHTTPError);
    for (const text of [(error as Error).message, JSON.stringify(error), JSON.stringify(events)])
      expect(text).notToContain(key);
  });

  registry.test(
    'clientCredentials: one token request (form body, Basic client auth) shared by concurrent calls',
    async () => {
      const auth = sturdy.clientCredentials({
        tokenUrl: `${url}/oauth/token`,
        clientId: 'shop',
        clientSecret: 's3cr3t +/é&=',
        scope: ['orders:read'],
      });
      const api2 = createClient({ baseUrl: `${url}/`, auth });
      const echoes = (await Promise.all([1, 2, 3].map(() => api2.get('auth-echo').json()))) as Echo[];
      expect(echoes.map((echo) => echo.headers.authorization)).toEqual([
        'Bearer at-orders:read',
        'Bearer at-orders:read',
        'Bearer at-orders:read',
      ]);
      const [token, ...more] = await received('/oauth/token');
      expect(more.length).toBe(0);
      expect(token?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
      expect(new URLSearchParams(token?.body).get('grant_type')).toBe('client_credentials');
    },
  );

  registry.test(
    'clientCredentials: a refused client is AuthError with the OAuth error, and no trace of the secret',
    async () => {
      const secret = 'wr0ng-s3cret';
      const auth = sturdy.clientCredentials({ tokenUrl: `${url}/oauth/token`, clientId: 'shop', clientSecret: secret });
      const error = await rejection(createClient({ baseUrl: `${url}/`, auth }).get('auth-echo'));
      expect(error).toSatisfy(sturdy.isAuthError);
      expect((error as { error?: string }).error).toBe('invalid_client');
      for (const text of [(error as Error).message, String(error), JSON.stringify(error)])
        expect(text).notToContain(secret);
    },
  );

  registry.test(
    'clientCredentials: a token endpoint that redirects is refused; the secret goes nowhere else',
    async () => {
      const auth = sturdy.clientCredentials({
        tokenUrl: `${url}/oauth/moved`,
        clientId: 'shop',
        clientSecret: 'm0ved-s3cret',
      });
      const error = await rejection(createClient({ baseUrl: `${url}/`, auth }).get('auth-echo'));
      expect(error).toSatisfy(sturdy.isAuthError);
      expect((await received('/oauth/moved')).length).toBe(1);
      const landed = (await (await fetch(`${await otherOrigin()}/__landed`)).json()) as { count: number };
      expect(landed.count).toBe(0);
    },
  );

  registry.test(
    'credentials over plain http to a non-loopback host are refused with AuthError before any request',
    async () => {
      let fetched = 0;
      const insecure = createClient({
        baseUrl: 'http://api.example.test/',
        auth: sturdy.bearer('tok-x'),
        fetch: async () => (fetched++, new Response('{}')),
      });
      const error = await rejection(insecure.get('orders'));
      expect(error).toSatisfy(sturdy.isAuthError);
      expect((error as Error).message).notToContain('tok-x');
      expect(fetched).toBe(0);
    },
  );

  guarded(
    'a 307 to another origin is followed with method and body, without the Authorization header',
    'manualRedirects',
    async () => {
      const authed = createClient({ baseUrl: `${url}/`, auth: sturdy.bearer('tok-R3DIRECT') });
      const echoed = (await authed.post('redirect-away', { json: { n: 1 } }).json()) as Echo;
      expect(echoed.url).toBe('/landing');
      expect(echoed.method).toBe('POST');
      expect(echoed.body).toEqual({ n: 1 });
      expect(echoed.headers.authorization).toBe(undefined);
      const [first] = await received('/redirect-away');
      expect(first?.headers.authorization).toBe('Bearer tok-R3DIRECT');
    },
  );

  guarded(
    'a redirect loop ends after 20 redirects with RedirectError (it never hangs)',
    'manualRedirects',
    async () => {
      const authed = createClient({ baseUrl: `${url}/`, auth: sturdy.bearer('tok-loop') });
      const error = await rejection(authed.get('loop'));
      expect(error).toSatisfy(sturdy.isRedirectError);
      expect((await received('/loop')).length).toBe(21);
    },
  );
}
