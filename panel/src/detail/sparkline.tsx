export interface SparklineProps {
  label: string;
  times: readonly number[];
  values: readonly number[];
  fromMs: number;
  toMs: number;
  /** Stroke colour. */
  color: string;
}

const WIDTH = 300;
const HEIGHT = 56;
const PAD = 3;

/** A small SVG line of one series over the window, with its current and highest value. */
export function Sparkline({ label, times, values, fromMs, toMs, color }: SparklineProps) {
  const max = Math.max(1, ...values);
  const span = Math.max(1, toMs - fromMs);
  const x = (t: number) => PAD + ((t - fromMs) / span) * (WIDTH - 2 * PAD);
  const y = (v: number) => HEIGHT - PAD - (v / max) * (HEIGHT - 2 * PAD);
  // A step line: a figure holds until the next collection changes it.
  let path = '';
  times.forEach((t, i) => {
    const v = values[i] ?? 0;
    path +=
      i === 0 ? `M${x(t).toFixed(1)},${y(v).toFixed(1)}` : `H${x(t).toFixed(1)}V${y(v).toFixed(1)}`;
  });
  const now = values.at(-1);
  const summary =
    now === undefined
      ? `${label}: no samples yet`
      : `${label} over the last hour: now ${now}, highest ${Math.max(...values)}, ${values.length} samples`;
  return (
    <figure className="fp-spark" data-series={label}>
      <figcaption>
        <span>{label}</span>
        <b>{now ?? '—'}</b>
        <span className="fp-spark-max">max {values.length ? Math.max(...values) : '—'}</span>
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={summary}
      >
        <line
          className="fp-spark-axis"
          x1={PAD}
          x2={WIDTH - PAD}
          y1={HEIGHT - PAD}
          y2={HEIGHT - PAD}
        />
        {path && (
          <path
            d={path}
            fill="none"
            stroke={color}
            strokeWidth={1.6}
            vectorEffect="non-scaling-stroke"
          />
        )}
      </svg>
    </figure>
  );
}
