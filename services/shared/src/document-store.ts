/**
 * The S3-compatible bucket documents' bytes go to when HUB_DOCUMENT_S3_BUCKET is set (without it
 * they stay in the `document` table's bytea column; documents.ts). An object's key is an opaque
 * random id that names neither the file nor the person; the `document` row keeps the metadata,
 * the size, the SHA-256 and the key. Each put sends the SHA-256 (x-amz-checksum-sha256) so the
 * store itself refuses bytes that changed on the way; a read is streamed, never held whole.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { DocumentS3Config } from './env.ts';

export interface DocumentObjectStore {
  /** the bucket's name, for /ready and the log */
  readonly bucket: string;
  /** a fresh opaque key for one upload attempt */
  newKey: () => string;
  put: (key: string, bytes: Buffer, sha256: Buffer, contentType: string) => Promise<void>;
  /** the object's bytes as a stream, or null when there is no object under the key */
  get: (key: string) => Promise<Readable | null>;
  /** removes the object (no error when it is gone already) */
  remove: (key: string) => Promise<void>;
  /** the bucket answers (a HEAD of it): null when it does, else a short reason */
  check: () => Promise<string | null>;
  close: () => void;
}

const missing = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
};

export function s3DocumentStore(config: DocumentS3Config): DocumentObjectStore {
  const client = new S3Client({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    forcePathStyle: config.forcePathStyle,
    ...(config.credentials ? { credentials: config.credentials } : {}),
    // the checksum is the hub's own SHA-256, sent with the bytes; no extra streaming checksums
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 2,
  });
  const { bucket } = config;
  return {
    bucket,
    newKey: () => `documents/${randomUUID()}`,
    put: async (key, bytes, sha256, contentType) => {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: bytes,
          ContentLength: bytes.length,
          ContentType: contentType,
          ChecksumSHA256: sha256.toString('base64'),
          ContentMD5: createHash('md5').update(bytes).digest('base64'),
        }),
      );
    },
    get: async (key) => {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return (out.Body as Readable | undefined) ?? null;
      } catch (err) {
        if (missing(err)) return null;
        throw err;
      }
    },
    remove: async (key) => {
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } catch (err) {
        if (!missing(err)) throw err;
      }
    },
    check: async () => {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: AbortSignal.timeout(3000) });
        return null;
      } catch (err) {
        return missing(err) ? 'document bucket not found' : 'document store unreachable';
      }
    },
    close: () => client.destroy(),
  };
}
