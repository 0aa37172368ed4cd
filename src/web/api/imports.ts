import { errorMessage, redirectToLogin } from './client';
import type { ImportSummary } from './types';

/**
 * Uploads one file to POST /api/projects/{id}/import as multipart form data.
 * XMLHttpRequest rather than fetch because only it reports upload progress.
 */
export function uploadImportFile(projectId: number, file: File, onProgress: (fraction: number) => void): Promise<ImportSummary> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/projects/${projectId}/import`);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new Error('The upload failed: the server could not be reached.'));
    xhr.onload = () => {
      if (xhr.status === 401) redirectToLogin();
      let body: unknown = xhr.responseText;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: keep the text for the message
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as ImportSummary);
      else reject(new Error(errorMessage(xhr.status, body)));
    };
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

/** POST /api/projects/{id}/import with `url=`: the server downloads the task file itself (Label Studio's URL import). */
export async function importFromUrl(projectId: number, url: string): Promise<ImportSummary> {
  const res = await fetch(`/api/projects/${projectId}/import`, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ url }).toString(),
    credentials: 'same-origin',
  });
  if (res.status === 401) redirectToLogin();
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the message
  }
  if (!res.ok) throw new Error(errorMessage(res.status, body));
  return body as ImportSummary;
}
