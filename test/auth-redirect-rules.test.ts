/**
 * redirect.ts on its own, with a scripted `send`: the cases a loopback server
 * cannot show (https -> http downgrade, odd Locations, an in-scope plain-http hop).
 */
import { expect, test } from 'vitest';
import { AuthError } from '../src/index.ts';
import { assertSecureTransport } from '../src/auth/scope.ts';
import { followRedirects, RedirectError, type Hop, type SendHop } from '../src/auth/redirect.ts';

const ORIGINS = new Set(['https://api.example.com', 'https://files.example.com', 'http://lan.example.com']);
/** What the policy tells the follower: which origins keep the credential, its names, the body again, URLs shown. */
const keeps = (url: URL) => {
  if (!ORIGINS.has(url.origin)) return false;
  assertSecureTransport(url, 'bearer', false);
  return true;
};
const names = { headers: ['x-api-key'], query: ['api_key'] };
const replay = () => () => '{"a":1}';

/** Answers each hop from `replies` (a [status, location] redirect or a status; 200 after the list) and records the hops. */
function script(...replies: Array<[number, string] | number>) {
  const hops: Hop[] = [];
  const send: SendHop = async (url, headers, body, method) => {
    hops.push({ url, method, headers, body });
    const reply = replies[hops.length - 1] ?? 200;
    return typeof reply === 'number'
      ? new Response('{}', { status: reply })
      : new Response(null, { status: reply[0], headers: { location: reply[1] } });
  };
  return { hops, send };
}

/** Sends `hop` and follows what it is answered. */
const follow = async (hop: Hop, send: SendHop) =>
  followRedirects(
    await send(hop.url, hop.headers, hop.body, hop.method),
    hop.url,
    hop.method,
    hop.headers,
    hop.body,
    send,
    keeps,
    names,
    replay,
    (url) => url.href,
  );

const first = (method = 'GET', body: string | null = null): Hop => ({
  url: new URL('https://api.example.com/v1/a?api_key=k1'),
  method,
  headers: new Headers({
    authorization: 'Bearer t1',
    'x-api-key': 'k1',
    cookie: 'c=1',
    'content-type': 'application/json',
    accept: 'application/json',
  }),
  body,
});

test('an https -> http downgrade on the same host leaves the credential origins: everything stripped', async () => {
  const { hops, send } = script([301, 'http://api.example.com/v1/b?api_key=k1&page=2']);
  await follow(first(), send);
  const last = hops[1]!;
  expect(last.url.href).toBe('http://api.example.com/v1/b?page=2');
  expect([...last.headers.keys()].sort()).toEqual(['accept', 'content-type']);
});

test('credentials stay across listed origins, and once gone never return, even if a Location re-adds the key', async () => {
  const { hops, send } = script(
    [302, 'https://files.example.com/x'],
    [302, 'https://cdn.example.net/y'],
    [302, 'https://api.example.com/z?api_key=k1'],
  );
  await follow(first(), send);
  expect(hops.map((hop) => hop.headers.get('authorization'))).toEqual(['Bearer t1', 'Bearer t1', null, null]);
  expect(hops[3]!.url.href).toBe('https://api.example.com/z');
  expect(hops[3]!.headers.get('x-api-key')).toBeNull();
});

test('303 keeps HEAD; 303 after PUT becomes GET without body headers; 308 re-sends the body', async () => {
  const head = script([303, '/h']);
  await follow(first('HEAD'), head.send);
  expect(head.hops[1]!.method).toBe('HEAD');
  const put = script([303, '/p']);
  await follow(first('PUT', '{"a":1}'), put.send);
  expect(put.hops[1]).toMatchObject({ method: 'GET', body: null });
  expect(put.hops[1]!.headers.get('content-type')).toBeNull();
  const keep = script([308, '/k']);
  await follow(first('PATCH', '{"a":1}'), keep.send);
  expect(keep.hops[1]).toMatchObject({ method: 'PATCH', body: '{"a":1}' });
  expect(keep.hops[1]!.headers.get('content-type')).toBe('application/json');
});

test('a redirect without Location, or a 304, is returned as it is', async () => {
  for (const status of [301, 304]) {
    const response = await follow(first(), async () => new Response(null, { status }));
    expect(response.status).toBe(status);
  }
});

test('non-http Locations are refused with a RedirectError saying only http(s) is followed', async () => {
  for (const location of ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/plain,x']) {
    const { send } = script([302, location]);
    const error = await follow(first(), send).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedirectError);
    expect((error as Error).message).toMatch(/^Location is not http\(s\) \(302 from GET/);
  }
});

test('a hop to a listed origin over plain http is an AuthError (the transport guard holds on every hop)', async () => {
  const { hops, send } = script([302, 'http://lan.example.com/x']);
  await expect(follow(first(), send)).rejects.toBeInstanceOf(AuthError);
  expect(hops).toHaveLength(1);
});
