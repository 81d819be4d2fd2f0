/**
 * Options that carry or guard credentials are checked before any request: allowInsecure is a
 * boolean, baseUrl holds no user name or password, and a TypeError never echoes a value that may
 * be a credential.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { bearer, createClient } from '../src/index.ts';
import { elapsed, modes, startServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  await server.close();
});

describe('allowInsecure is a boolean', () => {
  test.each(['false', 'true', 0, 1, null])(
    'allowInsecure: %j is a TypeError naming the option, before any request',
    async (value) => {
      server.route('/x', modes.echo());
      expect(() => createClient({ baseUrl: server.url, auth: bearer('t'), allowInsecure: value as never })).toThrow(
        /option `allowInsecure` must be true or false/,
      );
      const client = createClient({ baseUrl: server.url, auth: bearer('t') });
      const { error } = await elapsed(() => client.get('x', { allowInsecure: value as never }));
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(/allowInsecure/);
      expect(() => client.extend({ allowInsecure: value as never })).toThrow(TypeError);
      expect(server.requests).toHaveLength(0);
    },
  );

  test('a token to plain http off loopback is refused unless allowInsecure is true (the boolean still works)', async () => {
    const sent: string[] = [];
    const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      sent.push(`${request.url} ${request.headers.get('authorization')}`);
      return Response.json({ ok: true });
    };
    const refused = createClient({ baseUrl: 'http://server.internal/', auth: bearer('plain-token'), fetch });
    await expect(refused.get('x')).rejects.toMatchObject({ name: 'AuthError' });
    expect(sent).toEqual([]);
    const allowed = createClient({
      baseUrl: 'http://server.internal/',
      auth: bearer('plain-token'),
      allowInsecure: true,
      fetch,
    });
    await allowed.get('x');
    expect(sent).toEqual(['http://server.internal/x Bearer plain-token']);
  });
});

describe('a user name or password in baseUrl', () => {
  test('is refused at createClient, extend and per call, naming baseUrl and never echoing the password', async () => {
    server.route('/x', modes.echo());
    const withUser = `http://admin:hunter2-secret@127.0.0.1:${server.port}/`;
    const check = (error: unknown) => {
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(
        /option `baseUrl` must be an absolute URL without user:password@; got string \(not shown\)$/,
      );
      expect((error as Error).message).not.toContain('hunter2-secret');
      expect(String(error)).not.toContain('hunter2-secret');
    };
    let thrown: unknown;
    try {
      createClient({ baseUrl: withUser });
    } catch (error) {
      thrown = error;
    }
    check(thrown);
    const client = createClient({ baseUrl: server.url });
    thrown = undefined;
    try {
      client.extend({ baseUrl: withUser });
    } catch (error) {
      thrown = error;
    }
    check(thrown);
    check((await elapsed(() => client.get('x', { baseUrl: withUser }))).error);
    // A user name alone counts too.
    expect(() => createClient({ baseUrl: `http://admin@127.0.0.1:${server.port}/` })).toThrow(/baseUrl/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('an option that may hold a credential is never echoed in its TypeError', () => {
  test.each([
    ['auth', { auth: 'sk-live-4f9a8b7c6d5e' }],
    ['headers', { headers: 'Authorization: Bearer sk-live-4f9a8b7c6d5e' }],
    ['baseUrl', { baseUrl: 'https//api.example.com/?key=sk-live-4f9a8b7c6d5e' }],
    [
      'credentialOrigins',
      { baseUrl: 'https://api.example.com/', credentialOrigins: ['uploads:sk-live-4f9a8b7c6d5e@example.com'] },
    ],
    [
      'auth.origins',
      {
        baseUrl: 'https://api.example.com/',
        auth: bearer('t', { origins: ['files:sk-live-4f9a8b7c6d5e@example.com'] }),
      },
    ],
  ])('%s', (option, options) => {
    let error: unknown;
    try {
      createClient(options as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(`option \`${option}\``);
    expect((error as Error).message).toMatch(/got string \(not shown\)/);
    expect((error as Error).message).not.toContain('sk-live-4f9a8b7c6d5e');
  });
});
