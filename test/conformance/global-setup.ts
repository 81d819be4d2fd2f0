/**
 * vitest globalSetup for the edge and browser projects: starts the conformance
 * server in Node and provides its URL to the tests (`inject('conformanceUrl')`).
 */
import type { TestProject } from 'vitest/node';
import { startConformanceServer } from './server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    conformanceUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startConformanceServer();
  project.provide('conformanceUrl', server.url);
  return () => server.close();
}
