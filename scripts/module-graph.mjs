/**
 * The TypeScript files an entry point loads and the packages they import,
 * read from the sources: `import … from`, `export … from` (not `import
 * type`) and `import('…')` of a literal path (unless `staticOnly`; not
 * `typeof import('…')`, a type),
 * following relative `.ts` paths. Plain JavaScript, for scripts/run.mjs, which runs before tsx is
 * there.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const IMPORT = /^\s*(?:import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|(?<!\btypeof\s+)\bimport\(\s*()['"]([^'"]+)['"]\s*\)/gm;

/**
 * `staticOnly`: what the entry loads for sure, leaving out what it imports with `import('…')` (and what only that imports).
 * @param {string} entry @param {{ staticOnly?: boolean }} [options] @returns {{ files: string[], packages: string[] }}
 */
export function moduleGraph(entry, { staticOnly = false } = {}) {
  const files = new Set();
  const packages = new Set();
  const visit = (file) => {
    if (files.has(file)) return;
    files.add(file);
    for (const [, typeOnly, staticSpec, , dynamicSpec] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = staticSpec ?? dynamicSpec;
      if (typeOnly || (staticOnly && staticSpec === undefined)) continue;
      if (spec.startsWith('.')) {
        if (spec.endsWith('.ts')) visit(resolve(dirname(file), spec));
      } else if (!spec.startsWith('node:')) packages.add(spec);
    }
  };
  visit(resolve(entry));
  return { files: [...files].sort(), packages: [...packages].sort() };
}
