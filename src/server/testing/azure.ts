// The real Azure Blob server for tests (Azurite in memory on 127.0.0.1, scripts/azurite.sh).
// Tests call requireAzure() themselves, so `npx vitest run <file>` works alone; the script is idempotent.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { azureService, type AzureOptions } from '../azure/client.js';

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../scripts/azurite.sh');

export interface AzureTestServer extends AzureOptions {
  /** the Blob service URL, http://127.0.0.1:10000/devstoreaccount1 */
  endpoint: string;
}

let started: Promise<AzureTestServer> | undefined;

/** Starts Azurite unless it runs already; resolves to its endpoint and the development account. */
export function requireAzure(): Promise<AzureTestServer> {
  started ??= (async () => {
    const { stdout } = await promisify(execFile)('bash', [SCRIPT, 'start'], { timeout: 60_000 });
    const values = Object.fromEntries(
      stdout
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    ) as Record<string, string>;
    if (!values.endpoint || !values.account_name || !values.account_key) throw new Error(`azurite.sh printed no endpoint:\n${stdout}`);
    return { endpoint: values.endpoint, accountName: values.account_name, accountKey: values.account_key };
  })();
  return started;
}

/** A new, empty container with a unique name starting with `prefix` (lowercased, Azure-safe). */
export async function freshContainer(prefix = 'test'): Promise<string> {
  const azure = await requireAzure();
  const clean = prefix.toLowerCase().replace(/[^a-z0-9]/g, '-').replace(/-+/g, '-').slice(0, 40).replace(/^-+|-+$/g, '') || 'test';
  const name = `${clean}-${randomBytes(5).toString('hex')}`;
  await azureService(azure).getContainerClient(name).create();
  return name;
}
