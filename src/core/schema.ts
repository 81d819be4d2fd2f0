import { ValidationError, type Issue } from './errors.ts';
import { defaultRedactor, REDACTED, type Redactor } from './redact.ts';

/** Standard Schema v1 (https://standardschema.dev), as valibot, zod and arktype implement it. */
export type StandardSchemaV1<Input = unknown, Output = Input> = {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
};

type StandardPathSegment = PropertyKey | { readonly key: PropertyKey };
/**
 * An issue as a Standard Schema reports it.
 * @example
 * { message: 'Invalid type: Expected number but received "x"', path: ['items', 0, 'price'] }
 */
export type StandardIssue = {
  readonly message: string;
  readonly path?: ReadonlyArray<StandardPathSegment> | undefined;
};
type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardIssue> };

/** The type a schema accepts. */
export type InferInput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['input'];
/** The type a schema produces (transforms applied). */
export type InferOutput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['output'];

export const isStandardSchema = (value: unknown): value is StandardSchemaV1 =>
  (typeof value === 'object' || typeof value === 'function') &&
  value !== null &&
  typeof (value as StandardSchemaV1)['~standard']?.validate === 'function';

const keyOf = (segment: StandardPathSegment): PropertyKey =>
  typeof segment === 'object' && segment !== null ? segment.key : segment;

/** `['items', 2, 'price']` -> `$.items[2].price` */
export function formatPath(path: ReadonlyArray<StandardPathSegment> | undefined): string {
  let result = '$';
  for (const segment of path ?? []) {
    const key = keyOf(segment);
    if (typeof key === 'number') result += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) result += `.${key}`;
    else result += `[${JSON.stringify(String(key))}]`;
  }
  return result;
}

/** The value at `path` inside `value`, or undefined; never throws (a getter may). */
function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  try {
    let current = value;
    for (const key of path)
      current =
        typeof current === 'object' && current !== null ? (current as Record<PropertyKey, unknown>)[key] : undefined;
    return current;
  } catch {
    return undefined;
  }
}

/** `message` without the rejected value of a field named like a secret, in the forms schema libraries quote it. */
function withoutValue(message: string, rejected: unknown): string {
  if (
    typeof rejected !== 'string' &&
    typeof rejected !== 'number' &&
    typeof rejected !== 'bigint' &&
    typeof rejected !== 'boolean'
  )
    return message;
  const text = String(rejected);
  const forms = [JSON.stringify(text), `'${text}'`, `\`${text}\``];
  // A bare short value ('5') would also match ordinary words and numbers of the message.
  if (text.length >= 4) forms.push(text);
  let result = message;
  for (const form of forms) result = result.split(form).join(REDACTED);
  return result;
}

/**
 * A schema's issues as sturdy reports them: paths as `$.a[0]`, messages through `redactor`, and never the
 * rejected value of a field named like a secret (`password`, `token`, ...), which a message may quote.
 * @example
 * toIssues(result.issues, value, redactor, [index]) // [{ path: '$[3].password', message: 'Expected number but received [REDACTED]' }]
 */
export function toIssues(
  issues: ReadonlyArray<StandardIssue>,
  value: unknown,
  redactor: Redactor = defaultRedactor,
  prefix: readonly PropertyKey[] = [],
): Issue[] {
  return issues.map((issue) => {
    const keys = (issue.path ?? []).map(keyOf);
    let message = redactor.text(String(issue.message));
    if (keys.some((key) => typeof key === 'string' && redactor.isSensitiveField(key)))
      message = withoutValue(message, valueAt(value, keys));
    return { message, path: redactor.text(formatPath([...prefix, ...keys])) };
  });
}

/**
 * Validates `value` with any Standard Schema (sync or async). Returns the
 * schema's output, or throws ValidationError with every issue and its path,
 * worded through `redactor` (the calling client's; see {@link toIssues}).
 * @example
 * const order = await validate(Order, data, 'response', { status: 200, what: 'response body' }, redactor);
 */
export async function validate<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
  direction: 'request' | 'response',
  details: { status?: number; what?: string } = {},
  redactor: Redactor = defaultRedactor,
): Promise<InferOutput<S>> {
  if (!isStandardSchema(schema)) {
    throw new TypeError(
      `sturdy: the ${direction} schema must be a Standard Schema (valibot, zod, arktype, ...); got ${typeof schema}`,
    );
  }
  let result = schema['~standard'].validate(value);
  if (result instanceof Promise) result = await result;
  if (result.issues) {
    throw new ValidationError(direction, toIssues(result.issues, value, redactor), details);
  }
  return result.value as InferOutput<S>;
}
