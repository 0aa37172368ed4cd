import { azureDownloadCount, containerOf, putBlob } from '../../azure/client.js';
import { freshContainer, requireAzure, type AzureTestServer } from '../../testing/azure.js';

/** Azure storages in tests: the real Azurite (scripts/azurite.sh), a fresh container per test. */

/** The fields a storage needs to reach the test server. */
export const azureFields = (azure: AzureTestServer, container: string, extra: Record<string, unknown> = {}) => ({
  container,
  account_name: azure.accountName,
  account_key: azure.accountKey,
  azure_endpoint: azure.endpoint,
  ...extra,
});

/** A fresh container holding `blobs` (key → body). */
export async function containerWith(prefix: string, blobs: Record<string, string | Uint8Array>): Promise<{ azure: AzureTestServer; container: string }> {
  const azure = await requireAzure();
  const container = await freshContainer(prefix);
  await putBlobs(azure, container, blobs);
  return { azure, container };
}

export async function putBlobs(azure: AzureTestServer, container: string, blobs: Record<string, string | Uint8Array>): Promise<void> {
  const client = containerOf(azure, container);
  await Promise.all(Object.entries(blobs).map(([key, body]) => putBlob(client, key, body)));
}

/** How many blobs this process downloaded while `fn` ran. */
export async function countDownloads<T>(fn: () => Promise<T>): Promise<{ result: T; downloads: number }> {
  const before = azureDownloadCount();
  const result = await fn();
  return { result, downloads: azureDownloadCount() - before };
}
