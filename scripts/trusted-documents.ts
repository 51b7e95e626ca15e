/**
 * The trusted documents (persisted operations) of the gateway, one manifest per partner:
 *   npm run trusted-documents -- add <partner> <file.graphql ...>   hashes each document into <dir>/<partner>.json
 *   npm run trusted-documents -- list                               every hash, its partner and operation names,
 *                                                                   the hub's own documents (partner hub-dashboard) too
 *   npm run trusted-documents -- check                              reads the manifests as the gateway will
 * <dir> is HUB_TRUSTED_DOCUMENTS (a directory), or trusted-documents/ in the repository.
 * A document's hash is the SHA-256 (hex) of its text as stored: the file's content without
 * surrounding whitespace. The client sends that hash (extensions.persistedQuery.sha256Hash or
 * documentId); `add` prints it for each file.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse } from 'graphql';
import { hubTrustedDocuments } from '../gateway/src/hub-documents.ts';
import { documentHash, loadTrustedDocuments, parseManifest } from '../gateway/src/trusted-documents.ts';

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const USAGE = 'usage: npm run trusted-documents -- add <partner> <file.graphql ...> | list | check';
const dir = resolve(process.env.HUB_TRUSTED_DOCUMENTS || fileURLToPath(new URL('../trusted-documents/', import.meta.url)));
const [command, ...args] = process.argv.slice(2);

const operationNames = (document: string) =>
  parse(document)
    .definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION)
    .map((d) => d.name?.value ?? '(anonymous)');

if (command === 'add') {
  const [partner, ...files] = args;
  if (!partner || files.length === 0) fail(USAGE);
  if (!/^[a-z0-9][a-z0-9_-]*$/i.test(partner)) fail(`partner "${partner}": letters, digits, - and _ only (it names the file ${partner}.json)`);
  if (existsSync(dir) && !statSync(dir).isDirectory()) fail(`${dir} is a file; add writes one manifest per partner into a directory (HUB_TRUSTED_DOCUMENTS)`);
  const file = join(dir, `${partner}.json`);
  const manifest: Record<string, string> = {};
  if (existsSync(file)) {
    try {
      for (const [hash, { document }] of parseManifest(readFileSync(file, 'utf8'), partner, file)) manifest[hash] = document;
    } catch (err) {
      fail((err as Error).message);
    }
  }
  const added: string[] = [];
  for (const path of files) {
    let document: string;
    try {
      document = readFileSync(path, 'utf8').trim();
    } catch {
      fail(`${path}: cannot be read`);
    }
    let names: string[];
    try {
      names = operationNames(document);
    } catch (err) {
      fail(`${path}: not a GraphQL document (${(err as Error).message})`);
    }
    if (names.length === 0) fail(`${path}: has no operation`);
    const hash = documentHash(document);
    manifest[hash] = document;
    added.push(`${hash}  ${path}  ${names.join(', ')}`);
  }
  mkdirSync(dir, { recursive: true });
  const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(file, `${JSON.stringify(sorted, null, 2)}\n`);
  console.log(added.join('\n'));
  console.error(`${file}: ${Object.keys(sorted).length} document(s)`);
} else if (command === 'list' || command === 'check') {
  // `list` shows what the gateway will allow: the partners' manifests (when there are any) and the hub's own documents
  if (command === 'check' && !existsSync(dir)) fail(`${dir} does not exist`);
  let documents;
  try {
    documents = existsSync(dir) ? loadTrustedDocuments(dir) : (new Map() as ReturnType<typeof loadTrustedDocuments>);
  } catch (err) {
    fail((err as Error).message);
  }
  if (command === 'list') {
    for (const [hash, { partner, document }] of [...documents, ...hubTrustedDocuments()])
      console.log(`${hash}  ${partner}  ${operationNames(document).join(', ')}`);
  } else {
    for (const [hash, { partner, document }] of documents) {
      try {
        operationNames(document);
      } catch (err) {
        fail(`${partner} ${hash}: not a GraphQL document (${(err as Error).message})`);
      }
    }
    console.log(`${documents.size} trusted document(s) in ${dir}`);
  }
} else {
  fail(USAGE);
}
