const SAMPLE_IMAGE =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='320' height='200'%3E%3Crect width='320' height='200' fill='%23dde3ee'/%3E%3Ctext x='160' y='105' font-family='sans-serif' font-size='16' text-anchor='middle' fill='%23556'%3ESample image%3C/text%3E%3C/svg%3E";

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
    data[key] = tag === 'image' ? SAMPLE_IMAGE : tag === 'header' ? `Sample ${key}` : `To have done it at all was remarkable: the committee in Geneva met Apple's lawyers on Tuesday (${key}).`;
  }
  return data;
}
