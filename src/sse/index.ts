/**
 * sturdy/sse: Server-Sent Events over a sturdy client, typed, validated and resumable.
 * Each connection is one client call (auth, scoping, retries, redaction, events and `use`
 * middleware apply); this module reads the stream, reconnects and builds the events.
 * @example
 * import { eventStream } from 'sturdy/sse';
 * for await (const event of eventStream(api, 'feed')) console.log(event.id, event.data);
 */
import type { Call } from '../core/call.ts';
import type { SturdyClient } from '../core/client.ts';
import type { CallInfo, Middleware } from '../core/middleware.ts';
import { defaultRedactor, type Redactor } from '../core/redact.ts';
import { callOf, redactorOf } from '../core/response.ts';
import { backoff, normalizeRetry } from '../core/retry.ts';
import type { InferOutput, StandardSchemaV1 } from '../core/schema.ts';
import { EVENT_STREAM, firstText, isEventStream, mayReconnect, noop, plainHeaders } from './connection.ts';
import { badJson, endedTooOften, notAnEventStream, tooLarge, validateEvent, type ErrorScope } from './errors.ts';
import { streamSettings, type EventStreamOptions } from './options.ts';
import { createEventParser, lastEventIdHeader, utf8Length, type RawEvent } from './parse.ts';
import type { EventStream, ServerSentEvent } from './types.ts';
import { sleep } from '../shared/clock.ts';
import { guardedReader, startDeadline, timeoutError } from '../core/timeouts.ts';

export { STREAM_DEFAULTS, type EventStreamOptions, type ReconnectOptions } from './options.ts';
export type { EventErrorFields } from './errors.ts';
export type { EventStream, ServerSentEvent } from './types.ts';

const DONE: IteratorReturnResult<void> = { done: true, value: undefined };
/** What the reading generator yields per chunk: events, and the ids of blocks that only set an id. */
type Entry = ServerSentEvent | string;

/**
 * Reads a Server-Sent Events stream: `accept: text/event-stream`, each event's data parsed as JSON
 * (or kept as text) and validated by `schema`, `[DONE]` ending it. GET streams reconnect after a drop
 * or the end of the body, sending Last-Event-ID and waiting the server's `retry` (else the retry
 * backoff). A 4xx/5xx is the client's HTTPError (after its retries); a 204 ends the stream for good.
 * The request is sent when iteration starts.
 * @example
 * const stream = eventStream(api, 'chat/completions', { method: 'POST', json: { model, messages, stream: true }, schema: Chunk });
 * for await (const { data } of stream) process.stdout.write(data.choices[0]?.delta.content ?? '');
 */
export function eventStream<S extends StandardSchemaV1>(
  api: Pick<SturdyClient, 'request'>,
  input: string | URL,
  options: EventStreamOptions<S> & { schema: S },
): EventStream<InferOutput<S>>;
export function eventStream(
  api: Pick<SturdyClient, 'request'>,
  input: string | URL,
  options: EventStreamOptions<undefined> & { parse: 'text' },
): EventStream<string>;
export function eventStream<T = unknown>(
  api: Pick<SturdyClient, 'request'>,
  input: string | URL,
  options?: EventStreamOptions<undefined>,
): EventStream<T>;
export function eventStream(
  api: Pick<SturdyClient, 'request'>,
  input: string | URL,
  options: EventStreamOptions = {},
): EventStream {
  if (typeof api?.request !== 'function')
    throw new TypeError('sturdy/sse: eventStream(api, input, options) needs a client from createClient() as `api`');
  const settings = streamSettings(options);
  const {
    parse: _parse,
    done: _done,
    schema: _schema,
    reconnect: _reconnect,
    maxEventBytes: _max,
    lastEventId: _id,
    ...call
  } = options;
  const controller = new AbortController();
  const userSignal = options.signal ?? undefined;
  const signal = userSignal ? AbortSignal.any([userSignal, controller.signal]) : controller.signal;
  const retry = normalizeRetry(options.retry, (api as Partial<SturdyClient>).options?.retry);
  const headers = plainHeaders(options.headers);
  const setsAccept = Object.keys(headers).some((name) => name.toLowerCase() === 'accept');
  /** The id sent on the next connection: the last one parsed (every parsed event was handed out before a reconnect). */
  let resumeId = settings.lastEventId;
  /** The id of the last event handed out, for `stream.lastEventId`. */
  let lastEventId = resumeId;
  let closed = false;
  /** What the last connection's request looked like from inside the client (its CallInfo, its URL). */
  let seen: { call: CallInfo | undefined; url: string } = { call: undefined, url: String(input) };
  /** The call's redactor (the client's rules and its credentials): every error and event is worded with it. */
  let redact: Redactor = defaultRedactor;
  /** The last connection's call, whose `idleTimeout` (this stream's) and deadline bound each read of its body. */
  let current: Call | undefined;
  const capture: Middleware = (request, next, info) => {
    seen = { call: info, url: request.url };
    return next(request);
  };
  const describe = () => `${settings.method} ${redact.url(seen.url)}`;

  const open = (deadline: { remaining(): number }): Promise<Response> => {
    const remaining = deadline.remaining();
    const promise = api.request(input, {
      ...call,
      method: settings.method,
      headers: {
        ...headers,
        ...(setsAccept ? {} : { accept: EVENT_STREAM }),
        'last-event-id': lastEventIdHeader(resumeId),
      },
      signal,
      // The client's totalTimeout is for request/response calls: a stream is bounded by its own.
      totalTimeout: remaining === Infinity ? false : Math.max(1, Math.ceil(remaining)),
      idleTimeout: settings.idleTimeout,
      throwHttpErrors: true,
      use: [...(options.use ?? []), capture],
    });
    redact = redactorOf(promise) ?? redact;
    current = callOf(promise);
    return promise;
  };

  async function* run(): AsyncGenerator<Entry[], void, undefined> {
    const parser = createEventParser(settings.maxEventBytes);
    const deadline = startDeadline(settings.totalTimeout);
    const totalTimeout = () => timeoutError(settings.method, redact.url(seen.url), 'total', settings);
    let index = 0;
    let failures = 0;
    for (let connection = 1; ; connection++) {
      let failure: unknown;
      let fromBody = false;
      let response: Response | undefined;
      try {
        response = await open(deadline);
      } catch (error) {
        failure = error;
      }
      if (response?.status === 204) return void response.body?.cancel().catch(noop);
      if (response) {
        const scope: ErrorScope = {
          redact,
          request: describe(),
          status: response.status,
          contentType: response.headers.get('content-type'),
        };
        const reader = response.body && guardedReader(response.body, current);
        if (!isEventStream(scope.contentType)) throw report(notAnEventStream(scope, await firstText(reader)));
        const decoder = new TextDecoder();
        parser.reset();
        let finished = !reader;
        try {
          while (!finished) {
            let chunk: ReadableStreamReadResult<Uint8Array>;
            try {
              chunk = await reader!.read();
            } catch (error) {
              failure = error;
              fromBody = true;
              break;
            }
            if (chunk.done) break;
            const blocks = parser.feed(decoder.decode(chunk.value, { stream: true }));
            // A chunk's events go out as one batch (the iterator hands them out one by one without a generator step each).
            const batch: Entry[] = [];
            let ended = false;
            let error: unknown;
            for (const block of blocks) {
              if (typeof block === 'string') {
                batch.push((resumeId = block));
                continue;
              }
              if ((ended = settings.done(block.data))) break;
              try {
                let event = toEvent(scope, block, index);
                if (event instanceof Promise) event = await event;
                batch.push(event);
              } catch (failed) {
                error = failed;
                break;
              }
              if (block.id !== undefined) resumeId = block.id;
              index += 1;
              failures = 0;
            }
            if (parser.overflowed && error === undefined && !ended)
              error = report(tooLarge(scope, index, undefined, settings.maxEventBytes));
            if (batch.length > 0) yield batch;
            if (error !== undefined) throw error;
            if (ended) return;
          }
          finished = true;
        } finally {
          if (!finished) await reader!.cancel().catch(noop);
        }
      }
      if (closed) return;
      if (userSignal?.aborted) throw userSignal.reason;
      if ((failure as { timeout?: string } | null)?.timeout === 'total') throw report(totalTimeout());
      if (failure !== undefined && (settings.reconnectLimit < 0 || !mayReconnect(failure, fromBody)))
        throw fromBody ? report(failure) : failure;
      if (settings.reconnectLimit < 0) return;
      failures += 1;
      if (failures > settings.reconnectLimit) {
        throw report(failure ?? endedTooOften(redact, settings.method, seen.url, failures, settings.reconnectLimit));
      }
      const delayMs = parser.retryMs ?? backoff(failures, retry);
      if (delayMs >= deadline.remaining()) throw report(totalTimeout());
      seen.call?.emit({ type: 'retry', reason: 'reconnect', delayMs: Math.round(delayMs), attempt: connection + 1 });
      await sleep(delayMs, signal);
    }
  }

  /** The event as handed out: data parsed unless `parse: 'text'`, then validated. */
  const toEvent = (scope: ErrorScope, event: RawEvent, index: number): ServerSentEvent | Promise<ServerSentEvent> => {
    const text = event.data;
    // Only an event that could exceed the limit in bytes is measured.
    if (text.length * 3 > settings.maxEventBytes && utf8Length(text) > settings.maxEventBytes)
      throw report(tooLarge(scope, index, event.id, settings.maxEventBytes));
    const result = event as ServerSentEvent;
    if (settings.parse === 'json') {
      try {
        result.data = JSON.parse(text);
      } catch {
        throw report(badJson(scope, index, event.id, text));
      }
    }
    if (!settings.schema) return result;
    return validateEvent(scope, settings.schema, result.data, index, event.id).then(
      (valid) => ((result.data = valid), result),
      (error: unknown) => Promise.reject(report(error)),
    );
  };

  /** Errors made here (not by the client's call) reach onEvent as `error` events too. */
  const report = (error: unknown): unknown => {
    if (!closed)
      seen.call?.emit({
        type: 'error',
        reason: error instanceof Error ? `${error.name}: ${redact.text(error.message)}` : 'error',
      });
    return error;
  };

  const events = run();
  let batch: readonly Entry[] = [];
  let position = 0;
  let pulling: Promise<IteratorResult<ServerSentEvent, void>> | undefined;
  const finish = (error: unknown): IteratorResult<ServerSentEvent, void> => {
    // Closing aborts whatever was pending: that is the end of the stream, not a failure.
    if (closed) return DONE;
    controller.abort();
    throw error;
  };
  const next = (): Promise<IteratorResult<ServerSentEvent, void>> => {
    if (closed) return Promise.resolve(DONE);
    if (pulling) return pulling.then(next);
    while (position < batch.length) {
      const entry = batch[position++]!;
      if (typeof entry === 'string') {
        lastEventId = entry;
        continue;
      }
      if (entry.id !== undefined) lastEventId = entry.id;
      return Promise.resolve({ done: false, value: entry });
    }
    pulling = events.next().then(
      (result) => {
        pulling = undefined;
        if (result.done) return DONE;
        batch = result.value;
        position = 0;
        return next();
      },
      (error: unknown) => {
        pulling = undefined;
        return finish(error);
      },
    );
    return pulling;
  };
  const close = () => {
    if (closed) return;
    closed = true;
    batch = [];
    controller.abort();
    void events.return().catch(noop);
  };
  const stream: EventStream = {
    next,
    return: async () => {
      close();
      return DONE;
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
    get lastEventId() {
      return lastEventId;
    },
    close,
  };
  return stream;
}
