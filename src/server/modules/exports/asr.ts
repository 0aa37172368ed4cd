import fs from 'node:fs';
import { annotatorOf, mediaUrlOf, type ConvertContext, type ConversionItem } from './items.js';
import { float, pyJsonDumps } from './py-json.js';
import { diskFile, folder, withSpools, type ZipEntry } from './zip-stream.js';

/**
 * Duration in seconds of a PCM WAV file as Python's wave module reports it (frames / frame rate), or
 * null for anything it cannot open.
 */
export async function wavDuration(file: string): Promise<number | null> {
  let handle: fs.promises.FileHandle | null = null;
  try {
    handle = await fs.promises.open(file, 'r');
    const head = Buffer.alloc(12);
    await handle.read(head, 0, 12, 0);
    if (head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') return null;
    let at = 12;
    let frameSize = 0;
    let rate = 0;
    for (;;) {
      const chunk = Buffer.alloc(8);
      const { bytesRead } = await handle.read(chunk, 0, 8, at);
      if (bytesRead < 8) return null;
      const id = chunk.toString('latin1', 0, 4);
      const size = chunk.readUInt32LE(4);
      if (id === 'fmt ') {
        const fmt = Buffer.alloc(16);
        await handle.read(fmt, 0, 16, at + 8);
        if (fmt.readUInt16LE(0) !== 1) return null; // wave reads PCM only
        const channels = fmt.readUInt16LE(2);
        rate = fmt.readUInt32LE(4);
        frameSize = channels * Math.floor((fmt.readUInt16LE(14) + 7) / 8);
      } else if (id === 'data') {
        if (!frameSize || !rate) return null;
        return Math.floor(size / frameSize) / rate;
      }
      at += 8 + size + (size % 2);
    }
  } catch {
    return null;
  } finally {
    await handle?.close();
  }
}

/** The transcript: the first text of the first control whose first region has one. */
function transcriptOf(item: ConversionItem): string | null {
  for (const values of item.output.values()) {
    const text = values[0]?.text;
    if (Array.isArray(text)) return text.length ? String(text[0]) : null;
  }
  return null;
}

/**
 * ASR_MANIFEST as Label Studio writes it: manifest.json, one JSON line per annotation with the audio's
 * path inside the zip, its duration and the transcript, and the audio files under audio/. Like the
 * converter, an item whose audio cannot be read (not stored here, or not a PCM WAV) is left out.
 */
export function asrEntries(pages: AsyncIterable<ConversionItem[][]>, ctx: ConvertContext): AsyncGenerator<ZipEntry> {
  return withSpools(1, async function* ([manifest]) {
    yield folder('audio/');
    for await (const page of pages) {
      let lines = '';
      const files: ZipEntry[] = [];
      for (const taskItems of page) {
        if (taskItems.length === 0) continue;
        const ref = ctx.media(mediaUrlOf(taskItems[0], ctx.config));
        const duration = ref.localPath && ctx.includeMedia ? await wavDuration(ref.localPath) : null;
        if (duration === null) continue;
        let used = false;
        for (const item of taskItems) {
          const text = transcriptOf(item);
          if (text === null) continue;
          lines += `${pyJsonDumps({ audio_filepath: `audio/${ref.fileName}`, duration: float(duration), text, annotator: annotatorOf(item, '') })}\n`;
          used = true;
        }
        if (used) files.push(diskFile(`audio/${ref.fileName}`, ref.localPath!));
      }
      await manifest.append(lines);
      yield* files;
    }
    yield { name: 'manifest.json', content: manifest.read() };
  });
}
