import { annotatorOf, mediaUrlOf, regionsOf, type ConvertContext, type ConversionItem } from './items.js';
import { imageFileInfo, stem } from './media.js';
import { diskFile, folder, textFile, type ZipEntry } from './zip-stream.js';

// xml.dom.minidom's escaping of text
const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/>/g, '&gt;');
const node = (tag: string, text: string) => `<${tag}>${xmlText(text)}</${tag}>\n`;
const group = (tag: string, children: string) => `<${tag}>\n${children}</${tag}>\n`;

/** One annotation as Pascal VOC XML, written the way minidom's writexml(newl="\n") writes it; null when the converter skips it. */
function vocXml(item: ConversionItem, imageName: string, channels: number): string | null {
  const boxes = regionsOf(item);
  if (boxes.length === 0) return null;
  const width = boxes[0].original_width;
  const height = boxes[0].original_height;
  if (width === undefined || height === undefined) return null;
  let objects = '';
  for (const box of boxes) {
    const key = 'rectanglelabels' in box ? 'rectanglelabels' : 'labels' in box ? 'labels' : null;
    const names = key && Array.isArray(box[key]) ? (box[key] as unknown[]) : [];
    if (names.length === 0) continue;
    const x = Math.trunc(((box.x as number) / 100) * width);
    const y = Math.trunc(((box.y as number) / 100) * height);
    const w = Math.trunc(((box.width as number) / 100) * width);
    const h = Math.trunc(((box.height as number) / 100) * height);
    const bndbox = group('bndbox', node('xmin', String(x)) + node('ymin', String(y)) + node('xmax', String(x + w)) + node('ymax', String(y + h)));
    objects += group('object', node('name', String(names[0])) + node('pose', 'Unspecified') + node('truncated', '0') + node('difficult', '0') + bndbox);
  }
  const source = group('source', node('database', 'MyDatabase') + node('annotation', 'COCO2017') + node('image', 'flickr') + node('flickrid', 'NULL') + node('annotator', annotatorOf(item, '')));
  const owner = group('owner', node('flickrid', 'NULL') + node('name', 'Label Studio'));
  const size = group('size', node('width', String(width)) + node('height', String(height)) + node('depth', String(channels)));
  const body = node('folder', 'images') + node('filename', imageName) + source + owner + size + node('segmented', '0') + objects;
  return `<?xml version="1.0" encoding="utf-8"?>\n${group('annotation', body)}`;
}

/**
 * Pascal VOC as Label Studio writes it: Annotations/<image>.xml per task and images/. Each annotation
 * rewrites the task's file, so the oldest one that has boxes is kept. Depth is read from the image
 * when it is stored here, else 3.
 */
export async function* vocEntries(pages: AsyncIterable<ConversionItem[][]>, ctx: ConvertContext): AsyncGenerator<ZipEntry> {
  yield folder('images/');
  let started = false;
  for await (const page of pages) {
    for (const taskItems of page) {
      if (taskItems.length === 0) continue;
      if (!started) yield folder('Annotations/');
      started = true;
      const ref = ctx.media(mediaUrlOf(taskItems[0], ctx.config));
      const channels = (ref.localPath && (await imageFileInfo(ref.localPath))?.channels) || 3;
      let xml: string | null = null;
      for (const item of taskItems) xml = vocXml(item, ref.fileName, channels) ?? xml;
      if (xml !== null) yield textFile(`Annotations/${stem(ref.fileName)}.xml`, xml);
      if (ctx.includeMedia && ref.localPath) yield diskFile(`images/${ref.fileName}`, ref.localPath);
    }
  }
}
