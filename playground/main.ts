/**
 * The playground page: reads the form, sends the request through sturdy to
 * the in-browser mock API, and shows the timeline and the outcome.
 */
import { createClient, type CallOptions, type ClientOptions, type ResponsePromise } from '../src/index.ts';
import { authFor, refreshHint } from './auth.ts';
import { byId, codeFor, field, readForm, readScenario, WITH_BODY, type Form } from './form.ts';
import { API_PATH, startMockApi, useScenario } from './mock-api.ts';
import { EXAMPLES, SCHEMAS, SCHEMA_SOURCE } from './presets.ts';
import { Timeline, renderPending, renderResult } from './timeline.ts';

const timeline = new Timeline(byId<HTMLOListElement>('timeline'));
const send = byId<HTMLButtonElement>('send');

const scenarioKind = () => document.querySelector<HTMLInputElement>('input[name="scenario"]:checked')?.value;

/** Keeps the code panel, the schema source, the body field and the refresh hint in step with the form. */
function showForm(): void {
  const form = readForm();
  byId('code').textContent = codeFor(form);
  byId('schema-source').textContent = SCHEMA_SOURCE[form.schema];
  field('body').disabled = !WITH_BODY.has(form.method);
  const hint = scenarioKind() === 'expiredToken' ? refreshHint(form.auth) : undefined;
  byId('hint').textContent = hint ?? '';
  byId('hint').hidden = hint === undefined;
}

const failWith = (title: string, error: unknown): void => {
  const shown = error instanceof Error ? error : new Error(String(error));
  timeline.add('error', title, String(shown));
  renderResult(byId('result'), { ok: false, error: shown });
};

/** The call, or undefined when the playground's input or sturdy's option checks refused it (shown as such). */
function startCall(form: Form, onEvent: NonNullable<ClientOptions['onEvent']>): ResponsePromise | undefined {
  const callOptions: CallOptions = { method: form.method };
  if (form.body !== undefined) {
    try {
      callOptions.json = JSON.parse(form.body);
    } catch (error) {
      failWith('The JSON body is not valid JSON', error);
      return undefined;
    }
  }
  try {
    const clientOptions: ClientOptions = { baseUrl: new URL(API_PATH, location.origin).href, ...form.settings, retryBudget: false, onEvent };
    const auth = authFor(form.auth);
    if (auth) clientOptions.auth = auth;
    return createClient(clientOptions).request(form.path, callOptions);
  } catch (error) {
    // createClient checks every option before any request: a TypeError that names the option.
    failWith('sturdy refused an option', error);
    return undefined;
  }
}

async function run(): Promise<void> {
  if (send.disabled) return; // still starting, or a call in flight: Enter must not send twice
  const form = readForm();
  const scenario = readScenario();
  send.disabled = true;
  timeline.start();
  renderPending(byId('result'));
  byId('summary').textContent = 'sending…';
  useScenario(scenario);
  const started = performance.now();
  let attempts = 0;
  try {
    const call = startCall(form, (event) => {
      if (event.type === 'request') attempts = event.attempt;
      timeline.event(event);
    });
    if (!call) return;
    const schema = SCHEMAS[form.schema];
    const result = schema ? await call.result(schema) : await call.result();
    if (result.ok) {
      timeline.add('done', 'Done', `data ready after ${Math.round(performance.now() - started)} ms`);
      renderResult(byId('result'), { ok: true, data: result.data, status: result.response.status });
      return;
    }
    if (attempts === 0 && result.error instanceof TypeError) timeline.add('error', 'sturdy refused an option', result.error.message);
    const hint = scenario.kind === 'expiredToken' ? refreshHint(form.auth) : undefined;
    if (hint) timeline.add('hint', 'Why nothing was refreshed', hint);
    renderResult(byId('result'), { ok: false, error: result.error });
  } finally {
    byId('summary').textContent = `${attempts} attempt${attempts === 1 ? '' : 's'} · ${Math.round(performance.now() - started)} ms`;
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
      showForm();
    });
    byId('examples').append(button);
  }
  const main = document.querySelector('main')!;
  // An emptied number field means the default: say which.
  for (const input of main.querySelectorAll<HTMLInputElement>('input[type="number"]')) input.placeholder = input.closest('.settings') ? 'default' : input.defaultValue;
  main.addEventListener('input', showForm);
  main.addEventListener('change', showForm);
  main.addEventListener('keydown', onKey);
  send.addEventListener('click', () => void run());
  showForm();
}

setUp();
startMockApi((request) => timeline.received(request)).then(
  () => {
    byId('status').textContent = 'mock API ready';
    byId('status').classList.add('ready');
    send.disabled = false;
  },
  (error: unknown) => {
    byId('status').textContent = `mock API failed to start: ${String(error)}`;
    byId('status').classList.add('broken');
  },
);
