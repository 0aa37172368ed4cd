import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import './image.css';
import type { ResultItem } from '../../api/types';
import { labelColor } from '../colors';
import { resolveValue, targetsOf, walk, type ConfigNode } from '../config';
import { useEditor } from '../context';
import { isTyping } from '../hotkeys';
import { newRegionId, regionOf, updateRegionValue, useEditorState, type AnnotationStore } from '../store';
import { clamp, percentToPx, rectBetween, rectToPercent, round, type Rect, type Size } from './geometry';
import { cornerPoint, labelsOf, rectPx, Region, RegionLayer, setRectAttrs, type Corner, type Point } from './Region';

/** The control tags that draw over an Image, and the result type each writes. */
export const IMAGE_REGION_TYPES = new Set(['rectanglelabels', 'polygonlabels', 'keypointlabels']);

type Drag = { move: (p: Point, e: PointerEvent) => void; up: (p: Point, e: PointerEvent) => void };

const SVG_NS = 'http://www.w3.org/2000/svg';
const MIN_SCALE = 0.05;
const MAX_SCALE = 40;

function controlsFor(root: ConfigNode, name: string): ConfigNode[] {
  const found: ConfigNode[] = [];
  walk(root, (n) => IMAGE_REGION_TYPES.has(n.tag.toLowerCase()) && targetsOf(n).includes(name) && found.push(n));
  return found;
}

function addImageRegion(store: AnnotationStore, control: ConfigNode, toName: string, size: Size, value: Record<string, unknown>): void {
  const type = control.tag.toLowerCase();
  const fromName = control.attrs.name ?? '';
  store.update((s) => {
    const item: ResultItem = {
      id: newRegionId(),
      from_name: fromName,
      to_name: toName,
      type,
      original_width: size.width,
      original_height: size.height,
      image_rotation: 0,
      value: { ...value, [type]: [...(s.activeLabels[fromName] ?? [])] },
      origin: 'manual',
    };
    return { ...s, results: [...s.results, item], selectedRegionId: null };
  });
}

/** <Image name value="$image">: fit to the panel, wheel zoom, pan with space or middle button; the canvas for image regions. */
export function Image({ node }: { node: ConfigNode }) {
  const { store, data, root, byName } = useEditor();
  const name = node.attrs.name ?? '';
  const src = String(resolveValue(node.attrs.value, data) ?? '');
  const controls = useMemo(() => controlsFor(root, name), [root, name]);
  const [size, setSize] = useState<Size | null>(null);
  const [failed, setFailed] = useState(false);
  const [polygon, setPolygon] = useState<{ control: ConfigNode; points: Point[] } | null>(null);
  const viewport = useRef<HTMLDivElement>(null);
  const stage = useRef<HTMLDivElement>(null);
  // the regions at rest; the selected region and whatever is being drawn live on `active`, a layer of its own,
  // so dragging, resizing or drawing never touches the SVG that holds the other (maybe thousands of) regions
  const layers = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const active = useRef<SVGSVGElement>(null);
  const rubber = useRef<SVGLineElement>(null);
  const view = useRef({ scale: 1, tx: 0, ty: 0 });
  const drag = useRef<Drag | null>(null);
  const spaceDown = useRef(false);

  const results = useEditorState(store, (s) => s.results);
  const selectedId = useEditorState(store, (s) => s.selectedRegionId);
  const hiddenIds = useEditorState(store, (s) => s.hiddenIds);
  // hidden regions are not drawn (they stay in the result)
  const regions = useMemo(() => {
    const hidden = new Set(hiddenIds);
    return results.filter((r) => r.to_name === name && IMAGE_REGION_TYPES.has(r.type) && !hidden.has(r.id));
  }, [results, name, hiddenIds]);
  const selected = regions.find((r) => r.id === selectedId);
  // a region's colour follows its label; worked out once per result item, not per render
  const colors = useMemo(() => new WeakMap<ResultItem, string>(), [byName]);
  const colorOf = useCallback((r: ResultItem) => {
    let c = colors.get(r);
    if (c === undefined) colors.set(r, (c = labelColor(byName.get(r.from_name), labelsOf(r)[0] ?? '')));
    return c;
  }, [colors, byName]);

  const applyView = useCallback(() => {
    const { scale, tx, ty } = view.current;
    if (stage.current) stage.current.style.transform = `translate(${tx}px, ${ty}px) scale(${scale})`;
    viewport.current?.style.setProperty('--lf-inv', String(1 / scale));
    viewport.current?.setAttribute('data-zoom', scale.toFixed(4));
  }, []);

  const fit = useCallback(() => {
    const vp = viewport.current;
    if (!vp || !size) return;
    const scale = Math.min(vp.clientWidth / size.width, vp.clientHeight / size.height);
    view.current = { scale, tx: (vp.clientWidth - size.width * scale) / 2, ty: (vp.clientHeight - size.height * scale) / 2 };
    applyView();
  }, [size, applyView]);

  useLayoutEffect(() => {
    fit();
    const vp = viewport.current;
    if (!vp || typeof ResizeObserver === 'undefined') return;
    let last = `${vp.clientWidth}x${vp.clientHeight}`;
    const ro = new ResizeObserver(() => {
      const now = `${vp.clientWidth}x${vp.clientHeight}`;
      if (now !== last) {
        last = now;
        fit();
      }
    });
    ro.observe(vp);
    return () => ro.disconnect();
  }, [fit]);

  // wheel zoom about the pointer (a native listener: React's wheel listeners are passive)
  useEffect(() => {
    const vp = viewport.current;
    if (!vp) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const rect = vp.getBoundingClientRect();
      const px = e.clientX - rect.left;
      const py = e.clientY - rect.top;
      const v = view.current;
      const scale = clamp(v.scale * Math.exp(-e.deltaY * 0.0015), MIN_SCALE, MAX_SCALE);
      view.current = { scale, tx: px - ((px - v.tx) * scale) / v.scale, ty: py - ((py - v.ty) * scale) / v.scale };
      applyView();
    };
    vp.addEventListener('wheel', onWheel, { passive: false });
    return () => vp.removeEventListener('wheel', onWheel);
  }, [applyView]);

  const closePolygon = useCallback(() => {
    if (polygon && size && polygon.points.length >= 3) {
      const points = polygon.points.map((p) => [round((p.x / size.width) * 100), round((p.y / size.height) * 100)]);
      addImageRegion(store, polygon.control, name, size, { points, closed: true });
    }
    setPolygon(null);
  }, [polygon, store, name, size]);

  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      if (e.code === 'Space') {
        spaceDown.current = true;
        if (viewport.current?.matches(':hover')) e.preventDefault();
      }
      if (polygon && e.key === 'Enter' && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        closePolygon();
      }
      if (polygon && e.key === 'Escape') setPolygon(null);
    };
    const up = (e: KeyboardEvent) => {
      if (e.code === 'Space') spaceDown.current = false;
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
    };
  }, [polygon, closePolygon]);

  const toPx = (e: { clientX: number; clientY: number }): Point => {
    const m = svg.current?.getScreenCTM();
    if (!m) return { x: 0, y: 0 };
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse());
    return { x: p.x, y: p.y };
  };

  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    const el = layers.current;
    const top = active.current;
    if (!el || !top || !size) return;
    // panning is the viewport's: let the event bubble to it
    if (e.button !== 0 || spaceDown.current) return;
    e.stopPropagation();
    const start = toPx(e);
    const target = e.target as Element;
    const handle = target.closest('[data-handle]');
    const regionEl = target.closest('[data-region-id]');
    const state = store.getState();

    if (polygon) {
      const first = polygon.points[0];
      const near = (8 * 1) / view.current.scale;
      if (polygon.points.length >= 3 && Math.hypot(start.x - first.x, start.y - first.y) <= near) closePolygon();
      else setPolygon({ ...polygon, points: [...polygon.points, { x: clamp(start.x, 0, size.width), y: clamp(start.y, 0, size.height) }] });
      return;
    }

    if (handle && regionEl) {
      const region = regionOf(state.results, regionEl.getAttribute('data-region-id') ?? '');
      if (!region) return;
      el.setPointerCapture(e.pointerId);
      const r0 = rectPx(region.value, size);
      const corner = handle.getAttribute('data-handle') as Corner;
      const opposite = cornerPoint(r0, (corner[0] === 'n' ? 's' : 'n') + (corner[1] === 'w' ? 'e' : 'w') as Corner);
      const shape = regionEl.querySelector('.lf-shape')!;
      let current = r0;
      drag.current = {
        move: (p) => {
          current = rectBetween(opposite, p, size);
          setRectAttrs(shape, current);
          regionEl.querySelectorAll('[data-handle]').forEach((h) => {
            const q = cornerPoint(current, h.getAttribute('data-handle') as Corner);
            h.setAttribute('cx', String(q.x));
            h.setAttribute('cy', String(q.y));
          });
        },
        up: () => {
          if (current === r0 || current.width < 1 || current.height < 1) {
            setRectAttrs(shape, r0);
            return;
          }
          const pct = rectToPercent(current, size);
          store.update((s) => updateRegionValue(s, region.id, (v) => ({ ...v, ...pct })));
        },
      };
      return;
    }

    if (regionEl) {
      const id = regionEl.getAttribute('data-region-id')!;
      const region = regionOf(state.results, id);
      if (!region) return;
      el.setPointerCapture(e.pointerId);
      if (state.selectedRegionId !== id) store.update((s) => ({ ...s, selectedRegionId: id }));
      // how far the region may move and stay inside the image
      let xs: number[];
      let ys: number[];
      if (region.type === 'rectanglelabels') {
        const r = rectPx(region.value, size);
        xs = [r.x, r.x + r.width];
        ys = [r.y, r.y + r.height];
      } else if (region.type === 'polygonlabels') {
        const pts = ((region.value.points as [number, number][]) ?? []).map(([x, y]) => percentToPx(x, y, size));
        xs = pts.map((p) => p[0]);
        ys = pts.map((p) => p[1]);
      } else {
        const [x, y] = percentToPx(Number(region.value.x), Number(region.value.y), size);
        xs = [x];
        ys = [y];
      }
      const lim = { dx0: -Math.min(...xs), dx1: size.width - Math.max(...xs), dy0: -Math.min(...ys), dy1: size.height - Math.max(...ys) };
      let d = { x: 0, y: 0 };
      // the region is selected by now, so it is on the active layer: moving that layer moves it, a change
      // the compositor makes without repainting anything (one SVG unit is one CSS pixel of the stage)
      drag.current = {
        move: (p) => {
          d = { x: clamp(p.x - start.x, lim.dx0, lim.dx1), y: clamp(p.y - start.y, lim.dy0, lim.dy1) };
          top.style.transform = `translate(${d.x}px, ${d.y}px)`;
        },
        up: () => {
          // the store's change re-renders the region in its new place before the next frame
          top.style.transform = '';
          if (Math.abs(d.x) < 0.01 && Math.abs(d.y) < 0.01) return;
          const dxp = (d.x / size.width) * 100;
          const dyp = (d.y / size.height) * 100;
          store.update((s) =>
            updateRegionValue(s, id, (v) =>
              region.type === 'polygonlabels'
                ? { ...v, points: (v.points as [number, number][]).map(([x, y]) => [round(x + dxp), round(y + dyp)]) }
                : { ...v, x: round(Number(v.x) + dxp), y: round(Number(v.y) + dyp) },
            ),
          );
        },
      };
      return;
    }

    // the background: draw with the armed label's tool, else clear the selection
    const control = controls.find((c) => (state.activeLabels[c.attrs.name ?? ''] ?? []).length > 0);
    if (!control) {
      if (state.selectedRegionId) store.update((s) => ({ ...s, selectedRegionId: null }));
      return;
    }
    const type = control.tag.toLowerCase();
    const inside = { x: clamp(start.x, 0, size.width), y: clamp(start.y, 0, size.height) };
    if (type === 'keypointlabels') {
      addImageRegion(store, control, name, size, { x: round((inside.x / size.width) * 100), y: round((inside.y / size.height) * 100), width: Number(control.attrs.strokeWidth ?? control.attrs.strokewidth ?? 1) });
      return;
    }
    if (type === 'polygonlabels') {
      if (state.selectedRegionId) store.update((s) => ({ ...s, selectedRegionId: null }));
      setPolygon({ control, points: [inside] });
      return;
    }
    el.setPointerCapture(e.pointerId);
    const ghost = document.createElementNS(SVG_NS, 'rect');
    ghost.setAttribute('class', 'lf-shape lf-drawing');
    ghost.setAttribute('stroke', labelColor(control, (state.activeLabels[control.attrs.name ?? ''] ?? [])[0]));
    ghost.setAttribute('fill', 'none');
    ghost.setAttribute('vector-effect', 'non-scaling-stroke');
    setRectAttrs(ghost, { ...inside, width: 0, height: 0 });
    top.appendChild(ghost);
    let current: Rect = { ...inside, width: 0, height: 0 };
    drag.current = {
      move: (p) => {
        current = rectBetween(inside, p, size);
        setRectAttrs(ghost, current);
      },
      up: () => {
        ghost.remove();
        const minPx = 3 / view.current.scale;
        if (current.width < minPx || current.height < minPx) {
          if (store.getState().selectedRegionId) store.update((s) => ({ ...s, selectedRegionId: null }));
          return;
        }
        addImageRegion(store, control, name, size, { ...rectToPercent(current, size), rotation: 0 });
      },
    };
  };

  /** Pans: the middle button, or the left one with the space bar held, anywhere in the panel. */
  const pan = useRef<{ x: number; y: number; tx: number; ty: number } | null>(null);
  const onPanDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (!(e.button === 1 || (e.button === 0 && spaceDown.current))) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    pan.current = { x: e.clientX, y: e.clientY, tx: view.current.tx, ty: view.current.ty };
    e.currentTarget.classList.add('lf-panning');
  };
  const onPanMove = (e: ReactPointerEvent<HTMLDivElement>) => {
    const from = pan.current;
    if (!from) return;
    view.current = { ...view.current, tx: from.tx + e.clientX - from.x, ty: from.ty + e.clientY - from.y };
    applyView();
  };
  const onPanUp = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (!pan.current) return;
    pan.current = null;
    e.currentTarget.classList.remove('lf-panning');
    if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
  };

  const onPointerMove = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (drag.current) {
      drag.current.move(toPx(e), e.nativeEvent);
      return;
    }
    if (polygon && rubber.current) {
      const p = toPx(e);
      rubber.current.setAttribute('x2', String(p.x));
      rubber.current.setAttribute('y2', String(p.y));
    }
  };

  const onPointerUp = (e: ReactPointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    drag.current = null;
    if (layers.current?.hasPointerCapture(e.pointerId)) layers.current.releasePointerCapture(e.pointerId);
    d?.up(toPx(e), e.nativeEvent);
  };

  const last = polygon?.points[polygon.points.length - 1];
  const polyColor = polygon ? labelColor(polygon.control, (store.getState().activeLabels[polygon.control.attrs.name ?? ''] ?? [])[0] ?? '') : '';

  return (
    <div className="lf-image-tag">
      <div className="lf-image-toolbar">
        <button type="button" className="lf-icon-button" aria-label="Zoom in" onClick={() => { const v = view.current; const vp = viewport.current!; const s = clamp(v.scale * 1.25, MIN_SCALE, MAX_SCALE); const cx = vp.clientWidth / 2; const cy = vp.clientHeight / 2; view.current = { scale: s, tx: cx - ((cx - v.tx) * s) / v.scale, ty: cy - ((cy - v.ty) * s) / v.scale }; applyView(); }}>+</button>
        <button type="button" className="lf-icon-button" aria-label="Zoom out" onClick={() => { const v = view.current; const vp = viewport.current!; const s = clamp(v.scale / 1.25, MIN_SCALE, MAX_SCALE); const cx = vp.clientWidth / 2; const cy = vp.clientHeight / 2; view.current = { scale: s, tx: cx - ((cx - v.tx) * s) / v.scale, ty: cy - ((cy - v.ty) * s) / v.scale }; applyView(); }}>−</button>
        <button type="button" className="lf-icon-button" aria-label="Fit to panel" onClick={fit}>⤢</button>
        {size && <span className="lf-image-size">{size.width} × {size.height}</span>}
        {polygon && <span className="lf-hint">Click to add points; click the first point or press Enter to close, Escape to cancel.</span>}
      </div>
      <div ref={viewport} className="lf-image-viewport" data-name={name} onContextMenu={(e) => e.preventDefault()}
        onMouseDown={(e) => e.button === 1 && e.preventDefault()}
        onPointerDown={onPanDown}
        onPointerMove={onPanMove}
        onPointerUp={onPanUp}
        onPointerCancel={onPanUp}
      >
        {failed && <p className="lf-hint" role="alert">The image could not be loaded: {src}</p>}
        <div ref={stage} className="lf-image-stage" style={size ? { width: size.width, height: size.height } : undefined}>
          <img
            src={src}
            alt=""
            draggable={false}
            onLoad={(e) => {
              const img = e.currentTarget;
              setFailed(false);
              setSize({ width: img.naturalWidth, height: img.naturalHeight });
            }}
            onError={() => setFailed(true)}
          />
          {size && (
            <div ref={layers} className="lf-image-svg" onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={onPointerUp} onPointerCancel={onPointerUp}>
              <svg ref={svg} className="lf-image-layer" viewBox={`0 0 ${size.width} ${size.height}`} width={size.width} height={size.height}>
                <RegionLayer regions={regions} size={size} skipId={selected?.id ?? null} colorOf={colorOf} />
              </svg>
              <svg ref={active} className="lf-image-layer lf-image-active" viewBox={`0 0 ${size.width} ${size.height}`} width={size.width} height={size.height}>
                {selected && <Region region={selected} size={size} selected color={colorOf(selected)} />}
                {polygon && last && (
                  <g className="lf-drawing" stroke={polyColor}>
                    <polyline points={polygon.points.map((p) => `${p.x},${p.y}`).join(' ')} fill="none" vectorEffect="non-scaling-stroke" />
                    <line ref={rubber} x1={last.x} y1={last.y} x2={last.x} y2={last.y} vectorEffect="non-scaling-stroke" strokeDasharray="4 4" />
                    <circle className="lf-handle lf-poly-start" cx={polygon.points[0].x} cy={polygon.points[0].y} />
                  </g>
                )}
              </svg>
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
