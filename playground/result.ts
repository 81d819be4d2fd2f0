/**
 * Rendering the final result: the data, or the typed error with its fields, redacted.
 */
import { redactData } from '../src/core/redact.ts';
import { element, redactor, STATUS_TEXT } from './timeline.ts';

/** Plain fields of an error worth showing: its own (redacted when it was built), and the response's status and a
 * redacted copy of the server's body (both out of the error's enumeration, so read here). */
function errorFields(error: Error): Record<string, unknown> {
  const { response, data } = error as { response?: Response; data?: unknown };
  const fields: Record<string, unknown> = response ? { status: response.status } : {};
  for (const key of [
    'timeout',
    'retryAfter',
    'direction',
    'issues',
    'path',
    'status',
    'contentType',
    'snippet',
    'error',
    'errorDescription',
  ] as const) {
    const value = (error as unknown as Record<string, unknown>)[key];
    if (value !== undefined) fields[key] = value;
  }
  if (data !== undefined) fields.data = redactData(redactor, data);
  return fields;
}

/**
 * Replaces the last outcome while a call is in flight, so an old result is never read as the new one.
 * @example
 * renderPending(document.getElementById('result')!);
 */
export function renderPending(target: HTMLElement): void {
  const head = element('p', 'verdict pending', 'Waiting for the response…');
  head.dataset.outcome = 'pending';
  target.replaceChildren(head);
}

/**
 * Shows the final data, or the typed error with its fields.
 * @example
 * renderResult(document.getElementById('result')!, { ok: true, data: { id: 42 }, status: 200 });
 */
export function renderResult(
  target: HTMLElement,
  outcome: { ok: true; data: unknown; status: number } | { ok: false; error: Error },
): void {
  target.replaceChildren();
  if (outcome.ok) {
    const head = element('p', 'verdict ok', `✓ ${outcome.status} ${STATUS_TEXT[outcome.status] ?? ''}`);
    head.dataset.outcome = 'ok';
    target.append(head, element('pre', 'json', JSON.stringify(outcome.data, null, 2) ?? 'undefined (empty body)'));
    return;
  }
  const { error } = outcome;
  const head = element('p', 'verdict fail');
  head.dataset.outcome = 'error';
  head.append(
    element('span', 'error-name', error.name),
    element('span', 'error-message', redactor.text(error.message)),
  );
  target.append(head);
  const fields = errorFields(error);
  if (Object.keys(fields).length > 0)
    target.append(element('pre', 'json', redactor.text(JSON.stringify(fields, null, 2))));
}
