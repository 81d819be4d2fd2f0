// Type tests: checked by `npm run typecheck` (tsc over test/), never run by vitest (it runs *.test.ts).
import { expectTypeOf } from 'vitest';
import {
  apiKey,
  basic,
  bearer,
  clientCredentials,
  createClient,
  type AuthStrategy,
  type BearerProvider,
} from '../src/index.ts';

// Every strategy is an AuthStrategy, accepted by the client and per call.
expectTypeOf(bearer('t')).toEqualTypeOf<AuthStrategy>();
const api = createClient({ baseUrl: 'https://api.example.com/', auth: apiKey({ key: 'k' }) });
api.get('x', { auth: false });
api.get('x', { auth: basic({ username: 'u', password: 'p' }) });

// Providers: sync or async, a string or { token, expiresIn? }; called with { refresh }.
bearer(() => 'token');
bearer(async ({ refresh }) => (refresh ? 'new' : 'old'));
bearer(async () => ({ token: 't', expiresIn: 3600 }));
bearer(() => ({ token: 't' }), { origins: ['https://files.example.com'], allowInsecure: false });
expectTypeOf<Parameters<BearerProvider>[0]>().toEqualTypeOf<{ refresh: boolean }>();
// @ts-expect-error a provider must give a token
bearer(() => 42);
// @ts-expect-error expiresIn is seconds as a number
bearer(() => ({ token: 't', expiresIn: '3600' }));

// apiKey: a header or a query parameter, not both.
apiKey({ key: 'k', header: 'X-Token' });
apiKey({ key: 'k', query: 'api_key' });
// @ts-expect-error header and query together
apiKey({ key: 'k', header: 'X-Token', query: 'api_key' });

// clientCredentials: the method is 'basic' or 'body'; scope a string or a list.
clientCredentials({
  tokenUrl: 'https://a.example.com/token',
  clientId: 'id',
  clientSecret: 's',
  scope: ['a', 'b'],
  audience: 'api',
  method: 'body',
});
clientCredentials({
  tokenUrl: new URL('https://a.example.com/token'),
  clientId: 'id',
  clientSecret: 's',
  scope: 'a b',
});
// @ts-expect-error unknown client authentication method
clientCredentials({ tokenUrl: 'https://a.example.com/token', clientId: 'id', clientSecret: 's', method: 'jwt' });
// @ts-expect-error the secret is required
clientCredentials({ tokenUrl: 'https://a.example.com/token', clientId: 'id' });
