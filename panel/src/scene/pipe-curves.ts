import { type BufferGeometry, CatmullRomCurve3, TubeGeometry, Vector3 } from 'three';
import { mergeGeometries } from 'three/examples/jsm/utils/BufferGeometryUtils.js';
import type { Vec3 } from './scene-layout.js';

/** The smooth path of a pipe through its control points. */
export function pipeCurve(points: readonly Vec3[]): CatmullRomCurve3 {
  return new CatmullRomCurve3(
    points.map(([x, y, z]) => new Vector3(x, y, z)),
    false,
    'centripetal',
  );
}

/**
 * Points evenly spaced by arc length along a curve, flattened xyz: particles look them up each
 * frame instead of solving the curve.
 */
export function samplePath(curve: CatmullRomCurve3, samples = 160): Float32Array {
  const flat = new Float32Array(samples * 3);
  curve.getSpacedPoints(samples - 1).forEach((point, index) => {
    point.toArray(flat, index * 3);
  });
  return flat;
}

/** The point at fraction `t` (0..1) of a sampled path, written into `out`. */
export function pointOnPath(path: Float32Array, t: number, out: Vector3): Vector3 {
  const last = path.length / 3 - 1;
  const position = Math.min(Math.max(t, 0), 1) * last;
  const index = Math.min(Math.floor(position), last - 1);
  const frac = position - index;
  const a = index * 3;
  const b = a + 3;
  return out.set(
    (path[a] ?? 0) + ((path[b] ?? 0) - (path[a] ?? 0)) * frac,
    (path[a + 1] ?? 0) + ((path[b + 1] ?? 0) - (path[a + 1] ?? 0)) * frac,
    (path[a + 2] ?? 0) + ((path[b + 2] ?? 0) - (path[a + 2] ?? 0)) * frac,
  );
}

/** Parts of a pipe that are drawn, as [from, to] fractions. */
export type PipeSpans = ReadonlyArray<readonly [number, number]>;

export const SOLID_SPANS: PipeSpans = [[0, 1]];

/** Evenly spaced dashes: a paused or unknown pipe. */
export function dashSpans(count = 22, duty = 0.55): PipeSpans {
  return Array.from(
    { length: count },
    (_, index) => [index / count, (index + duty) / count] as const,
  );
}

/** The whole pipe but a gap around `at`: where a down pipe is cut. */
export function brokenSpans(at: number, gap = 0.08): PipeSpans {
  return [
    [0, Math.max(0, at - gap / 2)],
    [Math.min(1, at + gap / 2), 1],
  ];
}

/** A tube along the given spans of a curve, merged into one geometry (one draw call). */
export function tubeGeometry(
  curve: CatmullRomCurve3,
  spans: PipeSpans,
  radius: number,
): BufferGeometry {
  const length = curve.getLength();
  const parts = spans.map(([from, to]) => {
    const steps = Math.max(2, Math.ceil(((to - from) * length) / 0.25));
    const points = Array.from({ length: steps + 1 }, (_, i) =>
      curve.getPointAt(from + ((to - from) * i) / steps),
    );
    return new TubeGeometry(new CatmullRomCurve3(points), steps * 2, radius, 8, false);
  });
  const merged = parts.length === 1 ? parts[0] : mergeGeometries(parts);
  if (!merged) throw new Error('pipe geometry could not be merged');
  if (parts.length > 1) for (const part of parts) part.dispose();
  return merged;
}
