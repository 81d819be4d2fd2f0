/**
 * The playground page: reads the form, sends the request through sturdy to
 * the in-browser mock API, and shows the timeline and the outcome.
 */
import { createClient, type CallOptions, type ClientOptions } from '../src/index.ts';
import { authFor, authCode, type AuthName } from './auth.ts';
import { API_PATH, startMockApi, useScenario, type Scenario } from './mock-api.ts';
import { EXAMPLES, SCHEMAS, SCHEMA_SOURCE, type SchemaName } from './presets.ts';
import { Timeline, renderResult } from './timeline.ts';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const field = (id: string) => byId<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(id);
const number = (id: string) => Number(field(id).value);

const timeline = new Timeline(byId<HTMLOListElement>('timeline'));
const send = byId<HTMLButtonElement>('send');
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** The form as a request description. */
function readForm() {
  const method = field('method').value;
  const body = field('body').value.trim();
  return {
    method,
    path: field('path').value.trim().replace(/^\/+/, ''),
    body: WITH_BODY.has(method) && body !== '' ? body : undefined,
    schema: field('schema').value as SchemaName,
    auth: field('auth').value as AuthName,
    retry: { limit: number('retry'), backoffLimit: number('backoff') },
    timeout: number('timeout'),
    idleTimeout: number('idle'),
    totalTimeout: number('total'),
  };
}

function readScenario(): Scenario {
  const kind = (document.querySelector<HTMLInputElement>('input[name="scenario"]:checked')?.value ?? 'healthy') as Scenario['kind'];
  if (kind === 'fail') return { kind, failures: number('failures') };
  if (kind === 'rateLimit') return { kind, retryAfterSeconds: number('retry-after') };
  if (kind === 'slow') return { kind, delayMs: number('delay') };
  return { kind } as Scenario;
}

/** The call the form describes, as a reader would write it. */
function showCode(): void {
  const form = readForm();
  const schema = form.schema === 'none' ? '' : form.schema;
  const options = [
    form.body ? `json: ${form.body.replace(/\s+/g, ' ')}` : '',
  ].filter(Boolean);
  byId('code').textContent = [
    `const api = createClient({`,
    `  baseUrl: location.origin + '${API_PATH}',`,
    ...(form.auth === 'none' ? [] : [`  auth: ${authCode(form.auth)},`]),
    `  retry: { limit: ${form.retry.limit}, backoffLimit: ${form.retry.backoffLimit} },`,
    `  timeout: ${form.timeout}, idleTimeout: ${form.idleTimeout}, totalTimeout: ${form.totalTimeout},`,
    `  onEvent: (event) => timeline.add(event),`,
    `});`,
    `const result = await api.${form.method.toLowerCase()}('${form.path}'${options.length ? `, { ${options.join(', ')} }` : ''}).result(${schema});`,
    `if (result.ok) show(result.data); else show(result.error);`,
  ].join('\n');
  byId('schema-source').textContent = SCHEMA_SOURCE[form.schema];
  field('body').disabled = !WITH_BODY.has(form.method);
}

async function run(): Promise<void> {
  const form = readForm();
  send.disabled = true;
  timeline.start();
  useScenario(readScenario());
  const started = performance.now();
  let attempts = 0;
  try {
    const clientOptions: ClientOptions = {
      baseUrl: new URL(API_PATH, location.origin).href,
      retry: form.retry,
      timeout: form.timeout,
      idleTimeout: form.idleTimeout,
      totalTimeout: form.totalTimeout,
      retryBudget: false,
      onEvent: (event) => {
        if (event.type === 'request') attempts = event.attempt;
        timeline.event(event);
      },
    };
    const auth = authFor(form.auth);
    if (auth) clientOptions.auth = auth;
    const api = createClient(clientOptions);
    const callOptions: CallOptions = { method: form.method };
    if (form.body !== undefined) callOptions.json = JSON.parse(form.body);
    const call = api.request(form.path, callOptions);
    const schema = SCHEMAS[form.schema];
    const result = schema ? await call.result(schema) : await call.result();
    if (result.ok) {
      timeline.add('done', 'Done', `data ready after ${Math.round(performance.now() - started)} ms`);
      renderResult(byId('result'), { ok: true, data: result.data, status: result.response.status });
    } else {
      renderResult(byId('result'), { ok: false, error: result.error });
    }
  } catch (error) {
    // Only the playground's own input (a body that is not JSON) lands here: sturdy's .result() never rejects.
    timeline.add('error', 'The JSON body is not valid JSON', String(error));
    renderResult(byId('result'), { ok: false, error: error instanceof Error ? error : new Error(String(error)) });
  } finally {
    byId('summary').textContent = `${attempts} attempt${attempts === 1 ? '' : 's'} · ${Math.round(performance.now() - started)} ms`;
    send.disabled = false;
  }
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
      showCode();
    });
    byId('examples').append(button);
  }
  document.querySelector('main')!.addEventListener('input', showCode);
  document.querySelector('main')!.addEventListener('change', showCode);
  send.addEventListener('click', () => void run());
  showCode();
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
