/**
 * OpenTelemetry for sturdy (`sturdy/otel`): `tracing()` is `use` middleware that makes one CLIENT
 * span per attempt and records `http.client.request.duration`, per the stable HTTP client semantic
 * conventions. `@opentelemetry/api` is an optional peer; without a registered SDK it adds no work.
 */
import { now } from '../shared/clock.ts';
import { optionError } from '../shared/option-error.ts';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type {
  Attributes,
  Context,
  Histogram,
  MeterProvider,
  Span,
  SpanContext,
  Tracer,
  TracerProvider,
} from '@opentelemetry/api';
import type { CallInfo, Middleware, Next } from '../core/middleware.ts';
import { type Fault, faultReporter, instruments, messageOf } from './instruments.ts';
import { sendTraced, type Traced } from './redirects.ts';

/** Options of {@link tracing}. */
export type TracingOptions = {
  /**
   * Origins besides the credential origins (baseUrl, credentialOrigins, auth.origins) that receive
   * `traceparent` / `tracestate`. Other origins never do: no trace id leaks and no CORS preflight.
   * @default []
   * @example
   * tracing({ propagateTo: ['https://uploads.example.com'] });
   */
  propagateTo?: readonly string[];
  /**
   * Where spans come from.
   * @default the global provider (`trace.getTracerProvider()`), looked up per attempt so an SDK registered later counts
   * @example
   * tracing({ tracerProvider: new BasicTracerProvider({ spanProcessors: [processor] }) });
   */
  tracerProvider?: TracerProvider;
  /**
   * Where the duration histogram comes from.
   * @default the global provider (`metrics.getMeterProvider()`), looked up per attempt
   * @example
   * tracing({ meterProvider: new MeterProvider({ readers: [reader] }) });
   */
  meterProvider?: MeterProvider;
};

/** RFC 9110 methods, PATCH (RFC 5789) and QUERY: the conventions' known methods; others are `_OTHER`. */
const KNOWN_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'QUERY', 'CONNECT', 'TRACE'];
const OPTION_NAMES = ['propagateTo', 'tracerProvider', 'meterProvider'];

/** Per call: the first attempt's span (what resends link to) and how many spans were sent. */
type CallTrace = { first: SpanContext; sent: number };

/**
 * Tracing and metrics middleware: one CLIENT span per attempt (retries, the repeat after a 401
 * refresh and redirects sturdy follows itself each get theirs, linked to the call's first span,
 * with `http.request.resend_count`), and the `http.client.request.duration` histogram. A span ends
 * when the response headers arrive (or the attempt fails): reading the body is the caller's time.
 * `traceparent` / `tracestate` go (through the global propagator) only to credential origins and
 * `propagateTo`, through redirects too. With only the API's no-op providers the request passes through
 * untouched. Telemetry fails open: a throwing provider, span processor, propagator or meter never fails
 * or changes a call; each kind of failure is reported once, as an `error` event.
 * @example
 * import { tracing } from 'sturdy/otel';
 * const api = createClient({ baseUrl: 'https://api.example.com/v1/', use: [tracing({ propagateTo: ['https://uploads.example.com'] })] });
 */
/* @__NO_SIDE_EFFECTS__ */
export function tracing(options: TracingOptions = {}): Middleware {
  const propagateTo = checkOptions(options);
  const calls = new WeakMap<CallInfo, CallTrace>();
  const current = instruments(options);
  const report = faultReporter();
  return (request, next, call) => {
    const fault: Fault = (stage, error) => report(call, stage, error);
    const tracer = current.tracer(fault);
    const histogram = current.histogram(fault);
    // No SDK: no URL parsed, no attributes built, no span started.
    if (!tracer && !histogram) return next(request);
    return observe(request, next, call, { tracer, histogram, calls, propagateTo, fault });
  };
}

type Observer = {
  tracer: Tracer | undefined;
  histogram: Histogram | undefined;
  calls: WeakMap<CallInfo, CallTrace>;
  propagateTo: ReadonlySet<string>;
  fault: Fault;
};

async function observe(
  request: Request,
  next: Next,
  call: CallInfo,
  { tracer, histogram, calls, propagateTo, fault }: Observer,
): Promise<Response> {
  const url = new URL(request.url);
  const known = KNOWN_METHODS.includes(request.method);
  const base: Attributes = {
    'http.request.method': known ? request.method : '_OTHER',
    'server.address': url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
    'server.port': url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
  };
  const started = now();
  let span: Span | undefined;
  const parent = context.active();
  let active = parent;
  let sent = request;
  let traced: Traced | undefined;
  if (tracer) {
    try {
      const attributes: Attributes = { ...base, 'url.full': call.redact.url(url) };
      if (!known) attributes['http.request.method_original'] = request.method;
      const previous = calls.get(call);
      if (previous) attributes['http.request.resend_count'] = previous.sent;
      span = tracer.startSpan(
        known ? request.method : 'HTTP',
        { kind: SpanKind.CLIENT, attributes, ...(previous ? { links: [{ context: previous.first }] } : {}) },
        active,
      );
      if (previous) previous.sent += 1;
      else calls.set(call, { first: span.spanContext(), sent: 1 });
      active = trace.setSpan(active, span);
    } catch (error) {
      fault('starting a span', error);
    }
  }
  // Only a span that started whole has trace headers to send.
  if (active !== parent) {
    const mayReceive = (target: URL) => propagateTo.has(target.origin) || call.isCredentialOrigin(target);
    try {
      ({ request: sent, traced } = withTraceHeaders(request, url, active, mayReceive));
    } catch (error) {
      fault('injecting trace headers', error);
    }
  }
  let response: Response | undefined;
  let failure: { error: unknown } | undefined;
  try {
    response = await context.with(active, () => (traced ? sendTraced(sent, next, traced, call) : next(sent)));
    return response;
  } catch (error) {
    failure = { error };
    throw error;
  } finally {
    // Nothing here may throw: it would replace the call's own outcome.
    const status = response?.status ?? 0;
    const errorType = status >= 400 ? String(status) : failure ? errorTypeOf(failure.error, request, call) : undefined;
    if (status > 0) base['http.response.status_code'] = status;
    if (errorType !== undefined) base['error.type'] = errorType;
    if (span) {
      try {
        endSpan(span, status, errorType, failure && messageOf(failure.error, call));
      } catch (error) {
        fault('ending a span', error);
      }
    }
    try {
      // The metric's attributes: the request's, then the outcome's (never url.full: unbounded cardinality).
      histogram?.record((now() - started) / 1000, base);
    } catch (error) {
      fault('recording the duration', error);
    }
  }
}

/** Ends an attempt's span with its outcome: the status, and for a failure `error.type` and status ERROR. */
function endSpan(span: Span, status: number, errorType: string | undefined, message: string | undefined): void {
  if (status > 0) span.setAttribute('http.response.status_code', status);
  if (errorType !== undefined) {
    span.setAttribute('error.type', errorType);
    span.setStatus(message === undefined ? { code: SpanStatusCode.ERROR } : { code: SpanStatusCode.ERROR, message });
  }
  span.end();
}

/**
 * The request with the span's trace headers, when the propagator writes any and `mayReceive` its URL, and
 * what they are (for the redirects). They are set on the attempt's own Request: a copy would pipe its body
 * through a proxy stream, costing more than the whole rest of the span. A Request with immutable headers is
 * copied instead.
 */
function withTraceHeaders(
  request: Request,
  url: URL,
  active: Context,
  mayReceive: (url: URL) => boolean,
): { request: Request; traced?: Traced } {
  const carrier: Record<string, string> = {};
  propagation.inject(active, carrier);
  const entries = Object.entries(carrier);
  // The origin is checked only when there is something to send (no propagator: nothing to check).
  if (entries.length === 0 || !mayReceive(url)) return { request };
  const traced: Traced = { names: entries.map(([name]) => name), mayReceive };
  try {
    for (const [name, value] of entries) request.headers.set(name, value);
    return { request, traced };
  } catch {
    // Immutable headers, or a value Headers refuses: none of them stays on the request (the copy throws for the latter).
    for (const [name] of entries) {
      try {
        request.headers.delete(name);
      } catch {}
    }
    const headers = new Headers(request.headers);
    for (const [name, value] of entries) headers.set(name, value);
    return { request: new Request(request, { headers }), traced };
  }
}

/**
 * `error.type` for a failure before any status: TimeoutError when sturdy's or ky's timers aborted the attempt,
 * a runtime's low-cardinality code where it gives one (Node: `ECONNREFUSED`), else the error's name.
 */
function errorTypeOf(error: unknown, request: Request, call: CallInfo): string {
  try {
    if (request.signal.aborted && !call.signal?.aborted) return 'TimeoutError';
    const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
    if (error instanceof TypeError && typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code)) return code;
    const name = (error as { name?: unknown } | null)?.name;
    return typeof name === 'string' && name !== '' ? name : '_OTHER';
  } catch {
    // An error object whose getters throw.
    return '_OTHER';
  }
}

/** Validates tracing()'s options; returns the `propagateTo` origins. */
function checkOptions(options: TracingOptions): Set<string> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(
      'sturdy/otel: tracing(options) takes an options object such as { propagateTo: [...] }, or nothing',
    );
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key))
      throw new TypeError(
        `sturdy/otel: unknown option \`${key}\` for tracing(); the options are ${OPTION_NAMES.join(', ')}`,
      );
  }
  // A provider's config may hold an exporter's headers (API keys): described, never echoed.
  for (const [name, kind, method] of [
    ['tracerProvider', 'TracerProvider', 'getTracer'],
    ['meterProvider', 'MeterProvider', 'getMeter'],
  ] as const) {
    const provider: unknown = options[name];
    if (provider !== undefined && typeof Object(provider)[method] !== 'function')
      throw optionError(
        '/otel',
        name,
        `an OpenTelemetry ${kind} (with ${method}), or left out for the global one`,
        provider,
        1,
      );
  }
  const origins = new Set<string>();
  const list: unknown = options.propagateTo;
  if (list === undefined) return origins;
  // An origin's URL may carry credentials: described, never echoed.
  const like = "like 'https://uploads.example.com' (no path, query or credentials)";
  if (!Array.isArray(list)) throw optionError('/otel', 'propagateTo', `an array of origins ${like}`, list, 1);
  list.forEach((item: unknown, index) => {
    const url = typeof item === 'string' && URL.canParse(item) ? new URL(item) : undefined;
    const isOrigin =
      url &&
      /^https?:$/.test(url.protocol) &&
      !url.username &&
      !url.password &&
      url.pathname === '/' &&
      !url.search &&
      !url.hash;
    if (!isOrigin) throw optionError('/otel', `propagateTo[${index}]`, `an origin ${like}`, item, 1);
    origins.add(url.origin);
  });
  return origins;
}
