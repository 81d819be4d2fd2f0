/** sturdy/ndjson, streaming bodies both ways: NDJSON records as they arrive, cancellation, uploads from factories. */
import * as v from 'valibot';
import { NDJSON_RECORDS, type CaseContext } from '../context.ts';
import { expect } from '../harness.ts';

/**
 * @example
 * registerNdjsonCases(createContext(registry, { url, runtime: 'deno', sturdy }));
 */
type NdjsonModule = typeof import('../../../src/ndjson/index.ts');

export function registerNdjsonCases({ registry, url, sturdy, api, received, guarded, entry }: CaseContext): void {
  const { ndjsonRecords, ndjsonBody } = entry<NdjsonModule>('ndjson');
  registry.test(
    'NDJSON download: records parse and validate as they arrive, across chunks cut inside characters',
    async () => {
      const Record = v.object({ id: v.number(), name: v.string() });
      const records: unknown[] = [];
      for await (const record of ndjsonRecords(api.get('ndjson'), Record)) records.push(record);
      expect(records).toEqual(NDJSON_RECORDS);
    },
  );

  registry.test('NDJSON download: a body that stalls after the headers rejects with TimeoutError (idle)', async () => {
    let error: unknown;
    try {
      for await (const _record of ndjsonRecords(api.get('stall', { idleTimeout: 200, retry: false })));
    } catch (caught) {
      error = caught;
    }
    expect(error).toSatisfy(sturdy.isTimeoutError);
    expect((error as { timeout?: string }).timeout).toBe('idle');
    expect((error as Error).message).toContain('idleTimeout of 200 ms');
  });

  guarded('NDJSON download: stopping early (break) hangs up on an endless stream', 'bodyCancel', async () => {
    const seen: number[] = [];
    for await (const record of ndjsonRecords<{ n: number }>(api.get('ndjson-endless'))) {
      seen.push(record.n);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([0, 1, 2]);
    let closed = false;
    for (let tries = 0; tries < 40 && !closed; tries++) {
      closed = ((await (await fetch(`${url}/__endless-closed`)).json()) as { closed: boolean }).closed;
      if (!closed) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(closed).toBe(true);
  });

  guarded('NDJSON upload from a factory is streamed, and streamed again on retry', 'uploadStreams', async () => {
    const records = () => [{ a: 1 }, { a: 2 }];
    const response = await api.post('ndjson-upload', {
      ...ndjsonBody(records),
      retry: { limit: 2, delay: () => 10, jitter: false },
    });
    expect(response.status).toBe(201);
    const requests = await received('/ndjson-upload');
    expect(requests.map((request) => request.body)).toEqual(['{"a":1}\n{"a":2}\n', '{"a":1}\n{"a":2}\n']);
    expect(requests[0]?.headers['content-type']).toBe('application/x-ndjson');
  });

  guarded('a streaming upload given as a factory is rebuilt and re-sent on retry', 'uploadStreams', async () => {
    const encoder = new TextEncoder();
    const stream = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode('chunk-1,'));
          controller.enqueue(encoder.encode('chunk-2'));
          controller.close();
        },
      });
    const response = await api.post('upload', {
      body: stream,
      headers: { 'content-type': 'text/plain' },
      retry: { limit: 2, delay: () => 10, jitter: false },
    });
    expect(response.status).toBe(201);
    const requests = await received('/upload');
    expect(requests.map((request) => request.body)).toEqual(['chunk-1,chunk-2', 'chunk-1,chunk-2']);
  });
}
