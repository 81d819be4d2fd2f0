/**
 * The conformance suite as a Cloudflare Worker: GET / runs every case against
 * the SERVER_URL binding and answers with the report. Bundled together with the
 * built package and its exported entry points by workerd.ts (workerd cannot resolve bare imports).
 */
import type { Entries, SturdyModule } from '../cases.ts';
import { runConformance } from './run.ts';

/**
 * @example
 * import * as sturdy from 'sturdy';
 * import * as sse from 'sturdy/sse';
 * export default conformanceWorker(sturdy, { sse }, '2026-07-30');
 */
export function conformanceWorker(sturdy: SturdyModule, entries: Entries, version: string) {
  return {
    async fetch(_request: Request, env: { SERVER_URL: string }): Promise<Response> {
      const lines: string[] = [];
      const report = await runConformance({
        url: env.SERVER_URL,
        runtime: 'workerd',
        sturdy,
        entries,
        version: `${version}, ${navigator.userAgent}`,
        log: (line) => lines.push(line),
      });
      return Response.json({ report, lines });
    },
  };
}
