/**
 * The playground page: reads the form, sends the request through sturdy to
 * the in-browser mock API, and shows the timeline and the outcome.
 */
import { httpCache } from '../src/cache/index.ts';
import {
  createClient,
  type CallOptions,
  type ClientOptions,
  type Middleware,
  type SturdyClient,
} from '../src/index.ts';
import type { Outcome, SendOptions } from '../src/outbox/index.ts';
import { authFor, refreshHint } from './auth.ts';
import { reloadMidSend, resumeOutbox, sendThroughOutbox } from './checkout.ts';
import {
  byId,
  codeFor,
  field,
  pickScenario,
  readForm,
  readScenario,
  readServer,
  restoreForm,
  WITH_BODY,
  type Form,
} from './form.ts';
import { ordersSummary } from './ledger.ts';
import { API_PATH, startMockApi, useScenario } from './mock-api.ts';
import { EXAMPLES, SCHEMAS, SCHEMA_SOURCE } from './presets.ts';
import { streamInto } from './stream.ts';
import { renderPending, renderResult } from './result.ts';
import { Timeline } from './timeline.ts';

const timeline = new Timeline(byId<HTMLOListElement>('timeline'));
const send = byId<HTMLButtonElement>('send');

/** One cache for every send while the toggle is on (each send builds a new client); switching it off forgets it. */
let cache: Middleware | undefined;

const scenarioKind = () => document.querySelector<HTMLInputElement>('input[name="scenario"]:checked')?.value;

/** Keeps the code panel, the schema source, the body field and the refresh hint in step with the form. */
function showForm(): void {
  const form = readForm();
  byId('code').textContent = codeFor(form);
  byId('schema-source').textContent = SCHEMA_SOURCE[form.schema];
  field('body').disabled = !WITH_BODY.has(form.method);
  // An outbox job is one stored request and one answer: no event stream.
  field('stream').disabled = form.outbox;
  const hint = scenarioKind() === 'expiredToken' ? refreshHint(form.auth) : undefined;
  byId('hint').textContent = hint ?? '';
  byId('hint').hidden = hint === undefined;
}

const failWith = (title: string, error: unknown): void => {
  const shown = error instanceof Error ? error : new Error(String(error));
  timeline.add('error', title, String(shown));
  renderResult(byId('result'), { ok: false, error: shown });
};

/** The client the form describes; throws sturdy's TypeError naming an option it refuses. */
function clientFor(form: Form, onEvent: NonNullable<ClientOptions['onEvent']>): SturdyClient {
  const clientOptions: ClientOptions = {
    baseUrl: new URL(API_PATH, location.origin).href,
    ...form.settings,
    retryBudget: false,
    onEvent,
  };
  const auth = authFor(form.auth);
  if (auth) clientOptions.auth = auth;
  if (form.cache) clientOptions.use = [(cache ??= httpCache())];
  return createClient(clientOptions);
}

/** The client and call options, or undefined when the playground's input or sturdy's option checks refused them (shown as such). */
function prepare(
  form: Form,
  onEvent: NonNullable<ClientOptions['onEvent']>,
): { api: SturdyClient; call: CallOptions } | undefined {
  const call: CallOptions = { method: form.method };
  if (form.body !== undefined) {
    try {
      call.json = JSON.parse(form.body);
    } catch (error) {
      failWith('The JSON body is not valid JSON', error);
      return undefined;
    }
  }
  try {
    return { api: clientFor(form, onEvent), call };
  } catch (error) {
    // createClient checks every option before any request: a TypeError that names the option.
    failWith('sturdy refused an option', error);
    return undefined;
  }
}

/** Shows a failed call's error, with what the timeline should add about it. */
function showFailure(form: Form, error: Error, attempts: number, scenario: string): void {
  if (attempts === 0 && error instanceof TypeError) timeline.add('error', 'sturdy refused an option', error.message);
  const hint = scenario === 'expiredToken' ? refreshHint(form.auth) : undefined;
  if (hint) timeline.add('hint', 'Why nothing was refreshed', hint);
  const box = document.createElement('div');
  byId('result').prepend(box);
  // A stream's answer so far stays below its error; anything else is replaced.
  for (const stale of byId('result').querySelectorAll(':scope > :not(#answer)')) if (stale !== box) stale.remove();
  renderResult(box, { ok: false, error });
}

/** Shows an outbox job's final outcome. */
function showDelivered(form: Form, outcome: Outcome, deliveries: number, scenario: string, ready: string): void {
  if (outcome.ok) {
    timeline.add('done', 'Done', `${ready} · ${ordersSummary()}`);
    renderResult(byId('result'), { ok: true, data: outcome.data, status: outcome.response.status });
  } else showFailure(form, outcome.error, deliveries, scenario);
}

/** `n attempts` of one call, or `n deliveries` of an outbox job. */
const counted = (n: number, outbox: boolean) =>
  outbox ? `${n} deliver${n === 1 ? 'y' : 'ies'}` : `${n} attempt${n === 1 ? '' : 's'}`;

async function run(): Promise<void> {
  if (send.disabled) return; // still starting, or a call in flight: Enter must not send twice
  const form = readForm();
  const scenario = readScenario();
  send.disabled = true;
  timeline.start();
  renderPending(byId('result'));
  byId('summary').textContent = 'sending…';
  useScenario(scenario, readServer());
  const started = performance.now();
  let attempts = 0;
  const ready = () => `data ready after ${Math.round(performance.now() - started)} ms`;
  try {
    const prepared = prepare(form, (event) => {
      if (event.type === 'request') attempts = form.outbox ? attempts + 1 : event.attempt;
      timeline.event(event, form.outbox ? 'delivery' : 'attempt');
    });
    if (!prepared) return;
    const { api, call } = prepared;
    if (form.outbox) {
      const request: SendOptions = { method: form.method };
      if (call.json !== undefined) request.json = call.json;
      const outcome = await sendThroughOutbox(api, form.path, request, timeline).catch((error: unknown) => {
        failWith('sturdy/outbox refused the job', error);
      });
      if (outcome) showDelivered(form, outcome, attempts, scenario.kind, ready());
      return;
    }
    const schema = SCHEMAS[form.schema];
    if (form.stream) {
      const options = {
        method: form.method,
        ...(call.json === undefined ? {} : { json: call.json }),
        ...(form.streamIdle === undefined ? {} : { idleTimeout: form.streamIdle }),
      };
      const ended = await streamInto(byId('result'), timeline, api, form.path, options, schema);
      if (ended.ok) timeline.add('done', 'Stream complete', `${ended.chunks} chunks, ${ready()}`);
      else showFailure(form, ended.error, attempts, scenario.kind);
      return;
    }
    const result = schema
      ? await api.request(form.path, call).result(schema)
      : await api.request(form.path, call).result();
    if (result.ok) {
      timeline.add('done', 'Done', ready());
      renderResult(byId('result'), { ok: true, data: result.data, status: result.response.status });
    } else showFailure(form, result.error, attempts, scenario.kind);
  } finally {
    byId('summary').textContent = `${counted(attempts, form.outbox)} · ${Math.round(performance.now() - started)} ms`;
    send.disabled = false;
  }
}

/** Enter in a field sends, as in any form; in the body it is a new line, and Ctrl/Cmd+Enter sends. */
function onKey(event: KeyboardEvent): void {
  if (event.key !== 'Enter' || event.isComposing) return;
  const target = event.target;
  if (target instanceof HTMLButtonElement) return; // a button's own Enter is its click
  if (target instanceof HTMLTextAreaElement && !(event.ctrlKey || event.metaKey)) return;
  event.preventDefault();
  void run();
}

function setUp(): void {
  const schemaSelect = field('schema') as HTMLSelectElement;
  for (const name of Object.keys(SCHEMAS)) schemaSelect.add(new Option(name, name));
  schemaSelect.value = 'User';
  for (const example of EXAMPLES) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'chip';
    button.textContent = example.label;
    button.addEventListener('click', () => {
      field('method').value = example.method;
      field('path').value = example.path;
      field('body').value = example.body;
      field('schema').value = example.schema;
      (field('stream') as HTMLInputElement).checked = example.stream === true;
      (field('outbox') as HTMLInputElement).checked = example.outbox === true;
      // "Reload mid-send" belongs to the checkout preset: another example does not inherit it.
      if (example.scenario) pickScenario(example.scenario);
      else if (scenarioKind() === 'reload') pickScenario('healthy');
      showForm();
    });
    byId('examples').append(button);
  }
  restoreForm();
  const main = document.querySelector('main')!;
  // An emptied number field means the default: say which.
  for (const input of main.querySelectorAll<HTMLInputElement>('input[type="number"]'))
    input.placeholder = input.closest('.settings') ? 'default' : input.defaultValue;
  main.addEventListener('input', showForm);
  main.addEventListener('change', showForm);
  main.addEventListener('keydown', onKey);
  field('cache').addEventListener('change', () => {
    if (!(field('cache') as HTMLInputElement).checked) cache = undefined;
  });
  send.addEventListener('click', () => void run());
  showForm();
}

/** Opens the outbox as an app does on start-up: a job an earlier page left (a reload mid-send) is delivered now. */
async function resume(reloaded: boolean): Promise<void> {
  const form = readForm();
  const onEvent: NonNullable<ClientOptions['onEvent']> = (event) => timeline.event(event, 'delivery');
  let api: SturdyClient;
  try {
    api = clientFor(form, onEvent);
  } catch {
    // The fields the browser restored are refused: sturdy's defaults deliver just as well.
    api = createClient({ baseUrl: new URL(API_PATH, location.origin).href, retryBudget: false, onEvent });
  }
  const last = await resumeOutbox(api, timeline, reloaded);
  const deliveries = timeline.count('request');
  if (last) {
    showDelivered(form, last, deliveries, 'reload', 'delivered after the reload');
    byId('summary').textContent = counted(deliveries, true);
  } else if (reloaded)
    renderResult(byId('result'), { ok: false, error: new Error('The call was lost with the page (no outbox)') });
}

setUp();
const reloaded = timeline.restore();
startMockApi({
  onRequest: (request) => timeline.received(request),
  onReplay: (key) =>
    timeline.add(
      'replay',
      'The mock API answered with the stored answer',
      `idempotency-key: ${key} was seen before: same answer again (idempotent-replayed: true), nothing created twice`,
    ),
  onHeld: (holdMs) => reloadMidSend(timeline, holdMs),
}).then(
  async () => {
    byId('status').textContent = 'mock API ready';
    byId('status').classList.add('ready');
    await resume(reloaded).catch((error: unknown) => failWith('sturdy/outbox could not resume', error));
    send.disabled = false;
  },
  (error: unknown) => {
    byId('status').textContent = `mock API failed to start: ${String(error)}`;
    byId('status').classList.add('broken');
  },
);
