/**
 * sturdy/testing: msw handlers for the faults a production API client meets
 * (flaky, rate-limited, slow, stalled bodies, expiring OAuth tokens) and a
 * request recorder. Needs msw (an optional peer of sturdy) in your tests.
 * @example
 * import { setupServer } from 'msw/node';
 * import { flaky, recordRequests } from 'sturdy/testing';
 * const server = setupServer(flaky('https://api.test/orders', { failures: 2 }, { id: 'ord_1' }));
 * server.listen({ onUnhandledFrame: 'error' });
 * const recorder = recordRequests(server);
 */
export {
  defineScenario,
  type Reply,
  type ReplyInfo,
  type ScenarioHandler,
  type ScenarioMethod,
  type ScenarioOptions,
} from './scenario.ts';
export {
  flaky,
  rateLimited,
  slow,
  stalledBody,
  type FlakyOptions,
  type RateLimitedOptions,
  type SlowOptions,
  type StalledBodyOptions,
} from './faults.ts';
export {
  oauthTokenEndpoint,
  expiredToken,
  bearerToken,
  type TokenEndpointOptions,
  type TokenEndpointHandler,
  type IssuedToken,
  type ExpiredTokenOptions,
} from './oauth.ts';
export { recordRequests, type RecordedRequest, type RecordableNetwork } from './recorder.ts';
export { pagedCollection, type PagedCollectionOptions } from './paged.ts';
export {
  eventStream,
  formatEvent,
  type EventStreamHandler,
  type EventStreamScenarioOptions,
  type ScriptedEvent,
} from './event-stream.ts';
