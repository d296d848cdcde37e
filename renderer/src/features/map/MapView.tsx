// The map of photos with GPS (issue 16): the world outline shipped in assets/map drawn in SVG
// (equirectangular, lib/map-view.ts), the server's clusters for the visible box and the search
// box's query as round buttons (a thumbnail and the count), zoom by wheel, buttons and +/-,
// pan by dragging and the arrow keys, the count of photos without a position, and an empty
// state when no photo has one. A cluster opens the library grid on its area (`area:` search);
// the camera lives in the URL, so Back returns to the same map.
import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type KeyboardEvent as ReactKeyboardEvent,
  type PointerEvent as ReactPointerEvent,
} from 'react';
import type { GeoBox, MapOutline, MapPoints } from '../../../../preload/api-contract.ts';
import { useClient } from '../../api/client-context.tsx';
import { EmptyState, Spinner } from '../../components/EmptyState.tsx';
import { Icon } from '../../components/Icon.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { describeError, querySyntaxError, type QuerySyntaxError } from '../../lib/errors.ts';
import {
  clusterRadius,
  formatPosition,
  mapZoomLimits,
  panBy,
  pixelsPerDegree,
  project,
  visibleBox,
  worldCamera,
  zoomAbout,
  type MapCamera,
  type ViewSize,
} from '../../lib/map-view.ts';

/** A drag shorter than this (px) is a click. */
const dragThreshold = 4;
/** Wheel movement (deltaY px) that makes one zoom step. */
const wheelStep = 100;

export function MapView(props: {
  query: string;
  /** The query is being typed: its last word is a prefix (as in the grid). */
  typing: boolean;
  /** A query the server cannot read is shown under the search box, as for the grid. */
  onSyntaxError: (error: QuerySyntaxError | null) => void;
  /** Where the map starts (the URL's camera). */
  initialCamera: MapCamera;
  onCamera: (camera: MapCamera) => void;
  /** Open the library grid on a cluster's photos. */
  onOpenArea: (box: GeoBox) => void;
  /** Bumped when photos change (new photos, new positions). */
  version: number;
}) {
  const client = useClient();
  const { t } = useI18n();
  const frame = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<ViewSize>({ width: 0, height: 0 });
  const [outline, setOutline] = useState<MapOutline | null>(null);
  const [points, setPoints] = useState<MapPoints | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [dragOffset, setDragOffset] = useState<{ dx: number; dy: number } | null>(null);
  const drag = useRef<{ x: number; y: number; moved: boolean; id: number } | null>(null);
  const wheel = useRef(0);
  // The camera is this view's state: wheel events and key repeats come faster than renders, and
  // each must build on the one before (functional updates). The parent hears of every change
  // (for the URL) and remounts the view to put it elsewhere (Back).
  const [camera, setCamera] = useState<MapCamera>(props.initialCamera);
  const onCameraRef = useRef(props.onCamera);
  onCameraRef.current = props.onCamera;
  useEffect(() => {
    onCameraRef.current(camera);
  }, [camera]);
  const onSyntaxErrorRef = useRef(props.onSyntaxError);
  onSyntaxErrorRef.current = props.onSyntaxError;

  useEffect(() => {
    client.api['map.outline']({}).then(setOutline, setError);
  }, [client]);

  useEffect(() => {
    const node = frame.current;
    if (!node) return;
    const observer = new ResizeObserver(() => {
      setSize({ width: node.clientWidth, height: node.clientHeight });
    });
    observer.observe(node);
    return () => {
      observer.disconnect();
    };
  }, []);

  // Clusters for the box in view; a newer request supersedes an older one's answer.
  useEffect(() => {
    if (size.width === 0) return;
    let current = true;
    const timer = window.setTimeout(() => {
      client.api['map.points']({
        query: props.query,
        bbox: visibleBox(camera, size),
        zoom: camera.zoom,
        lastWordPrefix: props.typing,
      }).then(
        (value) => {
          if (!current) return;
          setPoints(value);
          setError(null);
          onSyntaxErrorRef.current(null);
        },
        (e: unknown) => {
          if (!current) return;
          // A search still being written keeps the map as it was, with the hint under the box.
          const syntax = querySyntaxError(e, props.query);
          if (syntax) onSyntaxErrorRef.current(syntax);
          else setError(e);
        },
      );
    }, 120);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [client, camera, size, props.query, props.typing, props.version]);

  const centre = { x: size.width / 2, y: size.height / 2 };
  const zoomBy = useCallback(
    (steps: number, at?: { x: number; y: number }) => {
      const centre = { x: size.width / 2, y: size.height / 2 };
      setCamera((c) => zoomAbout(c, steps, at ?? centre, size));
    },
    [size],
  );
  const panPixels = useCallback(
    (dx: number, dy: number) => {
      setCamera((c) => panBy(c, dx, dy, size));
    },
    [size],
  );

  // The wheel zooms about the pointer; a listener of our own, since React's is passive and
  // the page must not scroll.
  useEffect(() => {
    const node = frame.current;
    if (!node) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      wheel.current += e.deltaY;
      const steps = Math.trunc(wheel.current / wheelStep);
      if (steps === 0) return;
      wheel.current -= steps * wheelStep;
      const rect = node.getBoundingClientRect();
      zoomBy(-steps, { x: e.clientX - rect.left, y: e.clientY - rect.top });
    };
    node.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      node.removeEventListener('wheel', onWheel);
    };
  }, [zoomBy]);

  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    drag.current = { x: e.clientX, y: e.clientY, moved: false, id: e.pointerId };
  };
  const onPointerMove = (e: ReactPointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (d?.id !== e.pointerId) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < dragThreshold) return;
    if (!d.moved) e.currentTarget.setPointerCapture(e.pointerId);
    d.moved = true;
    setDragOffset({ dx, dy });
  };
  const onPointerUp = (e: ReactPointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    drag.current = null;
    setDragOffset(null);
    if (d?.moved !== true) return;
    panPixels(e.clientX - d.x, e.clientY - d.y);
  };

  const onKeyDown = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    // Keys typed into a cluster button or the controls act on the map too, except Enter/Space.
    const step = { x: size.width / 4, y: size.height / 4 };
    switch (e.key) {
      case '+':
      case '=':
        zoomBy(1);
        break;
      case '-':
      case '_':
        zoomBy(-1);
        break;
      case 'ArrowLeft':
        panPixels(step.x, 0);
        break;
      case 'ArrowRight':
        panPixels(-step.x, 0);
        break;
      case 'ArrowUp':
        panPixels(0, step.y);
        break;
      case 'ArrowDown':
        panPixels(0, -step.y);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  // While dragging, the picture follows the pointer; the camera changes on release.
  const shift = dragOffset ?? { dx: 0, dy: 0 };
  const scale = pixelsPerDegree(camera, size);
  const unit = outline?.unit ?? 1;
  const outlineTransform =
    `translate(${String(centre.x + shift.dx)} ${String(centre.y + shift.dy)}) ` +
    `scale(${String(scale)}) translate(${String(-camera.lon)} ${String(camera.lat)}) scale(${String(unit)})`;
  const worldTopLeft = project(90, -180, camera, size);
  const worldSize = { w: 360 * scale, h: 180 * scale };

  const noPositions = points !== null && points.located === 0;

  return (
    <main className="map-view" data-testid="map-view">
      <div className="map-header">
        <h1>{t('map.title')}</h1>
        {points && (
          <span className="map-counts" role="status" data-testid="map-counts">
            {t(points.located === 1 ? 'map.locatedOne' : 'map.located', { count: points.located })}
            {' · '}
            <span data-testid="map-unlocated">
              {t(points.unlocated === 1 ? 'map.unlocatedOne' : 'map.unlocated', {
                count: points.unlocated,
              })}
            </span>
          </span>
        )}
        {props.query.trim() !== '' && (
          <span className="map-query" data-testid="map-query">
            {t('map.forQuery', { query: props.query })}
          </span>
        )}
      </div>
      <div
        ref={frame}
        className={`map-frame${dragOffset ? ' dragging' : ''}`}
        data-testid="map-frame"
        role="region"
        tabIndex={0}
        aria-label={t('map.regionLabel')}
        aria-describedby="map-keys"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={() => {
          drag.current = null;
          setDragOffset(null);
        }}
        onKeyDown={onKeyDown}
      >
        <svg className="map-svg" width={size.width} height={size.height} aria-hidden="true">
          <rect
            className="map-ocean"
            x={worldTopLeft.x + shift.dx}
            y={worldTopLeft.y + shift.dy}
            width={worldSize.w}
            height={worldSize.h}
          />
          {outline && (
            <g transform={outlineTransform}>
              {/* Rings across the antimeridian are drawn on both sides: clip them to the world. */}
              <clipPath id="map-world-clip">
                <rect x={-180 / unit} y={-90 / unit} width={360 / unit} height={180 / unit} />
              </clipPath>
              <g clipPath="url(#map-world-clip)">
                <path className="map-land" d={outline.land} vectorEffect="non-scaling-stroke" />
                <path
                  className="map-borders"
                  d={outline.borders}
                  vectorEffect="non-scaling-stroke"
                />
              </g>
            </g>
          )}
        </svg>
        {(points?.clusters ?? []).map((cluster) => {
          const at = project(cluster.lat, cluster.lon, camera, size);
          const r = clusterRadius(cluster.count);
          const label = t(cluster.count === 1 ? 'map.clusterOne' : 'map.cluster', {
            count: cluster.count,
            place: formatPosition(cluster.lat, cluster.lon),
          });
          return (
            <button
              key={`${String(cluster.samplePhotoId)}-${String(cluster.count)}`}
              type="button"
              className="map-cluster"
              data-testid="map-cluster"
              data-count={cluster.count}
              aria-label={label}
              title={label}
              style={{
                left: at.x + shift.dx - r,
                top: at.y + shift.dy - r,
                width: r * 2,
                height: r * 2,
                backgroundImage: `url("${client.mediaUrl('thumbnail', cluster.sampleHash)}")`,
              }}
              onPointerDown={(e) => {
                // A cluster is a button: a press on it starts no drag of the map.
                e.stopPropagation();
              }}
              onClick={() => {
                props.onOpenArea(cluster.bounds);
              }}
            >
              {cluster.count > 1 && <span className="map-cluster-count">{cluster.count}</span>}
            </button>
          );
        })}
        <div className="map-controls">
          <button
            type="button"
            className="icon-button"
            data-testid="map-zoom-in"
            aria-label={t('map.zoomIn')}
            title={t('map.zoomIn')}
            disabled={camera.zoom >= mapZoomLimits.max}
            onClick={() => {
              zoomBy(1);
            }}
          >
            <Icon name="plus" />
          </button>
          <button
            type="button"
            className="icon-button"
            data-testid="map-zoom-out"
            aria-label={t('map.zoomOut')}
            title={t('map.zoomOut')}
            disabled={camera.zoom <= mapZoomLimits.min}
            onClick={() => {
              zoomBy(-1);
            }}
          >
            <Icon name="minus" />
          </button>
          <button
            type="button"
            className="icon-button"
            data-testid="map-reset"
            aria-label={t('map.reset')}
            title={t('map.reset')}
            onClick={() => {
              setCamera(worldCamera);
            }}
          >
            <Icon name="globe" />
          </button>
        </div>
        <p id="map-keys" className="map-keys">
          {t('map.keys')}
        </p>
        {noPositions && (
          <div className="map-empty" data-testid="map-empty">
            <EmptyState
              icon="globe"
              title={t(props.query.trim() === '' ? 'map.emptyTitle' : 'map.emptyQueryTitle')}
              text={t('map.emptyText')}
            />
          </div>
        )}
        {points === null && error === null && (
          <div className="map-loading">
            <Spinner label={t('map.loading')} />
          </div>
        )}
        {error !== null && (
          <div className="map-empty">
            <EmptyState icon="warning" tone="error" title={describeError(error, t)} />
          </div>
        )}
      </div>
    </main>
  );
}
