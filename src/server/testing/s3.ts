// The real S3 server for tests (Ceph radosgw on 127.0.0.1, scripts/s3-server.sh).
// Tests call requireS3() themselves, so `npx vitest run <file>` works alone; the script is idempotent.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { s3Client, type S3Client } from '../s3/client.js';

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../scripts/s3-server.sh');

export interface S3TestServer {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** a client with the test credentials */
  client: S3Client;
}

let started: Promise<S3TestServer> | undefined;

/** Starts radosgw unless it runs already; resolves to its endpoint and the test credentials. */
export function requireS3(): Promise<S3TestServer> {
  started ??= (async () => {
    const { stdout } = await promisify(execFile)('bash', [SCRIPT, 'start'], { timeout: 180_000 });
    const values = Object.fromEntries(
      stdout
        .split('\n')
        .map((line) => line.trim().split('='))
        .filter((kv) => kv.length === 2),
    ) as Record<string, string>;
    if (!values.endpoint || !values.access_key || !values.secret_key) throw new Error(`s3-server.sh printed no endpoint:\n${stdout}`);
    const server = { endpoint: values.endpoint, accessKeyId: values.access_key, secretAccessKey: values.secret_key, region: 'us-east-1' };
    return { ...server, client: s3Client(server) };
  })();
  return started;
}

/** A new, empty bucket with a unique name starting with `prefix` (lowercased, S3-safe). */
export async function freshBucket(prefix = 'test'): Promise<string> {
  const s3 = await requireS3();
  const clean = prefix.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40).replace(/^-+|-+$/g, '') || 'test';
  const name = `${clean}-${randomBytes(5).toString('hex')}`;
  await s3.client.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}
