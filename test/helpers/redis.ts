/**
 * A real Redis for the tests that share state between instances: Debian's
 * `redis-server` on a random loopback port, no persistence, one per test file.
 * Without redis-server the tests skip (with a message saying how to get it),
 * except in CI (`CI` set), where a missing server fails them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer, createConnection } from 'node:net';
import type { AddressInfo } from 'node:net';

export type RedisServer = {
  port: number;
  /** `redis://127.0.0.1:PORT` */
  url: string;
  /** Kills the server at once (SIGKILL): Redis "going away". */
  kill(): Promise<void>;
  /** Stops the server (idempotent). */
  stop(): Promise<void>;
};

/**
 * Is there a redis-server to start? False only outside CI; in CI a missing server is an error.
 * @example
 * describe.skipIf(!redisAvailable())('shared quota', () => { ... })
 */
export function redisAvailable(): boolean {
  const found = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  if (found) return true;
  if (process.env.CI) throw new Error('redis-server is missing in CI: .ci/run installs it (scripts/ensure-redis.sh)');
  console.warn(
    '[redis] redis-server not found: the Redis tests are skipped. Install it with `bash scripts/ensure-redis.sh` (Debian, as root) or `apt-get install redis-server`.',
  );
  return false;
}

/**
 * Starts a redis-server on a free loopback port and waits until it answers PING.
 * @example
 * const redis = await startRedis(); afterAll(() => redis.stop());
 */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = Date.now();
  while (!(await answersPing(port))) {
    if (child.exitCode !== null || Date.now() - started > 10_000) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not answer PING on port ${port}: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { port, url: `redis://127.0.0.1:${port}`, kill: () => end('SIGKILL'), stop: () => end('SIGTERM') };
}

/** Sends PING over a raw socket; true on +PONG. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
