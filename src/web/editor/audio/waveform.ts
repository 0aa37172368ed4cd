/** Min and max sample per column: enough to draw a waveform at any width up to `columns`. */
export interface Peaks {
  min: Float32Array;
  max: Float32Array;
  duration: number;
}

/** Decodes the audio file (no playback, so no user gesture needed) and reduces it to peaks. */
export async function decodePeaks(bytes: ArrayBuffer, columns = 2048): Promise<Peaks> {
  const ctx = new OfflineAudioContext(1, 1, 44100);
  const buffer = await ctx.decodeAudioData(bytes);
  const channels = Array.from({ length: buffer.numberOfChannels }, (_, i) => buffer.getChannelData(i));
  const length = buffer.length;
  const n = Math.max(1, Math.min(columns, length));
  const min = new Float32Array(n);
  const max = new Float32Array(n);
  for (let c = 0; c < n; c++) {
    const from = Math.floor((c * length) / n);
    const to = Math.max(from + 1, Math.floor(((c + 1) * length) / n));
    let lo = 1;
    let hi = -1;
    for (const data of channels) {
      for (let i = from; i < to; i++) {
        const v = data[i];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    min[c] = lo;
    max[c] = hi;
  }
  return { min, max, duration: buffer.duration };
}

/** Draws the peaks over the canvas's own pixel size: one vertical bar per pixel column. */
export function drawWaveform(canvas: HTMLCanvasElement, peaks: Peaks, color: string): void {
  const dpr = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth * dpr));
  const height = Math.max(1, Math.round(canvas.clientHeight * dpr));
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext('2d');
  if (!g) return;
  g.clearRect(0, 0, width, height);
  g.fillStyle = color;
  const mid = height / 2;
  const n = peaks.min.length;
  for (let x = 0; x < width; x++) {
    const from = Math.floor((x * n) / width);
    const to = Math.max(from + 1, Math.floor(((x + 1) * n) / width));
    let lo = 1;
    let hi = -1;
    for (let i = from; i < to && i < n; i++) {
      if (peaks.min[i] < lo) lo = peaks.min[i];
      if (peaks.max[i] > hi) hi = peaks.max[i];
    }
    if (hi < lo) continue;
    const top = mid - hi * mid * 0.95;
    const bottom = mid - lo * mid * 0.95;
    g.fillRect(x, top, 1, Math.max(1, bottom - top));
  }
  g.fillRect(0, mid - 0.5 * dpr, width, dpr);
}

/** 83.4 s → "1:23.4" */
export function formatTime(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) seconds = 0;
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  return `${m}:${s.toFixed(1).padStart(4, '0')}`;
}
