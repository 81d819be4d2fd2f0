import { SturdyError, isSturdyError } from '../core/errors.ts';

/**
 * Pagination could not go on safely: the next page's URL was already fetched (`reason: 'loop'`), or
 * there is a next page beyond `maxPages` (`reason: 'maxPages'`). `url` is redacted.
 * @example
 * catch (error) { if (isPaginationError(error) && error.reason === 'loop') console.error(error.page, error.url) }
 */
export class PaginationError extends SturdyError {
  override name = 'PaginationError';
  readonly reason: 'loop' | 'maxPages';
  /** The page (1-based) that would have been fetched. */
  readonly page: number;
  /** Its URL, redacted with the client's rules. */
  readonly url: string;
  constructor(reason: 'loop' | 'maxPages', message: string, details: { page: number; url: string }) {
    super(message);
    this.reason = reason;
    this.page = details.page;
    this.url = details.url;
  }
}

/**
 * True for a PaginationError, across realms.
 * @example
 * if (isPaginationError(error)) console.error(error.reason);
 */
export const isPaginationError = (error: unknown): error is PaginationError =>
  isSturdyError(error) && error.name === 'PaginationError';
