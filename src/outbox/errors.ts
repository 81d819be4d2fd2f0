import { SturdyError, isSturdyError } from '../core/errors.ts';

/** Why an outbox refused a job or ended one without the server's answer. */
export type OutboxErrorReason = 'full' | 'tooLarge' | 'expired' | 'closed';

/**
 * The outbox refused a job (`full`: `maxJobs` are waiting; `tooLarge`: the body is over `maxBodyBytes`;
 * `closed`: `close()` was called) or gave up on one (`expired`: older than `maxAge`; the server may or may
 * not have processed an earlier delivery).
 * @example
 * const job = await box.send('orders', { json }).catch((error) => { if (isOutboxError(error) && error.reason === 'full') showRetryLater(); });
 */
export class OutboxError extends SturdyError {
  override name = 'OutboxError';
  readonly reason: OutboxErrorReason;
  constructor(reason: OutboxErrorReason, message: string) {
    super(`sturdy/outbox: ${message}`);
    this.reason = reason;
  }
}

/**
 * True for an OutboxError, across realms.
 * @example
 * if (!outcome.ok && isOutboxError(outcome.error) && outcome.error.reason === 'expired') askUserToRetry();
 */
export const isOutboxError = (error: unknown): error is OutboxError =>
  isSturdyError(error) && error.name === 'OutboxError';
