/**
 * The shared credential rules: which origins may receive a credential, and
 * over which transports (DESIGN.md section 3).
 */
import { AuthError } from '../core/errors.ts';

/** `localhost`, `*.localhost`, 127.0.0.0/8 and [::1] never leave the machine. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '[::1]' || host === '::1') return true;
  return /^127(?:\.\d{1,3}){3}$/.test(host);
}

/**
 * Refuses to send a credential over plain http to a host other than loopback,
 * unless `allowInsecure` is set. Thrown before any network call.
 */
export function assertSecureTransport(url: URL, strategy: string, allowInsecure: boolean | undefined): void {
  if (url.protocol !== 'http:' || allowInsecure || isLoopback(url.hostname)) return;
  throw new AuthError(
    `refusing to send ${strategy} credentials over plain http to ${url.origin}: use https, or pass allowInsecure: true if this network is trusted`,
  );
}
