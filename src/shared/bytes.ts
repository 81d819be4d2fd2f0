/**
 * Joins byte chunks into one array of `length` bytes (the sum of their lengths). Always a new
 * array: a caller that may hand back a chunk it owns checks for a single chunk first.
 * @example
 * const bytes = concatBytes([new Uint8Array([1]), new Uint8Array([2, 3])], 3); // Uint8Array [1, 2, 3]
 */
export function concatBytes(chunks: readonly Uint8Array[], length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
