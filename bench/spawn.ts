/** Child processes for the bench: the loopback server and one-shot measurement scripts. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const HERE = import.meta.dirname;

export type BenchServer = { url: string; close(): void };

/** Starts bench/server.ts in its own process; resolves with its base URL. */
export function startBenchServer(): Promise<BenchServer> {
  const child: ChildProcess = spawn(process.execPath, [resolve(HERE, 'server.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolvePromise, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (data: Buffer) => {
      resolvePromise({ url: `http://127.0.0.1:${data.toString().trim()}`, close: () => child.kill() });
    });
  });
}

/** Runs `node script ...args` and resolves with its stdout parsed as JSON. */
export function runJson<T>(script: string, args: string[]): Promise<T> {
  const child = spawn(process.execPath, [resolve(HERE, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (data: Buffer) => (out += data.toString()));
  return new Promise((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`${script} ${args.join(' ')} exited with ${code}`));
      try {
        resolvePromise(JSON.parse(out) as T);
      } catch (error) {
        reject(error);
      }
    });
  });
}
