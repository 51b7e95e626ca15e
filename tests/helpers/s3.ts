/**
 * A real S3-compatible server for the tests of the S3 document store: s3rver, which implements the
 * S3 REST API, on 127.0.0.1 over a temporary directory, with one bucket. Its objects are read back
 * through the same SDK the hub uses.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
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

/** A TCP relay in front of the test bucket that can be made to fail: the store going down during a put. */
export interface Relay {
  endpoint: string;
  /** while true, every connection is cut as soon as a request arrives on it (one already open too) */
  cut: (on: boolean) => void;
  stop: () => Promise<void>;
}

export async function startRelay(target: string): Promise<Relay> {
  const { hostname, port } = new URL(target);
  let cutting = false;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.on('data', (chunk) => {
      if (cutting) {
        client.destroy();
        upstream.destroy();
      } else upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: listening } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${listening}`,
    cut: (on) => {
      cutting = on;
    },
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
