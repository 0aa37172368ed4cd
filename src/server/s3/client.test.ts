import { beforeAll, describe, expect, it } from 'vitest';
import { freshBucket, requireS3, type S3TestServer } from '../testing/s3.js';
import { deleteObject, describeS3Error, emptyBucket, getObjectStream, getObjectText, headBucket, listObjects, parseS3Uri, presignGet, putObject, s3Client } from './client.js';

let s3: S3TestServer;
beforeAll(async () => {
  s3 = await requireS3();
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('s3 client against radosgw', () => {
  it('lists every page of a prefix, recursively or one level only', async () => {
    const bucket = await freshBucket('client-list');
    for (const key of ['a/1.json', 'a/2.json', 'a/3.json', 'a/deep/4.json', 'b/5.json']) await putObject(s3.client, bucket, key, `{"k":"${key}"}`);
    const all = await collect(listObjects(s3.client, bucket, 'a/', { recursive: true, pageSize: 2 }));
    expect(all.map((o) => o.key)).toEqual(['a/1.json', 'a/2.json', 'a/3.json', 'a/deep/4.json']);
    expect(all[0].etag).toMatch(/^[0-9a-f]{32}$/);
    expect(all[0].size).toBe('{"k":"a/1.json"}'.length);
    expect(all[0].lastModified).toBeInstanceOf(Date);
    const flat = await collect(listObjects(s3.client, bucket, 'a/', { recursive: false, pageSize: 2 }));
    expect(flat.map((o) => o.key)).toEqual(['a/1.json', 'a/2.json', 'a/3.json']);
  });

  it('reads, streams, deletes and presigns objects; a tampered presigned URL is refused', async () => {
    const bucket = await freshBucket('client-rw');
    const { etag } = await putObject(s3.client, bucket, 'x/hello.txt', 'hello world', 'text/plain');
    expect(await getObjectText(s3.client, bucket, 'x/hello.txt')).toBe('hello world');
    const stream = await getObjectStream(s3.client, bucket, 'x/hello.txt');
    expect(stream.etag).toBe(etag);
    expect(stream.contentType).toBe('text/plain');
    const url = await presignGet(s3.client, bucket, 'x/hello.txt', 60);
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('hello world');
    const tampered = url.replace(/X-Amz-Signature=([0-9a-f])/, (_, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
    expect(tampered).not.toBe(url);
    expect((await fetch(tampered)).status).toBe(403);
    await deleteObject(s3.client, bucket, 'x/hello.txt');
    expect(await collect(listObjects(s3.client, bucket, 'x/'))).toEqual([]);
  });

  it('explains a missing bucket, a wrong secret and an unreachable endpoint', async () => {
    const missing = await headBucket(s3.client, 'no-such-bucket-labelfleet').catch((e: unknown) => describeS3Error(e, 'no-such-bucket-labelfleet'));
    expect(missing).toBe('bucket "no-such-bucket-labelfleet" does not exist');
    const bucket = await freshBucket('client-auth');
    const wrong = s3Client({ ...s3, secretAccessKey: 'wrong-secret' });
    const refused = await collect(listObjects(wrong, bucket)).catch((e: unknown) => describeS3Error(e, bucket));
    expect(refused).toBe('the secret access key was refused by the S3 server');
    const unknownKey = s3Client({ ...s3, accessKeyId: 'NOSUCHKEY' });
    expect(await collect(listObjects(unknownKey, bucket)).catch((e: unknown) => describeS3Error(e, bucket))).toBe('the access key id is not known to the S3 server');
    const nowhere = s3Client({ ...s3, endpoint: 'http://127.0.0.1:9' });
    expect(await headBucket(nowhere, bucket).catch((e: unknown) => describeS3Error(e, bucket))).toMatch(/not reachable \(ECONNREFUSED\)/);
  });

  it('empties a prefix or a whole bucket in batches', async () => {
    const bucket = await freshBucket('client-empty');
    await Promise.all(Array.from({ length: 25 }, (_, i) => putObject(s3.client, bucket, `${i < 20 ? 'gone' : 'kept'}/${i}`, 'x')));
    expect(await emptyBucket(s3.client, bucket, 'gone/')).toBe(20);
    expect((await collect(listObjects(s3.client, bucket))).map((o) => o.key).sort()).toEqual(['kept/20', 'kept/21', 'kept/22', 'kept/23', 'kept/24']);
    expect(await emptyBucket(s3.client, bucket)).toBe(5);
    expect(await headBucket(s3.client, bucket).catch((e: unknown) => describeS3Error(e, bucket))).toBe(`bucket "${bucket}" does not exist`);
  });

  it('parses s3 URIs', () => {
    expect(parseS3Uri('s3://bucket/path/to/key.jpg')).toEqual({ bucket: 'bucket', key: 'path/to/key.jpg' });
    expect(parseS3Uri('s3://bucket')).toEqual({ bucket: 'bucket', key: '' });
    expect(parseS3Uri('gs://bucket/key')).toBeNull();
    expect(parseS3Uri('s3:///key')).toBeNull();
  });
});
