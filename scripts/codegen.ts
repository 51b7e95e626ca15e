/**
 * `npm run codegen`: writes the resolver types of every subgraph and the shared enums from
 * the SDL (settings in codegen.ts). `--check` (CI) writes nothing and exits 1 when a
 * committed file differs from what the SDL gives now, like the supergraph's check.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import config from '../codegen.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const check = process.argv.includes('--check');

const outputs = (await generate({ ...config, cwd: root, silent: true }, false)) as Array<{ filename: string; content: string }>;
const stale: string[] = [];
for (const { filename, content } of outputs) {
  const path = resolve(root, filename);
  const current = existsSync(path) ? readFileSync(path, 'utf8') : null;
  if (current === content) continue;
  if (check) {
    stale.push(filename);
  } else {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    console.log(`wrote ${filename}`);
  }
}
if (stale.length > 0) {
  console.error(`Generated types are stale: run \`npm run codegen\` and commit the result.\n${stale.map((f) => `  - ${f}`).join('\n')}`);
  process.exit(1);
}
if (check) console.log(`${outputs.length} generated files are fresh.`);
