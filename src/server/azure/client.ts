// A small wrapper over @azure/storage-blob for what LabelFleet does with Azure Blob containers:
// list (paged, prefixed), read, write, delete, SAS URLs. Used by the storage module.
import type { Readable } from 'node:stream';
import {
  BlobSASPermissions,
  BlobServiceClient,
  generateBlobSASQueryParameters,
  RestError,
  StorageSharedKeyCredential,
  type ContainerClient,
} from '@azure/storage-blob';

export interface AzureOptions {
  accountName: string;
  accountKey: string;
  /** the Blob service URL; default https://<account>.blob.core.windows.net (Azurite: http://127.0.0.1:10000/<account>) */
  endpoint?: string | null;
}

export interface AzureBlobInfo {
  key: string;
  /** without the surrounding quotes */
  etag: string;
  size: number;
  lastModified: Date | null;
}

export const defaultEndpoint = (accountName: string) => `https://${accountName}.blob.core.windows.net`;

const cache = new Map<string, BlobServiceClient>();

/** One service client per account, key and endpoint, reused (it keeps its sockets). */
export function azureService(opts: AzureOptions): BlobServiceClient {
  const url = (opts.endpoint || defaultEndpoint(opts.accountName)).replace(/\/+$/, '');
  const id = JSON.stringify([url, opts.accountName, opts.accountKey]);
  let client = cache.get(id);
  if (!client) {
    if (cache.size >= 64) cache.delete(cache.keys().next().value as string);
    // a wrong endpoint fails in seconds rather than hanging a validation request
    client = new BlobServiceClient(url, new StorageSharedKeyCredential(opts.accountName, opts.accountKey), {
      retryOptions: { maxTries: 2, tryTimeoutInMs: 60_000, retryDelayInMs: 200, maxRetryDelayInMs: 1_000 },
    });
    cache.set(id, client);
  }
  return client;
}

export const containerOf = (opts: AzureOptions, container: string): ContainerClient => azureService(opts).getContainerClient(container);

/** Blob reads (downloads) by this process; tests count them to prove that unchanged blobs are not read. */
let downloads = 0;
export const azureDownloadCount = () => downloads;

/** Label Studio's URI of a blob: `azure-blob://container/key`. */
export const azureUri = (container: string, key: string) => `azure-blob://${container}/${key}`;

export function parseAzureUri(uri: string): { container: string; key: string } | null {
  const m = /^azure-blob:\/\/([^/]+)\/(.*)$/.exec(uri);
  return m ? { container: m[1], key: m[2] } : null;
}

const unquote = (etag: string | undefined) => (etag ?? '').replace(/^"|"$/g, '');

/** Blobs under `prefix`: all of them, or with `recursive: false` only those not under a further `/`. */
export async function* listBlobs(container: ContainerClient, prefix: string, opts: { recursive: boolean }): AsyncGenerator<AzureBlobInfo> {
  const toInfo = (b: { name: string; properties: { etag?: string; contentLength?: number; lastModified?: Date } }): AzureBlobInfo => ({
    key: b.name,
    etag: unquote(b.properties.etag),
    size: b.properties.contentLength ?? 0,
    lastModified: b.properties.lastModified ?? null,
  });
  if (opts.recursive) {
    for await (const b of container.listBlobsFlat({ prefix: prefix || undefined })) yield toInfo(b);
    return;
  }
  for await (const item of container.listBlobsByHierarchy('/', { prefix: prefix || undefined })) {
    if (item.kind === 'blob') yield toInfo(item);
  }
}

export interface AzureBlobStream {
  body: Readable;
  contentType?: string;
  contentLength?: number;
  contentRange?: string;
  etag?: string;
  lastModified?: Date;
}

/** `bytes=a-b` → offset and count for the SDK; anything else reads the whole blob. */
function rangeOf(range: string | undefined): { offset: number; count?: number } {
  const m = range ? /^bytes=(\d+)-(\d*)$/.exec(range.trim()) : null;
  if (!m) return { offset: 0 };
  const start = Number(m[1]);
  return m[2] ? { offset: start, count: Number(m[2]) - start + 1 } : { offset: start };
}

export async function getBlobStream(container: ContainerClient, key: string, range?: string): Promise<AzureBlobStream> {
  downloads++;
  const { offset, count } = rangeOf(range);
  const res = await container.getBlobClient(key).download(offset, count);
  return {
    body: res.readableStreamBody as Readable,
    contentType: res.contentType,
    contentLength: res.contentLength,
    contentRange: res.contentRange,
    etag: unquote(res.etag),
    lastModified: res.lastModified,
  };
}

export async function getBlobTextAndEtag(container: ContainerClient, key: string): Promise<{ text: string; etag: string }> {
  downloads++;
  const res = await container.getBlobClient(key).download();
  const chunks: Buffer[] = [];
  for await (const chunk of res.readableStreamBody as Readable) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return { text: Buffer.concat(chunks).toString('utf8'), etag: unquote(res.etag) };
}

export async function putBlob(container: ContainerClient, key: string, body: string | Uint8Array, contentType = 'application/octet-stream'): Promise<void> {
  const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  await container.getBlockBlobClient(key).upload(data, data.byteLength, { blobHTTPHeaders: { blobContentType: contentType } });
}

export async function deleteBlob(container: ContainerClient, key: string): Promise<void> {
  await container.getBlobClient(key).deleteIfExists();
}

/** Whether anything lies under `prefix` (one listed blob); throws when the container cannot be listed. */
export async function hasBlobsUnder(container: ContainerClient, prefix: string): Promise<boolean> {
  const page = await container.listBlobsFlat({ prefix: prefix || undefined }).byPage({ maxPageSize: 1 }).next();
  return !page.done && page.value.segment.blobItems.length > 0;
}

/** A read-only SAS URL of one blob, valid `ttlSeconds` (started a minute early for clock skew). */
export function blobSasUrl(opts: AzureOptions, container: string, key: string, ttlSeconds: number): string {
  const now = Date.now();
  const sas = generateBlobSASQueryParameters(
    {
      containerName: container,
      blobName: key,
      permissions: BlobSASPermissions.parse('r'),
      startsOn: new Date(now - 60_000),
      expiresOn: new Date(now + ttlSeconds * 1000),
    },
    new StorageSharedKeyCredential(opts.accountName, opts.accountKey),
  ).toString();
  return `${containerOf(opts, container).getBlobClient(key).url}?${sas}`;
}

/** An Azure failure in words that say what to fix. */
export function describeAzureError(err: unknown, container?: string): string {
  if (err instanceof RestError) {
    const code = String(err.code ?? '');
    if (code === 'ContainerNotFound') return `container "${container}" does not exist`;
    if (code === 'BlobNotFound') return 'the blob does not exist';
    if (code === 'AuthenticationFailed' || code === 'AuthorizationFailure' || err.statusCode === 403) return 'the account key was refused';
    if (code === 'InvalidResourceName') return `"${container}" is not a valid container name`;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || err.statusCode === undefined) return `the endpoint is not reachable (${err.message.split('\n')[0]})`;
    return `${code || err.statusCode}: ${err.message.split('\n')[0]}`;
  }
  return err instanceof Error ? err.message : String(err);
}

export { RestError };
