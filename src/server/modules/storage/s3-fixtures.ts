import { freshBucket, requireS3, type S3TestServer } from '../../testing/s3.js';
import { putObject, s3CommandCounts } from '../../s3/client.js';

/** S3 storages in tests: the real radosgw (scripts/s3-server.sh), a fresh bucket per test. */

export const IMAGE_CONFIG = `<View><Image name="image" value="$image"/><Choices name="kind" toName="image"><Choice value="cat"/><Choice value="dog"/></Choices></View>`;

/** The fields a storage needs to reach the test server. */
export const s3Fields = (s3: S3TestServer, bucket: string, extra: Record<string, unknown> = {}) => ({
  bucket,
  s3_endpoint: s3.endpoint,
  aws_access_key_id: s3.accessKeyId,
  aws_secret_access_key: s3.secretAccessKey,
  region_name: s3.region,
  ...extra,
});

/** A fresh bucket holding `objects` (key → body). */
export async function bucketWith(prefix: string, objects: Record<string, string | Uint8Array>): Promise<{ s3: S3TestServer; bucket: string }> {
  const s3 = await requireS3();
  const bucket = await freshBucket(prefix);
  await putAll(s3, bucket, objects);
  return { s3, bucket };
}

export async function putAll(s3: S3TestServer, bucket: string, objects: Record<string, string | Uint8Array>): Promise<void> {
  await Promise.all(Object.entries(objects).map(([key, body]) => putObject(s3.client, bucket, key, body)));
}

/** How many objects this process read (GetObject) while `fn` ran. */
export async function countGets<T>(fn: () => Promise<T>): Promise<{ result: T; gets: number }> {
  const before = s3CommandCounts().GetObjectCommand ?? 0;
  const result = await fn();
  return { result, gets: (s3CommandCounts().GetObjectCommand ?? 0) - before };
}
