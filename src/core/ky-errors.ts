/**
 * ky's error guards and base class, re-exported unchanged by errors.ts. Apart from errors.ts's own import of ky: a
 * bundle that uses none of these drops this module, and with it their import specifiers.
 */
export { isHTTPError, isKyError, isNetworkError, isTimeoutError, KyError } from 'ky';
