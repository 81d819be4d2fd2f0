/**
 * The shared credential rules: which origins may receive a credential, and over which transports.
 */
import { AuthError } from '../core/errors.ts';

/** `localhost`, `*.localhost`, 127.0.0.0/8 and [::1] never leave the machine. */
const isLoopback = (hostname: string): boolean =>
  /^(?:(?:.+\.)?localhost|\[::1\]|::1|127(?:\.\d{1,3}){3})$/i.test(hostname);

/**
 * Refuses to send a credential over plain http to a host other than loopback, unless `allowInsecure` is set.
 * Thrown before any network call.
 */
export function assertSecureTransport(url: URL, strategy: string, allowInsecure: boolean | undefined): void {
  if (url.protocol === 'http:' && !allowInsecure && !isLoopback(url.hostname)) {
    throw new AuthError(
      `refusing to send ${strategy} credentials over plain http to ${url.origin}: use https (or allowInsecure: true)`,
    );
  }
}
