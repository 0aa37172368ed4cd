const SAMPLE_IMAGE =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='320' height='200'%3E%3Crect width='320' height='200' fill='%23dde3ee'/%3E%3Ctext x='160' y='105' font-family='sans-serif' font-size='16' text-anchor='middle' fill='%23556'%3ESample image%3C/text%3E%3C/svg%3E";

const SAMPLE_HTML = '<h3>Sample page</h3><p>Some <b>HTML</b> from the task, shown <a href="https://example.com/">sanitized</a>.</p>';

/** A second of a swelling 440 Hz tone as a WAV data URL, so a preview has a waveform to draw. */
function sampleAudio(): string {
  const rate = 8000;
  const n = rate;
  const bytes = new Uint8Array(44 + n);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, s: string) => [...s].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + n, true);
  ascii(8, 'WAVEfmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate, true);
  view.setUint16(32, 1, true);
  view.setUint16(34, 8, true); // 8-bit, unsigned
  ascii(36, 'data');
  view.setUint32(40, n, true);
  for (let i = 0; i < n; i++) bytes[44 + i] = Math.round(128 + 120 * Math.sin((Math.PI * i) / n) * Math.sin((2 * Math.PI * 440 * i) / rate));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `data:audio/wav;base64,${btoa(binary)}`;
}

/** A task to preview a config on: every `$field` the config reads, filled with something plausible. */
export function sampleTaskData(config: string): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  const doc = new DOMParser().parseFromString(config, 'application/xml');
  for (const el of Array.from(doc.getElementsByTagName('*'))) {
    const value = el.getAttribute('value');
    if (!value?.startsWith('$')) continue;
    const key = value.slice(1).split('.')[0];
    if (key in data) continue;
    const tag = el.tagName.toLowerCase();
    data[key] =
      tag === 'image'
        ? SAMPLE_IMAGE
        : tag === 'audio' || tag === 'audioplus'
          ? sampleAudio()
          : tag === 'hypertext'
            ? SAMPLE_HTML
            : tag === 'header'
              ? `Sample ${key}`
              : `To have done it at all was remarkable: the committee in Geneva met Apple's lawyers on Tuesday (${key}).`;
  }
  return data;
}
