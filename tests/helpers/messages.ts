/**
 * The messages the code writes: every t`` (services/shared/src/i18n.ts) in the sources of the
 * subgraphs, the shared code and the gateway, found by parsing them, with the part each is in.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { keyOf } from '../../services/shared/src/i18n.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const DIRS = ['services', 'gateway/src'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'generated' || e.name === 'drizzle' ? [] : sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

export interface UsedMessage {
  key: string;
  part: string;
  file: string;
  line: number;
}

/** The part a source file belongs to: its subgraph, shared, or gateway. */
export function partOf(file: string): string {
  const rel = relative(ROOT, file);
  if (rel.startsWith('gateway/')) return 'gateway';
  const m = /^services\/([^/]+)\//.exec(rel);
  return m?.[1] ?? 'shared';
}

export function usedMessages(): UsedMessage[] {
  const out: UsedMessage[] = [];
  for (const file of DIRS.flatMap((d) => sources(join(ROOT, d)))) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('t`')) continue;
    const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const visit = (n: ts.Node): void => {
      if (ts.isTaggedTemplateExpression(n) && ts.isIdentifier(n.tag) && n.tag.text === 't') {
        const tpl = n.template;
        const strings = ts.isNoSubstitutionTemplateLiteral(tpl) ? [tpl.text] : [tpl.head.text, ...tpl.templateSpans.map((s) => s.literal.text)];
        const line = src.getLineAndCharacterOfPosition(n.getStart(src)).line + 1;
        out.push({ key: keyOf(strings), part: partOf(file), file: relative(ROOT, file), line });
      }
      ts.forEachChild(n, visit);
    };
    visit(src);
  }
  return out;
}
