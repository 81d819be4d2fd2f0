/**
 * The playground's form: read into client options and a scenario (an empty
 * number field means "sturdy's default", never 0), and written back as code.
 */
import type { ClientOptions, RetryOptions } from '../src/index.ts';
import { authCode, type AuthName } from './auth.ts';
import { API_PATH, type Scenario } from './mock-api.ts';
import type { SchemaName } from './presets.ts';

export const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
export const field = (id: string) => byId<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(id);

/** Methods whose JSON body the form sends. */
export const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** A number field; empty is undefined, so the option is left out and sturdy's default applies. */
function optionalNumber(id: string): number | undefined {
  const value = field(id).value.trim();
  return value === '' ? undefined : Number(value);
}

/** A scenario knob; empty is the field's own default (its value attribute). */
const knob = (id: string): number => optionalNumber(id) ?? Number((field(id) as HTMLInputElement).defaultValue);

/** The options the settings row sets: only the filled-in ones. */
export type Settings = Pick<ClientOptions, 'timeout' | 'idleTimeout' | 'totalTimeout'> & { retry?: RetryOptions };

function readSettings(): Settings {
  const settings: Settings = {};
  const retry: RetryOptions = {};
  const limit = optionalNumber('retry');
  const backoffLimit = optionalNumber('backoff');
  if (limit !== undefined) retry.limit = limit;
  if (backoffLimit !== undefined) retry.backoffLimit = backoffLimit;
  if (Object.keys(retry).length > 0) settings.retry = retry;
  for (const [id, option] of [
    ['timeout', 'timeout'],
    ['idle', 'idleTimeout'],
    ['total', 'totalTimeout'],
  ] as const) {
    const value = optionalNumber(id);
    if (value !== undefined) settings[option] = value;
  }
  return settings;
}

/** The form as a request description. */
export function readForm() {
  const method = field('method').value;
  const body = field('body').value.trim();
  const outbox = (field('outbox') as HTMLInputElement).checked;
  const stream = (field('stream') as HTMLInputElement).checked && !outbox;
  // The idle field bounds the stall between a stream's chunks: sturdy/sse takes its own (the client's is for
  // streams read with sturdy/ndjson), so the chat stream gets it and the client does not.
  const settings = readSettings();
  const { idleTimeout: streamIdle, ...streamSettings } = settings;
  return {
    method,
    path: field('path').value.trim().replace(/^\/+/, ''),
    body: WITH_BODY.has(method) && body !== '' ? body : undefined,
    schema: field('schema').value as SchemaName,
    auth: field('auth').value as AuthName,
    settings: stream ? streamSettings : settings,
    /** Read the answer with sturdy/sse's eventStream (not with the outbox: a job is one request, one answer). */
    stream,
    /** The stream's idleTimeout (the idle field, when reading a stream). */
    streamIdle: stream ? streamIdle : undefined,
    /** Queue the request in sturdy/outbox (IndexedDB) and deliver it from there. */
    outbox,
    /** Send through one httpCache() kept across sends. */
    cache: (field('cache') as HTMLInputElement).checked,
  };
}

export type Form = ReturnType<typeof readForm>;

/** How the mock server labels its GET answers' freshness. */
export const readServer = () => ({ maxAgeSeconds: knob('max-age') });

/** Picks the mock API's scenario, as a click on it does. */
export function pickScenario(kind: string): void {
  const radio = document.querySelector<HTMLInputElement>(`input[name="scenario"][value="${CSS.escape(kind)}"]`);
  if (radio) radio.checked = true;
}

// sessionStorage: this tab's form, kept over a reload mid-send and put back by the page that comes after it.
const SAVED_KEY = 'sturdy-playground:form';
type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
const fields = () => document.querySelectorAll<Field>('main :is(input, select, textarea)[id]');
const isCheckbox = (input: Field): input is HTMLInputElement =>
  input instanceof HTMLInputElement && input.type === 'checkbox';

/** Keeps every field and the scenario for the page after a reload (see `restoreForm`). */
export function saveForm(): void {
  const values: Record<string, string | boolean> = {};
  for (const input of fields()) values[input.id] = isCheckbox(input) ? input.checked : input.value;
  sessionStorage.setItem(SAVED_KEY, JSON.stringify({ values, scenario: readScenario().kind }));
}

/** Puts back the form saved before a reload, once. */
export function restoreForm(): void {
  const saved = sessionStorage.getItem(SAVED_KEY);
  sessionStorage.removeItem(SAVED_KEY);
  if (saved === null) return;
  const { values, scenario }: { values: Record<string, string | boolean>; scenario: string } = JSON.parse(saved);
  for (const input of fields()) {
    const value = values[input.id];
    if (typeof value === 'boolean' && isCheckbox(input)) input.checked = value;
    else if (typeof value === 'string') input.value = value;
  }
  pickScenario(scenario);
}

/** The misbehaviour picked for the mock API. */
export function readScenario(): Scenario {
  const kind = (document.querySelector<HTMLInputElement>('input[name="scenario"]:checked')?.value ??
    'healthy') as Scenario['kind'];
  if (kind === 'fail') return { kind, failures: knob('failures') };
  if (kind === 'rateLimit') return { kind, retryAfterSeconds: knob('retry-after') };
  if (kind === 'slow') return { kind, delayMs: knob('delay') };
  return { kind } as Scenario;
}

/** An option value as it reads in source: `{ limit: 3 }`, `2000`. */
const literal = (value: unknown): string =>
  typeof value === 'object' && value !== null
    ? `{ ${Object.entries(value)
        .map(([key, inner]) => `${key}: ${literal(inner)}`)
        .join(', ')} }`
    : String(value);

/**
 * The call the form describes, as a reader would write it.
 * @example
 * byId('code').textContent = codeFor(readForm());
 */
export function codeFor(form: Form): string {
  const schema = form.schema === 'none' ? '' : form.schema;
  const json = form.body ? `json: ${form.body.replace(/\s+/g, ' ')}` : '';
  const client = [
    ...(form.stream ? [`import { eventStream } from 'sturdy/sse';`] : []),
    ...(form.outbox ? [`import { outbox } from 'sturdy/outbox';`] : []),
    ...(form.cache ? [`import { httpCache } from 'sturdy/cache';`] : []),
    `const api = createClient({`,
    `  baseUrl: location.origin + '${API_PATH}',`,
    ...(form.auth === 'none' ? [] : [`  auth: ${authCode(form.auth)},`]),
    ...Object.entries(form.settings).map(([option, value]) => `  ${option}: ${literal(value)},`),
    ...(form.cache ? [`  use: [httpCache()], // one cache, kept across calls`] : []),
    `  onEvent: (event) => timeline.add(event),`,
    `});`,
  ];
  if (form.outbox) {
    return [
      ...client,
      `// On every page load: jobs a reload or a closed tab left in IndexedDB are delivered again, same key.`,
      `const box = outbox(api, { name: 'playground' });`,
      `const job = await box.send('${form.path}', { method: '${form.method}'${json ? `, ${json}` : ''} }); // stored`,
      `const outcome = await job.done; // the final answer, however many deliveries it took`,
      `if (outcome.ok) show(outcome.data); else show(outcome.error);`,
    ].join('\n');
  }
  if (form.stream) {
    // GET streams reconnect by default; a POST stream only when asked (this server resumes from Last-Event-ID).
    const options = [
      `method: '${form.method}'`,
      json,
      schema ? `schema: ${schema}` : '',
      form.method === 'GET' ? '' : 'reconnect: true',
      form.streamIdle === undefined ? '' : `idleTimeout: ${literal(form.streamIdle)}`,
    ].filter(Boolean);
    return [
      ...client,
      `const stream = eventStream(api, '${form.path}', { ${options.join(', ')} });`,
      `for await (const { data } of stream) answer.append(data.delta);`,
    ].join('\n');
  }
  return [
    ...client,
    `const result = await api.${form.method.toLowerCase()}('${form.path}'${json ? `, { ${json} }` : ''}).result(${schema});`,
    `if (result.ok) show(result.data); else show(result.error);`,
  ].join('\n');
}
