/** Lines gathered before they are encoded into the buffer. */
const PENDING_MAX = 16 * 1024;

/** The type line of a family in the Prometheus text format. */
export type MetricType = 'counter' | 'gauge';

const escapeHelp = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const NEEDS_ESCAPE = /[\\\n"]/;

/** A label value escaped for the text format; most need nothing, and skip the replacing. */
function escapeLabelValue(text: string): string {
  return NEEDS_ESCAPE.test(text) ? escapeHelp(text).replace(/"/g, '\\"') : text;
}

/**
 * `{name="value",…}` with values escaped as the text format requires; '' for no labels. Label
 * names are the caller's constants, so only values are escaped (worker names come from Redis).
 */
export function labelSet(labels: Readonly<Record<string, string>>): string {
  let pairs = '';
  for (const name in labels) {
    pairs += `${pairs === '' ? '' : ','}${name}="${escapeLabelValue(labels[name] as string)}"`;
  }
  return pairs === '' ? '' : `{${pairs}}`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/**
 * Writes metric families in the Prometheus text format (version 0.0.4), laid out as prom-client
 * lays out its own, so the two can be served one after the other.
 */
export class ExpositionWriter {
  private buffer = Buffer.allocUnsafe(64 * 1024);
  private length = 0;
  /** Lines not yet in the buffer. */
  private pending = '';
  private name = '';

  /** Starts a family; its samples follow with `sample`. */
  family(name: string, type: MetricType, help: string): this {
    this.pending += `${this.length + this.pending.length === 0 ? '' : '\n'}# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;
    this.name = name;
    return this;
  }

  /** A sample of the current family; `labels` as made by `labelSet`. */
  sample(labels: string, value: number): this {
    if (this.name === '') throw new Error('sample() before family()');
    this.pending += `${this.name}${labels} ${formatValue(value)}\n`;
    if (this.pending.length > PENDING_MAX) this.flush();
    return this;
  }

  /** Every family written, separated by blank lines, ending in a newline (empty when none). */
  bytes(): Buffer {
    this.flush();
    return this.buffer.subarray(0, this.length);
  }

  /**
   * Lines reach the buffer a few kilobytes at a time: one string built line by line for the whole
   * scrape would keep every piece alive to the end, for the garbage collector to copy.
   */
  private flush(): void {
    const needed = this.length + this.pending.length * 3;
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.length += this.buffer.write(this.pending, this.length);
    this.pending = '';
  }
}
