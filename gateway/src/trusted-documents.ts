/**
 * Trusted documents (persisted operations): an allow-list of operation documents by the
 * SHA-256 of their text, through Hive Gateway's own `persistedDocuments` option (Yoga's
 * usePersistedOperations underneath). A client sends the hash, as Apollo clients do
 * (`extensions.persistedQuery.sha256Hash`, version 1) or Relay/Hive style (`documentId`);
 * the gateway runs the document the manifest holds for it.
 *
 * HUB_TRUSTED_DOCUMENTS names a manifest, or a directory of manifests (`*.json`, one per
 * partner). A manifest is `{ "<sha256 hex>": "<document>" }`, or Apollo's persisted query
 * manifest (`{ "format": "apollo-persisted-query-manifest", "operations": [{ "id", "body" }] }`).
 * Start-up refuses a manifest whose hash does not match its document.
 *
 * HUB_TRUSTED_DOCUMENTS_MODE:
 * - `off`: the manifest is not read; every document is accepted (as without a manifest);
 * - `allow-arbitrary-in-development` (the default): hashes from the manifest work; a full
 *   document is accepted in development, and in production only if it is in the manifest;
 * - `enforce`: a full document is accepted only if it is in the manifest, in either mode.
 *
 * The hub's own documents (the council dashboard's, hub-documents.ts) are trusted in every mode,
 * with or without a manifest: the page sends them by hash.
 *
 * Nothing is ever registered by a request (no automatic persisted queries): an unknown hash is
 * PERSISTED_QUERY_NOT_FOUND, whatever the client sent alongside it.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { GatewayConfigSupergraph, GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { ConfigError, type GatewayConfig } from '../../services/shared/src/env.ts';
import { t, type Msg } from '../../services/shared/src/i18n.ts';
import { GraphQLError } from 'graphql';

export const documentHash = (document: string): string => createHash('sha256').update(document, 'utf8').digest('hex');

export interface TrustedDocument {
  document: string;
  /** the manifest it came from (a partner's file name without .json) */
  partner: string;
}

const HASH = /^[0-9a-f]{64}$/;

/** The documents of one manifest's JSON, by hash; throws naming the file on a malformed manifest or a wrong hash. */
export function parseManifest(text: string, partner: string, where = partner): Map<string, TrustedDocument> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${where}: not JSON`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error(`${where}: a manifest is a JSON object { "<sha256>": "<document>" }`);
  const apollo = (json as { format?: unknown }).format === 'apollo-persisted-query-manifest';
  const entries: Array<[unknown, unknown]> = apollo
    ? ((json as { operations?: Array<{ id?: unknown; body?: unknown }> }).operations ?? []).map((o) => [o.id, o.body])
    : Object.entries(json);
  const documents = new Map<string, TrustedDocument>();
  for (const [hash, document] of entries) {
    if (typeof hash !== 'string' || !HASH.test(hash)) throw new Error(`${where}: ${String(hash)} is not a SHA-256 hash (64 lower-case hex digits)`);
    if (typeof document !== 'string' || document.trim() === '') throw new Error(`${where}: the document of ${hash} is not a non-empty string`);
    if (documentHash(document) !== hash) throw new Error(`${where}: ${hash} is not the SHA-256 of its document (it is ${documentHash(document)})`);
    documents.set(hash, { document, partner });
  }
  return documents;
}

/** The manifest file, or every `*.json` manifest in the directory (one per partner). */
export function loadTrustedDocuments(path: string): Map<string, TrustedDocument> {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => join(path, f))
    : [path];
  const all = new Map<string, TrustedDocument>();
  for (const file of files) {
    for (const [hash, doc] of parseManifest(readFileSync(file, 'utf8'), basename(file, '.json'), file)) {
      if (!all.has(hash)) all.set(hash, doc);
    }
  }
  return all;
}

/** Rendered when refused, in the language of the request (services/shared/src/i18n.ts). */
const refusal = (code: string, message: Msg) => () => new GraphQLError(String(message), { extensions: { code, http: { status: 400 } } });

export const TRUSTED_DOCUMENT_ERRORS = {
  notFound: refusal(
    'PERSISTED_QUERY_NOT_FOUND',
    t`This operation is not one of the trusted documents of this hub; register it (npm run trusted-documents -- add <partner> <file.graphql>).`,
  ),
  persistedQueryOnly: refusal(
    'PERSISTED_QUERY_REQUIRED',
    t`This hub runs trusted documents only: send the SHA-256 of a registered document (extensions.persistedQuery.sha256Hash, or documentId).`,
  ),
  keyNotFound: refusal('PERSISTED_QUERY_ID_REQUIRED', t`Send a query, or the SHA-256 of a registered document.`),
};

export interface TrustedDocumentsSetup {
  /** Hive Gateway's `persistedDocuments` option */
  persistedDocuments: NonNullable<GatewayConfigSupergraph['persistedDocuments']>;
  /** marks a full document that is in the manifest, so that it is accepted where arbitrary ones are not */
  plugin: GatewayPlugin;
  /** the partners' documents (the hub's own not counted) */
  count: number;
  /** whether a full document must be a trusted one */
  enforced: boolean;
}

/**
 * Hive Gateway's configuration for the trusted documents: the hub's own (`own`, the dashboard's:
 * hub-documents.ts), always allowed, and the partners' manifests unless the mode is off. Without
 * a manifest (or with the mode off) any other document is accepted too, as before trusted documents.
 */
export function trustedDocuments(
  config: Pick<GatewayConfig, 'mode' | 'trustedDocuments'>,
  own: ReadonlyMap<string, TrustedDocument> = new Map(),
): TrustedDocumentsSetup {
  const setup = config.trustedDocuments;
  const documents = new Map(own);
  let partners = 0;
  if (setup && setup.mode !== 'off') {
    let loaded: Map<string, TrustedDocument>;
    try {
      loaded = loadTrustedDocuments(setup.path);
    } catch (err) {
      const missing = (err as { code?: string }).code === 'ENOENT';
      throw new ConfigError([`HUB_TRUSTED_DOCUMENTS: ${missing ? `${setup.path} does not exist` : (err as Error).message}`]);
    }
    partners = loaded.size;
    for (const [hash, doc] of loaded) if (!documents.has(hash)) documents.set(hash, doc);
  }
  const arbitrary = !setup || setup.mode === 'off' || (setup.mode === 'allow-arbitrary-in-development' && config.mode === 'development');
  // The full documents of this request that the manifest holds (decided before Yoga's onParams, where the plugin asks).
  const registered = new WeakSet<Request>();
  // A full document is trusted when its text is one of theirs: each text's SHA-256 was checked against its hash at start-up,
  // so this is the same test as looking its hash up, without hashing every request's text.
  const texts = new Set([...documents.values()].map((d) => d.document));
  return {
    count: partners,
    enforced: !arbitrary,
    persistedDocuments: {
      getPersistedOperation: (hash: string) => documents.get(hash)?.document ?? null,
      allowArbitraryDocuments: arbitrary ? true : (request: Request) => registered.has(request),
      customErrors: TRUSTED_DOCUMENT_ERRORS,
    },
    plugin: {
      onRequestParse({ request }) {
        if (arbitrary) return;
        return {
          onRequestParseDone({ requestParserResult }) {
            if (Array.isArray(requestParserResult)) return;
            const query = requestParserResult.query;
            if (typeof query === 'string' && texts.has(query)) registered.add(request);
          },
        };
      },
    },
  };
}
