import { AppError } from '../../errors.js';
import {
  azureUri,
  blobSasUrl,
  containerOf,
  deleteBlob,
  describeAzureError,
  getBlobStream,
  getBlobTextAndEtag,
  hasBlobsUnder,
  listBlobs,
  putBlob,
  type AzureBlobStream,
  type AzureOptions,
} from '../../azure/client.js';
import type { StorageRow } from './queries.js';
import type { StorageConfig, StorageKind } from './storage-kind.js';

/** Azure Blob settings as stored (the storage row's `settings`). */
export interface AzureSettings {
  container: string | null;
  prefix: string | null;
  account_name: string | null;
  account_key: string | null;
  /** LabelFleet's own: the Blob service URL when it is not https://<account>.blob.core.windows.net (Azurite, sovereign clouds) */
  azure_endpoint: string | null;
  presign: boolean;
  /** minutes */
  presign_ttl: number;
}

// Azure's container name rule: 3-63 of lowercase letters, digits and single hyphens, starting and ending with a letter or digit
const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

export function azureSettingsOf(s: Pick<StorageRow, 'settings'>): AzureSettings {
  const v = s.settings;
  return {
    container: text(v.container),
    prefix: text(v.prefix),
    account_name: text(v.account_name),
    account_key: text(v.account_key),
    azure_endpoint: text(v.azure_endpoint),
    presign: v.presign !== false,
    presign_ttl: typeof v.presign_ttl === 'number' ? v.presign_ttl : 1,
  };
}

const required = (field: string) => new AppError('invalid', `${field} is required`, { [field]: ['This field is required.'] });

function optionsOf(s: AzureSettings): AzureOptions {
  if (!s.account_name) throw required('account_name');
  if (!s.account_key) throw required('account_key');
  return { accountName: s.account_name, accountKey: s.account_key, endpoint: s.azure_endpoint };
}

const containerNameOf = (s: AzureSettings): string => {
  if (!s.container) throw required('container');
  return s.container;
};

const clientOf = (s: AzureSettings) => containerOf(optionsOf(s), containerNameOf(s));

/** The listing prefix as Label Studio forms it: "images" and "images/" both list "images/...". */
const listPrefix = (prefix: string | null) => (prefix ? `${prefix.replace(/\/+$/, '')}/` : '');

/** A failed Azure call as a 400 that names the field to fix; never a 500. */
function azureFailure(err: unknown, s: AzureSettings): AppError {
  const message = describeAzureError(err, s.container ?? undefined);
  let field = 'azure_endpoint';
  if (/container/.test(message)) field = 'container';
  else if (/account key/.test(message)) field = 'account_key';
  return new AppError('invalid', `Cannot connect to Azure Blob storage: ${message}`, { [field]: [message] });
}

async function checkConnection(s: StorageConfig): Promise<void> {
  const settings = azureSettingsOf(s);
  const container = containerNameOf(settings);
  if (!CONTAINER_NAME.test(container)) {
    throw new AppError('invalid', `Invalid container name "${container}"`, {
      container: ['Container name must be 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.'],
    });
  }
  if (settings.azure_endpoint) {
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(settings.azure_endpoint).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw new AppError('invalid', `Invalid azure_endpoint "${settings.azure_endpoint}"`, { azure_endpoint: ['Enter a valid http(s) URL.'] });
  }
  const client = clientOf(settings);
  try {
    // as Label Studio: an import storage's prefix must hold something, an export storage only needs the container
    const found = await hasBlobsUnder(client, settings.prefix ?? '');
    if (!found && settings.prefix && s.direction === 'import') {
      throw new AppError('invalid', `${azureUri(container, settings.prefix)} not found.`, { prefix: [`No blobs found under ${azureUri(container, settings.prefix)}`] });
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw azureFailure(err, settings);
  }
}

/** An Azure failure as a message that names the blob and says what went wrong (job errors, tracebacks). */
const readable = (err: unknown, s: AzureSettings, key: string) => new Error(`${azureUri(s.container ?? '', key)}: ${describeAzureError(err, s.container ?? undefined)}`);

/** Azure Blob Storage (Label Studio's "azure" storage type), through the official SDK. */
export const azureKind: StorageKind = {
  type: 'azure',
  fields: (input, prev) => {
    const before = prev ? azureSettingsOf(prev) : undefined;
    const pick = (k: Exclude<keyof AzureSettings, 'presign' | 'presign_ttl'>): string | null => {
      const v = input[k];
      return v === undefined ? (before?.[k] ?? null) : text(v);
    };
    const settings: AzureSettings = {
      container: pick('container'),
      prefix: pick('prefix'),
      account_name: pick('account_name'),
      // a PATCH (or the UI's form) without the key keeps the stored one
      account_key: text(input.account_key) ?? before?.account_key ?? null,
      azure_endpoint: pick('azure_endpoint'),
      presign: input.presign ?? before?.presign ?? true,
      presign_ttl: input.presign_ttl ?? before?.presign_ttl ?? 1,
    };
    return { path: '', settings: { ...settings } };
  },
  wire: (row) => {
    const s = azureSettingsOf(row);
    const common = { container: s.container, prefix: s.prefix, account_name: s.account_name, azure_endpoint: s.azure_endpoint };
    return row.direction === 'import' ? { ...common, presign: s.presign, presign_ttl: s.presign_ttl } : common;
  },
  validate: checkConnection,
  list: (s) =>
    (async function* () {
      const settings = azureSettingsOf(s);
      const prefix = listPrefix(settings.prefix);
      const filter = s.regex_filter ? new RegExp(`^(?:${s.regex_filter})`) : null;
      const recursive = !prefix || s.settings.recursive_scan === true;
      try {
        for await (const b of listBlobs(clientOf(settings), prefix, { recursive })) {
          if (b.key.endsWith('/') || (filter && !filter.test(b.key))) continue;
          yield { key: b.key, etag: b.etag, size: b.size, mtimeMs: b.lastModified?.getTime() ?? 0 };
        }
      } catch (err) {
        throw err instanceof AppError ? err : azureFailure(err, settings);
      }
    })(),
  read: async (s, key) => {
    const settings = azureSettingsOf(s);
    try {
      return await getBlobTextAndEtag(clientOf(settings), key);
    } catch (err) {
      throw readable(err, settings, key);
    }
  },
  blobUrl: (s, key) => azureUri(containerNameOf(azureSettingsOf(s)), key),
  exportKey: (s, annotationId) => {
    const prefix = azureSettingsOf(s).prefix?.replace(/\/+$/, '');
    return prefix ? `${prefix}/${annotationId}` : String(annotationId);
  },
  write: async (s, key, body) => {
    const settings = azureSettingsOf(s);
    await putBlob(clientOf(settings), key, body, 'application/json').catch((err: unknown) => {
      throw readable(err, settings, key);
    });
  },
  remove: async (s, key) => {
    const settings = azureSettingsOf(s);
    await deleteBlob(clientOf(settings), key).catch((err: unknown) => {
      throw readable(err, settings, key);
    });
  },
};

/** Whether `key` of `container` lies in this import storage (its container, under its prefix). */
export function holdsBlob(s: StorageConfig, container: string, key: string): boolean {
  const settings = azureSettingsOf(s);
  return settings.container === container && key.startsWith(listPrefix(settings.prefix));
}

/** A read-only SAS URL valid the storage's presign_ttl. */
export const presignBlob = (s: StorageConfig, key: string): string => {
  const settings = azureSettingsOf(s);
  return blobSasUrl(optionsOf(settings), containerNameOf(settings), key, settings.presign_ttl * 60);
};

export const streamBlob = (s: StorageConfig, key: string, range?: string): Promise<AzureBlobStream> => getBlobStream(clientOf(azureSettingsOf(s)), key, range);
