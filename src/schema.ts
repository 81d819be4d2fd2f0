import { ValidationError, type Issue } from './errors.ts';

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
type StandardIssue = { readonly message: string; readonly path?: ReadonlyArray<StandardPathSegment> | undefined };
type StandardResult<Output> = { readonly value: Output; readonly issues?: undefined } | { readonly issues: ReadonlyArray<StandardIssue> };

/** The type a schema accepts. */
export type InferInput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['input'];
/** The type a schema produces (transforms applied). */
export type InferOutput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['output'];

export const isStandardSchema = (value: unknown): value is StandardSchemaV1 =>
  (typeof value === 'object' || typeof value === 'function') &&
  value !== null &&
  typeof (value as StandardSchemaV1)['~standard']?.validate === 'function';

/** `['items', 2, 'price']` -> `$.items[2].price` */
export function formatPath(path: ReadonlyArray<StandardPathSegment> | undefined): string {
  let result = '$';
  for (const segment of path ?? []) {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
    if (typeof key === 'number') result += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) result += `.${key}`;
    else result += `[${JSON.stringify(String(key))}]`;
  }
  return result;
}

/**
 * Validates `value` with any Standard Schema (sync or async). Returns the
 * schema's output, or throws ValidationError with every issue and its path.
 */
export async function validate<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
  direction: 'request' | 'response',
  details: { status?: number; what?: string } = {},
): Promise<InferOutput<S>> {
  if (!isStandardSchema(schema)) {
    throw new TypeError(`sturdy: the ${direction} schema must be a Standard Schema (valibot, zod, arktype, ...); got ${typeof schema}`);
  }
  let result = schema['~standard'].validate(value);
  if (result instanceof Promise) result = await result;
  if (result.issues) {
    const issues: Issue[] = result.issues.map((issue) => ({ message: issue.message, path: formatPath(issue.path) }));
    throw new ValidationError(direction, issues, details);
  }
  return result.value as InferOutput<S>;
}
