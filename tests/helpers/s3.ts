/**
 * A real S3-compatible server for the tests of the S3 document store: s3rver, which implements the
 * S3 REST API, on 127.0.0.1 over a temporary directory, with one bucket. Its objects are read back
 * through the same SDK the hub uses.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { ListObjectsV2Command, S3Client, GetObjectCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';

export interface TestS3 {
  /** HUB_DOCUMENT_S3_* for a subgraph to use it */
  env: Record<string, string>;
  bucket: string;
  /** the keys of the bucket's objects */
  keys: () => Promise<string[]>;
  /** an object's bytes, or null */
  object: (key: string) => Promise<Buffer | null>;
  /** removes an object behind the hub's back */
  drop: (key: string) => Promise<void>;
  stop: () => Promise<void>;
}

export async function startS3(bucket = 'hub-documents'): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 'hub-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
  return {
    bucket,
    env: {
      HUB_DOCUMENT_S3_ENDPOINT: endpoint,
      HUB_DOCUMENT_S3_BUCKET: bucket,
      HUB_DOCUMENT_S3_REGION: 'us-east-1',
      HUB_DOCUMENT_S3_ACCESS_KEY_ID: credentials.accessKeyId,
      HUB_DOCUMENT_S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    },
    keys: async () => {
      const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1000 }));
      return (out.Contents ?? []).map((o) => o.Key!).sort();
    },
    object: async (key) => {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return Buffer.from(await out.Body!.transformToByteArray());
      } catch {
        return null;
      }
    },
    drop: async (key) => {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    stop: async () => {
      client.destroy();
      // keep-alive connections of the hub's clients would hold close() open
      (server as unknown as { httpServer?: { closeAllConnections?: () => void } }).httpServer?.closeAllConnections?.();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
