const encoder = /* @__PURE__ */ new TextEncoder();

/**
 * Hex SHA-256 of `text` (Web Crypto: every runtime sturdy supports, a secure context in browsers).
 * The one digest for cache keys (sturdy/cache) and shared token keys (clientCredentials({ cache })).
 * @example
 * await sha256Hex('GET https://api.example.com/v1/orders') // '5d0c…' (64 hex digits)
 */
export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
