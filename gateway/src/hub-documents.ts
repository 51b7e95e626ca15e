/**
 * The hub's own trusted documents: the operations of the council dashboard
 * (gateway/dashboard/documents/*.graphql, one operation per file), shipped
 * with the code. The gateway hashes them at start, exactly as
 * `npm run trusted-documents -- add` hashes a partner's (the SHA-256 of the
 * file's text without surrounding whitespace), and always allows them, in
 * every mode, next to the partners' manifests (trusted-documents.ts).
 *
 * The page asks for them by hash only: `GET /dashboard/operations.js` is made
 * here from the same files, `export const DOCUMENTS = { <operation name>: <hash> }`,
 * so the page and the gateway cannot disagree about a document.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse } from 'graphql';
import { documentHash, type TrustedDocument } from './trusted-documents.ts';

export const HUB_DOCUMENTS_DIR = fileURLToPath(new URL('../dashboard/documents/', import.meta.url));
/** the `partner` of the hub's own documents */
export const HUB_PARTNER = 'hub-dashboard';
/** The FHIR route's operations (gateway/src/fhir.ts), trusted the same way, as their own `partner`. */
export const HUB_FHIR_DOCUMENTS_DIR = fileURLToPath(new URL('../fhir/documents/', import.meta.url));
export const HUB_FHIR_PARTNER = 'hub-fhir';

export interface HubDocument {
  /** the name of the file's one operation */
  name: string;
  hash: string;
  document: string;
}

let cached: HubDocument[] | undefined;

/** The dashboard's documents, in file-name order; throws naming the file on one that is not a single named operation. */
export function hubDocuments(dir = HUB_DOCUMENTS_DIR): HubDocument[] {
  if (dir === HUB_DOCUMENTS_DIR && cached) return cached;
  const out: HubDocument[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()) {
    const document = readFileSync(join(dir, file), 'utf8').trim();
    const operations = parse(document).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    const name = operations.length === 1 ? operations[0]!.name?.value : undefined;
    if (!name || `${name}.graphql` !== file) throw new Error(`${join(dir, file)}: a hub document holds one operation, named as its file`);
    out.push({ name, hash: documentHash(document), document });
  }
  if (dir === HUB_DOCUMENTS_DIR) cached = out;
  return out;
}

/** The hub's documents by hash, as a manifest's are. */
export const hubTrustedDocuments = (): Map<string, TrustedDocument> =>
  new Map([
    ...hubDocuments().map((d): [string, TrustedDocument] => [d.hash, { document: d.document, partner: HUB_PARTNER }]),
    ...hubDocuments(HUB_FHIR_DOCUMENTS_DIR).map((d): [string, TrustedDocument] => [d.hash, { document: d.document, partner: HUB_FHIR_PARTNER }]),
  ]);

/** The page's `operations.js`: the hash of every document, by operation name. */
export const operationsModule = (): string =>
  `// Made by the gateway from gateway/dashboard/documents/*.graphql (gateway/src/hub-documents.ts).\nexport const DOCUMENTS = ${JSON.stringify(
    Object.fromEntries(hubDocuments().map((d) => [d.name, d.hash])),
    null,
    2,
  )};\n`;
