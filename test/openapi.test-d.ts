// Type tests: checked by `npm run typecheck` (tsc over test/), never run by vitest. The `paths` types are
// openapi-typescript's output for our own 3.1 document and for published 3.0 / 3.1 examples (npm run openapi:types).
import * as v from 'valibot';
import { expectTypeOf } from 'vitest';
import { createClient, type HTTPError } from '../src/index.ts';
import {
  openapi,
  queryOptions,
  type OpenApiData,
  type OpenApiInit,
  type OpenApiResult,
  type PathsWithMethod,
} from '../src/openapi/index.ts';
import type { paths as ExpandedPaths, components as Expanded } from './openapi/generated/petstore-expanded-3.0.d.ts';
import type { paths as Petstore30, components as Pets30 } from './openapi/generated/petstore-3.0.d.ts';
import type { paths as Petstore31, components as Pets31 } from './openapi/generated/petstore-3.1.d.ts';
import type { paths as StylePaths } from './openapi/generated/parameters-style-3.0.d.ts';
import type { components, operations, paths } from './openapi/generated/shop.d.ts';

const api = createClient({ baseUrl: 'https://shop.example.com/api/' });
const shop = openapi<paths>(api);
type Schemas = components['schemas'];
type Item = Schemas['Item'];

// Paths are checked against the document, per method.
expectTypeOf<PathsWithMethod<paths, 'delete'>>().toEqualTypeOf<'/items/{id}'>();
expectTypeOf<PathsWithMethod<paths, 'post'>>().toEqualTypeOf<'/items' | '/items/{id}/photo' | '/login'>();
// @ts-expect-error a path the document does not have
shop.GET('/itemz');
// @ts-expect-error '/items/{id}' has no POST
shop.POST('/items/{id}', { params: { path: { id: 1 } } });
// @ts-expect-error a concrete URL is not a path template
shop.GET('/items/1', { params: { path: { id: 1 }, header: { 'X-Request-Id': 'r' } } });

// Narrowing by status: each declared status gives its body; `4XX` covers the other 4xx; statuses the document
// does not cover are `unknown`; `status: undefined` is an Error (no response, or one not readable as declared).
const got = await shop.GET('/items/{id}', { params: { path: { id: 1 }, header: { 'X-Request-Id': 'r1' } } });
if (got.ok) {
  expectTypeOf(got.status).toEqualTypeOf<200>();
  expectTypeOf(got.data).toEqualTypeOf<Item>();
  expectTypeOf(got.response).toEqualTypeOf<Response>();
} else if (got.status === 404) {
  expectTypeOf(got.error).toEqualTypeOf<Schemas['NotFound']>();
  expectTypeOf(got.error.code).toEqualTypeOf<'not_found'>();
} else if (got.status === 401 || got.status === 499) {
  expectTypeOf(got.error).toEqualTypeOf<Schemas['Error']>();
} else if (got.status === 503 || got.status === 302) {
  expectTypeOf(got.error).toEqualTypeOf<unknown>();
} else if (got.status === undefined) {
  expectTypeOf(got.error).toEqualTypeOf<Error>();
  expectTypeOf(got.response).toEqualTypeOf<Response | undefined>();
} else {
  // Every status is covered above: nothing is left.
  expectTypeOf(got.status).exclude<number>().toEqualTypeOf<never>();
}
// @ts-expect-error a 404's body is NotFound, not Item
if (got.status === 404) got.error.price;

// `default` covers the statuses not declared (here 400 is declared with application/problem+json).
const listed = await shop.GET('/items', { params: { query: { page: 1 } } });
if (listed.status === 200) expectTypeOf(listed.data).toEqualTypeOf<Item[]>();
if (listed.status === 400) expectTypeOf(listed.error).toEqualTypeOf<Schemas['Problem']>();
if (listed.status === 404 || listed.status === 500) expectTypeOf(listed.error).toEqualTypeOf<Schemas['Error']>();

// Required parameters are required; wrong ones are refused.
// @ts-expect-error `page` is a required query parameter
shop.GET('/items');
// @ts-expect-error `page` is a required query parameter
shop.GET('/items', { params: { query: { q: 'shoes' } } });
// @ts-expect-error `page` is a number
shop.GET('/items', { params: { query: { page: '1' } } });
// @ts-expect-error the X-Request-Id header parameter is required
shop.GET('/items/{id}', { params: { path: { id: 1 } } });
// @ts-expect-error the path parameter is missing
shop.GET('/items/{id}', { params: { header: { 'X-Request-Id': 'r1' } } });
// @ts-expect-error `id` is an integer in the document
shop.DELETE('/items/{id}', { params: { path: { id: 'one' } } });
// @ts-expect-error a query parameter the operation does not have
shop.GET('/items', { params: { query: { page: 1, sort: 'asc' } } });
shop.GET('/items', {
  params: { query: { page: 2, tag: ['a', 'b'], filter: { state: 'open' }, point: { x: 1, y: 2 } } },
  querySerializer: { array: { style: 'pipeDelimited', explode: false }, object: { style: 'form', explode: false } },
  timeout: 5_000,
  retry: 2,
});

// Bodies: typed by the JSON media type, required when the document requires them.
const created = await shop.POST('/items', { body: { name: 'Lamp', price: 12.5 } });
if (created.ok) expectTypeOf(created.data).toEqualTypeOf<Item>();
if (created.status === 409) expectTypeOf(created.error.existingId).toEqualTypeOf<number>();
if (created.status === 502) expectTypeOf(created.error).toEqualTypeOf<Schemas['Error']>();
if (created.status === 404) expectTypeOf(created.error).toEqualTypeOf<unknown>();
// @ts-expect-error the body is required
shop.POST('/items');
// @ts-expect-error `price` is missing
shop.POST('/items', { body: { name: 'Lamp' } });
// @ts-expect-error `price` is a number
shop.POST('/items', { body: { name: 'Lamp', price: '12.50' } });
// @ts-expect-error `json` is what `body` becomes: the operation's body is `body`
shop.POST('/items', { body: { name: 'Lamp', price: 1 }, json: {} });
// An optional body may be left out; an operation without one takes none.
shop.PUT('/items/{id}', { params: { path: { id: 1 } } });
// @ts-expect-error DELETE /items/{id} has no request body
shop.DELETE('/items/{id}', { params: { path: { id: 1 } }, body: { name: 'x' } });
// `+json` media types are JSON.
shop.PATCH('/items/{id}', { params: { path: { id: 1 } }, body: { price: null } });
// @ts-expect-error the merge patch's price is a number or null
shop.PATCH('/items/{id}', { params: { path: { id: 1 } }, body: { price: 'free' } });
// Form and multipart bodies are typed from their media type; a bodySerializer sends them.
shop.POST('/items/{id}/photo', {
  params: { path: { id: 1 } },
  body: { caption: 'front' },
  bodySerializer: (body: { caption: string }) => {
    const form = new FormData();
    form.set('caption', body.caption);
    return form;
  },
});
// @ts-expect-error the form's password is required
shop.POST('/login', { body: { username: 'ada' } });

// 204, HEAD and OPTIONS: no content, no data; the init is optional where nothing is required.
const deleted = await shop.DELETE('/items/{id}', { params: { path: { id: 1 } } });
if (deleted.ok) {
  expectTypeOf(deleted.status).toEqualTypeOf<204>();
  expectTypeOf(deleted.data).toEqualTypeOf<undefined>();
}
const exists = await shop.HEAD('/items/{id}', { params: { path: { id: 1 } } });
if (exists.ok) expectTypeOf(exists.data).toEqualTypeOf<undefined>();
if (exists.status === 404) expectTypeOf(exists.error).toEqualTypeOf<undefined>();
const allowed = await shop.OPTIONS('/items');
if (allowed.ok) expectTypeOf(allowed.status).toEqualTypeOf<204>();

// A non-JSON media type is read with parseAs; vendor +json types are JSON.
const label = await shop.GET('/items/{id}/label', { params: { path: { id: 1 } }, parseAs: 'text' });
if (label.ok) expectTypeOf(label.data).toEqualTypeOf<string>();
const file = await shop.GET('/files/{name}.{ext}', { params: { path: { name: 'report', ext: 'csv' } } });
if (file.ok) expectTypeOf(file.data).toEqualTypeOf<{ name: string }>();
const stream = await shop.GET('/items/{id}/label', { params: { path: { id: 1 } }, parseAs: 'stream' });
if (stream.ok) expectTypeOf(stream.data).toEqualTypeOf<ReadableStream<Uint8Array>>();
// @ts-expect-error not a way to read a body
shop.GET('/items/{id}/label', { params: { path: { id: 1 } }, parseAs: 'xml' });

// The throwing form resolves to the 2xx body.
expectTypeOf(
  shop.GET('/items/{id}', { params: { path: { id: 1 }, header: { 'X-Request-Id': 'r' } } }).data(),
).resolves.toEqualTypeOf<Item>();
expectTypeOf(shop.DELETE('/items/{id}', { params: { path: { id: 1 } } }).data()).resolves.toEqualTypeOf<undefined>();
expectTypeOf<OpenApiData<operations['createItem']>>().toEqualTypeOf<Item>();
expectTypeOf<OpenApiInit<operations['deleteItem']>['params']>().toEqualTypeOf<{ path: { id: number } }>();
// Every member of a result is either ok with data or not ok with an error.
expectTypeOf<Extract<OpenApiResult<operations['getItem']>, { ok: false }>['error']>().toEqualTypeOf<unknown>();

// Call options are the client's (auth, retry, signal, headers...), minus those the operation sets.
shop.GET('/items', {
  params: { query: { page: 1 } },
  auth: false,
  signal: AbortSignal.timeout(1000),
  headers: { 'x-a': '1' },
});
// @ts-expect-error throwHttpErrors is fixed: statuses are results
shop.GET('/items', { params: { query: { page: 1 } }, throwHttpErrors: false });
// @ts-expect-error the query is `params.query`
shop.GET('/items', { params: { query: { page: 1 } }, searchParams: { page: 2 } });

// queryOptions: key of plain values, data from the 2xx body, a 204 as null.
const itemQuery = queryOptions(shop, 'GET', '/items/{id}', {
  params: { path: { id: 1 }, header: { 'X-Request-Id': 'r' } },
});
expectTypeOf(itemQuery.queryKey[0]).toEqualTypeOf<'GET'>();
expectTypeOf(itemQuery.queryKey[1]).toEqualTypeOf<'/items/{id}'>();
expectTypeOf(itemQuery.queryFn).returns.resolves.toEqualTypeOf<Item>();
const deleteQuery = queryOptions(shop, 'DELETE', '/items/{id}', { params: { path: { id: 1 } } });
expectTypeOf(deleteQuery.queryFn).returns.resolves.toEqualTypeOf<null>();
// @ts-expect-error '/items' has no DELETE
queryOptions(shop, 'DELETE', '/items');
// @ts-expect-error the X-Request-Id header parameter is required
queryOptions(shop, 'GET', '/items/{id}', { params: { path: { id: 1 } } });
// @ts-expect-error methods are upper case, as in openapi-fetch
queryOptions(shop, 'get', '/items', { params: { query: { page: 1 } } });

// Response schemas: keyed as the document keys responses; their output must fit the documented body.
const ItemSchema = v.object({
  id: v.number(),
  name: v.string(),
  price: v.number(),
  tags: v.exactOptional(v.array(v.string())),
  note: v.exactOptional(v.nullable(v.string())),
});
const NotFoundSchema = v.object({ code: v.literal('not_found'), message: v.string() });
openapi<paths>(api, { validate: { '/items/{id}': { get: { 200: ItemSchema, 404: NotFoundSchema, '4XX': v.any() } } } });
// @ts-expect-error the schema's output (a string id) does not fit the documented Item
openapi<paths>(api, { validate: { '/items/{id}': { get: { 200: v.object({ id: v.string() }) } } } });
// @ts-expect-error GET /items/{id} declares no 201
openapi<paths>(api, { validate: { '/items/{id}': { get: { 201: ItemSchema } } } });
// @ts-expect-error '/items/{id}' has no POST
openapi<paths>(api, { validate: { '/items/{id}': { post: { 200: ItemSchema } } } });

// Published examples: the Swagger petstore (3.0 and 3.1), petstore-expanded (3.0), parameter styles (3.0).
const pets30 = openapi<Petstore30>(api);
const pet = await pets30.GET('/pet/{petId}', { params: { path: { petId: 1 } } });
if (pet.ok) expectTypeOf(pet.data).toEqualTypeOf<Pets30['schemas']['Pet']>();
if (pet.status === 404) expectTypeOf(pet.error).toEqualTypeOf<undefined>();
const byStatus = await pets30.GET('/pet/findByStatus', { params: { query: { status: ['available'] } } });
if (byStatus.ok) expectTypeOf(byStatus.data).toEqualTypeOf<Pets30['schemas']['Pet'][]>();
// An operation that declares no success (only 405): a 2xx may still come (fetch follows a redirect), as `unknown`.
const updated = await pets30.POST('/pet/{petId}', { params: { path: { petId: 1 } }, body: { name: 'Rex' } });
if (updated.ok) expectTypeOf(updated.data).toEqualTypeOf<unknown>();
if (updated.status === 405) expectTypeOf(updated.error).toEqualTypeOf<undefined>();
// @ts-expect-error petId is an integer
pets30.DELETE('/pet/{petId}', { params: { path: { petId: '1' } } });
pets30.DELETE('/pet/{petId}', { params: { path: { petId: 1 }, header: { api_key: 'k' } } });

const pets31 = openapi<Petstore31>(api);
const found = await pets31.GET('/pet/findByStatus', { params: { query: { status: ['available', 'sold'] } } });
if (found.ok) expectTypeOf(found.data).toEqualTypeOf<Pets31['schemas']['Pet'][]>();
// @ts-expect-error a status the enum does not have
pets31.GET('/pet/findByStatus', { params: { query: { status: ['lost'] } } });
const user = await pets31.GET('/user/{username}', { params: { path: { username: 'ada' } } });
if (user.ok) expectTypeOf(user.data).toEqualTypeOf<Pets31['schemas']['User']>();

const expanded = openapi<ExpandedPaths>(api);
const pets = await expanded.GET('/pets', { params: { query: { tags: ['a'], limit: 10 } } });
if (pets.ok) expectTypeOf(pets.data).toEqualTypeOf<Expanded['schemas']['Pet'][]>();
// `default` is every status not declared; here that is every error.
else if (pets.status !== undefined) expectTypeOf(pets.error).toEqualTypeOf<Expanded['schemas']['Error']>();
expectTypeOf(expanded.GET('/pets').data()).resolves.toEqualTypeOf<Expanded['schemas']['Pet'][]>();

const styles = openapi<StylePaths>(api);
styles.GET('/anything/path/{primitive}/{array}/{object}', {
  params: { path: { primitive: 'p', array: ['a', 'b'], object: { name: 'n' } } },
});

// Errors stay the client's: the throwing form rejects with HTTPError for statuses.
expectTypeOf<HTTPError>().toHaveProperty('data');
