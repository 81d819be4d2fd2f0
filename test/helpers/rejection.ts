import { expect } from 'vitest';
import { isValidationError, type ValidationError } from '../../src/index.ts';

/** Awaits a promise that must reject with a ValidationError, and returns that error. */
export async function validationRejection(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isValidationError(error)).toBe(true);
  return error as ValidationError;
}
