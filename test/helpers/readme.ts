/** README examples as runnable source: the first ```ts block of a section, imports pointed at the source. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The first TypeScript block under `## <heading>`, with each `from '<specifier>'` pointing at its source
 * file (more specific specifiers first) and the example's host swapped for a test server's.
 * @example
 * const source = readmeExample('HTTP cache and de-duplication', { 'sturdy/cache': 'src/cache/index.ts', sturdy: 'src/index.ts' }, `${server.url}/v1/`);
 */
export function readmeExample(heading: string, imports: Record<string, string>, baseUrl: string): string {
  const readme = readFileSync('README.md', 'utf8');
  const at = readme.indexOf(`\n## ${heading}`);
  const block = at < 0 ? undefined : /```ts\n([\s\S]*?)```/.exec(readme.slice(at))?.[1];
  if (block === undefined) throw new Error(`README has no \`\`\`ts block under "## ${heading}"`);
  let source = block.replace('https://api.example.com/v1/', baseUrl);
  for (const [specifier, file] of Object.entries(imports))
    source = source.replace(`from '${specifier}'`, `from ${JSON.stringify(resolve(file))}`);
  return source;
}
