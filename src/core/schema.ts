import { ValidationError, type Issue } from './errors.ts';
import { optionError } from '../shared/option-error.ts';
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
  typeof (value as StandardSchemaV1 | undefined)?.['~standard']?.validate === 'function';

const keyOf = (segment: StandardPathSegment): PropertyKey => (typeof segment === 'object' ? segment?.key : segment);

/** `['items', 2, 'price']` (or `'2'`) -> `$.items[2].price` */
export const formatPath = (path: ReadonlyArray<StandardPathSegment>): string =>
  `$${path
    .map(keyOf)
    .map(String)
    .map((key) => (/^[a-z_$][\w$]*$/i.test(key) ? `.${key}` : `[${/^\d+$/.test(key) ? key : JSON.stringify(key)}]`))
    .join('')}`;

/**
 * A schema's issues as sturdy reports them: paths as `$.a[0]`, messages through `redactor`, and never the
 * rejected value of a field named like a secret (`password`, `token`, ...), which a message may quote.
 * @example
 * toIssues(result.issues, value, redactor, [index]) // [{ path: '$[3].password', message: 'Expected number but received [REDACTED]' }]
 */
export function toIssues(
  issues: ReadonlyArray<StandardIssue>,
  value: unknown,
  redactor: Redactor,
  prefix: readonly PropertyKey[] = [],
): Issue[] {
  return issues.map(({ message, path = [] }) => {
    const keys = path.map(keyOf);
    let text = redactor.text(String(message));
    if (keys.some((key) => redactor.isSensitiveField(String(key)))) {
      let rejected: unknown;
      try {
        // The value at the issue's path; a getter may throw, and so does a path through null or undefined.
        rejected = keys.reduce((item: unknown, key) => (item as never)[key], value);
      } catch {}
      // The forms schema libraries quote a value in; bare, a short one ('5') would match ordinary words too.
      if (rejected != null && Object(rejected) !== rejected) {
        const shown = String(rejected);
        for (const form of [JSON.stringify(shown), `'${shown}'`, `\`${shown}\``, shown.length >= 4 && shown])
          if (form) text = text.replaceAll(form, REDACTED);
      }
    }
    return { message: text, path: redactor.text(formatPath([...prefix, ...keys])) };
  });
}

/**
 * Validates `value` with any Standard Schema (sync or async). Returns the
 * schema's output, or throws ValidationError with every issue and its path,
 * worded through `redactor` (the calling client's; see {@link toIssues}).
 * @example
 * const order = await validate(Order, data, 'response', { status: 200 }, redactor); // 'response body invalid at $.id: ...'
 */
export async function validate<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
  direction: 'request' | 'response',
  details?: { status?: number; what?: string },
  redactor: Redactor = defaultRedactor,
): Promise<InferOutput<S>> {
  if (!isStandardSchema(schema)) throw optionError('', 'schema', 'a Standard Schema', schema);
  const result = await schema['~standard'].validate(value);
  if (result.issues) {
    throw new ValidationError(direction, toIssues(result.issues, value, redactor), details);
  }
  return result.value;
}
