/**
 * The shared credential rules: which origins may receive a credential, and over which transports.
 */
import { AuthError } from '../core/errors.ts';

/**
 * Refuses to send a credential over plain http to a host other than loopback (`localhost`, `*.localhost`,
 * 127.0.0.0/8, [::1]: they never leave the machine), unless `allowInsecure` is set. Thrown before any network
 * call; true otherwise.
 * @example
 * origins.has(url.origin) && assertSecureTransport(url, 'bearer', allowInsecure)
 */
export function assertSecureTransport(url: URL, strategy: string, allowInsecure: boolean | undefined): true {
  if (url.protocol === 'http:' && !allowInsecure && !/^((.+\.)?localhost|\[::1\]|127\.[\d.]+)$/i.test(url.hostname))
    throw new AuthError(`${strategy} credentials need https (or allowInsecure) for ${url.origin}`);
  return true;
}
