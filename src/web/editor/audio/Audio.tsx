import { useCallback, useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { resolveValue, type ConfigNode } from '../config';
import { useEditor } from '../context';
import { useHotkey } from '../hotkeys';
import { decodePeaks, drawWaveform, formatTime, type Peaks } from './waveform';

type Waveform = { state: 'loading' } | { state: 'ready'; peaks: Peaks } | { state: 'failed'; message: string };

function useWaveform(src: string): Waveform {
  const [wave, setWave] = useState<Waveform>({ state: 'loading' });
  useEffect(() => {
    if (!src) return;
    let live = true;
    setWave({ state: 'loading' });
    fetch(src)
      .then((res) => {
        if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
        return res.arrayBuffer();
      })
      .then((bytes) => decodePeaks(bytes))
      .then((peaks) => live && setWave({ state: 'ready', peaks }))
      .catch((err: Error) => live && setWave({ state: 'failed', message: err.message }));
    return () => {
      live = false;
    };
  }, [src]);
  return wave;
}

/** <Audio name value="$audio" hotkey>: play and pause (also with the hotkey), seek by clicking the waveform or with the slider, the time. */
export function Audio({ node }: { node: ConfigNode }) {
  const { data } = useEditor();
  const src = String(resolveValue(node.attrs.value, data) ?? '');
  const audio = useRef<HTMLAudioElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const wave = useWaveform(src);
  const [playing, setPlaying] = useState(false);
  const [time, setTime] = useState(0);
  const [mediaDuration, setMediaDuration] = useState(0);
  const duration = mediaDuration || (wave.state === 'ready' ? wave.peaks.duration : 0);

  useEffect(() => {
    const el = canvas.current;
    if (!el || wave.state !== 'ready') return;
    const draw = () => drawWaveform(el, wave.peaks, getComputedStyle(el).color);
    draw();
    const ro = new ResizeObserver(draw);
    ro.observe(el);
    return () => ro.disconnect();
  }, [wave]);

  // the time moves smoothly while playing; `timeupdate` alone fires only a few times a second
  useEffect(() => {
    if (!playing) return;
    let frame = requestAnimationFrame(function tick() {
      if (audio.current) setTime(audio.current.currentTime);
      frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [playing]);

  const seek = useCallback(
    (seconds: number) => {
      const el = audio.current;
      if (!el || !duration) return;
      const t = Math.min(duration, Math.max(0, seconds));
      el.currentTime = t;
      setTime(t);
    },
    [duration],
  );
  const toggle = () => {
    const el = audio.current;
    if (!el) return;
    if (el.paused) void el.play().catch(() => setPlaying(false));
    else el.pause();
  };
  useHotkey(node.attrs.hotkey, toggle);
  const onWaveDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    seek(((e.clientX - box.left) / box.width) * duration);
  };
  const at = duration ? (time / duration) * 100 : 0;
  const name = node.attrs.name ?? '';

  return (
    <div className="lf-audio" data-name={name} data-waveform={wave.state} data-duration={duration.toFixed(3)}>
      <audio
        ref={audio}
        src={src}
        preload="auto"
        onLoadedMetadata={(e) => Number.isFinite(e.currentTarget.duration) && setMediaDuration(e.currentTarget.duration)}
        onPlay={() => setPlaying(true)}
        onPause={() => setPlaying(false)}
        onEnded={() => setPlaying(false)}
        onTimeUpdate={(e) => setTime(e.currentTarget.currentTime)}
      />
      <div className="lf-audio-wave" onPointerDown={onWaveDown} aria-label={`Waveform of ${name}`} role="presentation">
        <canvas ref={canvas} className="lf-audio-canvas" />
        <div className="lf-audio-played" style={{ width: `${at}%` }} />
        <div className="lf-audio-playhead" style={{ left: `${at}%` }} />
        {wave.state === 'loading' && <span className="lf-hint lf-audio-status">Drawing the waveform…</span>}
        {wave.state === 'failed' && (
          <span className="lf-hint lf-audio-status" role="alert">
            The audio could not be decoded: {wave.message}
          </span>
        )}
      </div>
      <div className="lf-audio-controls">
        <button type="button" className="lf-audio-play" aria-label={playing ? 'Pause' : 'Play'} onClick={toggle}>
          {playing ? '❚❚' : '▶'}
        </button>
        <input type="range" aria-label="Seek" min={0} max={duration || 0} step={0.01} value={time} onChange={(e) => seek(Number(e.target.value))} />
        <span className="lf-audio-time" data-testid="audio-time">
          {formatTime(time)} / {formatTime(duration)}
        </span>
      </div>
    </div>
  );
}
