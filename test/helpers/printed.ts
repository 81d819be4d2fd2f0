/**
 * Every way a user prints an error, for the checks that printing never throws and never shows a
 * secret: loggers call String, JSON.stringify and util.inspect, and print the stack and the cause.
 */
import { inspect } from 'node:util';

/** Each printed form of `error`, one string per form; producing them throws if printing throws. */
export function printForms(error: unknown): string[] {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  return [
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: 10 }),
    inspect({ wrapped: error }, { depth: 10 }),
    error instanceof Error ? error.message : '',
    error instanceof Error ? (error.stack ?? '') : '',
    cause?.message ?? '',
    cause?.stack ?? '',
  ];
}

/** Every printed form of `error` in one text, for `expect(printed(error)).not.toContain(secret)`. */
export const printed = (error: unknown): string => printForms(error).join('\n');
