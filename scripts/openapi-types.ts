/**
 * `npm run openapi:types`: regenerates the committed `paths` types sturdy/openapi's tests use
 * (test/openapi/generated/*.d.ts) with openapi-typescript, from our own documents
 * (test/openapi/specs/) and published examples (@readme/oas-examples, read where npm installed it).
 * openapi-typescript needs TypeScript 5's compiler API, so it runs from its own workspace
 * (tools/openapi-gen). test/openapi-generate.test.ts checks the committed output is current.
 * Usage: npm run openapi:types
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GENERATOR = `${ROOT}tools/openapi-gen/node_modules/.bin/openapi-typescript`;
const EXAMPLES = 'node_modules/@readme/oas-examples';

/** Each document (relative to the repository) and the file its types go to. */
export const SPECS: ReadonlyArray<{ spec: string; out: string }> = [
  { spec: 'test/openapi/specs/shop.yaml', out: 'test/openapi/generated/shop.d.ts' },
  { spec: `${EXAMPLES}/3.0/yaml/petstore.yaml`, out: 'test/openapi/generated/petstore-3.0.d.ts' },
  { spec: `${EXAMPLES}/3.0/yaml/petstore-expanded.yaml`, out: 'test/openapi/generated/petstore-expanded-3.0.d.ts' },
  { spec: `${EXAMPLES}/3.0/yaml/parameters-style.yaml`, out: 'test/openapi/generated/parameters-style-3.0.d.ts' },
  { spec: `${EXAMPLES}/3.1/yaml/petstore.yaml`, out: 'test/openapi/generated/petstore-3.1.d.ts' },
];

/**
 * Runs openapi-typescript on one document.
 * @example
 * generate('test/openapi/specs/shop.yaml', '/tmp/shop.d.ts');
 */
export function generate(spec: string, out: string): void {
  execFileSync(GENERATOR, [spec, '-o', out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const { spec, out } of SPECS) {
    generate(spec, out);
    console.log(`${spec} -> ${out}`);
  }
}
