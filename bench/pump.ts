/**
 * The bench servers' writer: writes `next()` until `total` bytes (or characters) are out, waiting for
 * `drain` whenever the socket is full, then ends the response. Nothing is buffered past one chunk.
 * @example
 * pump(response, 64 << 20, () => block);
 */
import type { ServerResponse } from 'node:http';

export function pump(response: ServerResponse, total: number, next: () => string | Buffer): void {
  let sent = 0;
  const write = () => {
    while (sent < total) {
      const chunk = next();
      sent += chunk.length;
      if (!response.write(chunk)) return void response.once('drain', write);
    }
    response.end();
  };
  write();
}
