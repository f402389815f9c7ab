/** One sample of a worker's queue figures. */
export interface Sample {
  atMs: number;
  queueDepth: number;
  deadLetter: number;
  processing: number;
}

const INITIAL_CAPACITY = 16;

/**
 * A worker's queue figures over time in typed arrays (20 bytes a sample): a ring that grows by
 * doubling up to `capacity`, then overwrites its oldest sample. Mutable on purpose: at a sample
 * a second for an hour, copying arrays on every collection would cost more than it tells.
 */
export class SampleRing {
  private times: Float64Array;
  private values: Uint32Array;
  /** Index of the oldest sample. */
  private start = 0;
  private size = 0;

  constructor(private readonly capacity: number) {
    const initial = Math.max(1, Math.min(capacity, INITIAL_CAPACITY));
    this.times = new Float64Array(initial);
    this.values = new Uint32Array(initial * 3);
  }

  get length(): number {
    return this.size;
  }

  /** Bytes held by the arrays (what docs/performance.md measures per worker). */
  get bytes(): number {
    return this.times.byteLength + this.values.byteLength;
  }

  /**
   * Adds a sample, unless the newest is less than `minSpacingMs` older (collections faster than
   * that cost no memory), and drops samples older than `cutoffMs`.
   */
  push(sample: Sample, minSpacingMs: number, cutoffMs: number): void {
    while (this.size > 0 && this.timeAt(0) < cutoffMs) this.dropOldest();
    if (this.size > 0 && sample.atMs - this.timeAt(this.size - 1) < minSpacingMs) return;
    if (this.size === this.times.length) {
      if (this.size < this.capacity) this.grow();
      else this.dropOldest();
    }
    this.size += 1;
    this.write(this.slot(this.size - 1), sample);
  }

  /** The samples at or after `fromMs`, oldest first, as parallel arrays. */
  columns(fromMs: number): {
    at_ms: number[];
    queue_depth: number[];
    dead_letter: number[];
    processing: number[];
  } {
    const out = {
      at_ms: [] as number[],
      queue_depth: [] as number[],
      dead_letter: [] as number[],
      processing: [] as number[],
    };
    for (let i = 0; i < this.size; i += 1) {
      const slot = this.slot(i);
      const at = this.times[slot] ?? 0;
      if (at < fromMs) continue;
      out.at_ms.push(at);
      out.queue_depth.push(this.values[slot * 3] ?? 0);
      out.dead_letter.push(this.values[slot * 3 + 1] ?? 0);
      out.processing.push(this.values[slot * 3 + 2] ?? 0);
    }
    return out;
  }

  private slot(index: number): number {
    return (this.start + index) % this.times.length;
  }

  private timeAt(index: number): number {
    return this.times[this.slot(index)] ?? 0;
  }

  private write(slot: number, sample: Sample): void {
    this.times[slot] = sample.atMs;
    this.values[slot * 3] = sample.queueDepth;
    this.values[slot * 3 + 1] = sample.deadLetter;
    this.values[slot * 3 + 2] = sample.processing;
  }

  private dropOldest(): void {
    this.start = (this.start + 1) % this.times.length;
    this.size -= 1;
  }

  private grow(): void {
    const length = Math.min(this.capacity, this.times.length * 2);
    const times = new Float64Array(length);
    const values = new Uint32Array(length * 3);
    for (let i = 0; i < this.size; i += 1) {
      const slot = this.slot(i);
      times[i] = this.times[slot] ?? 0;
      values.set(this.values.subarray(slot * 3, slot * 3 + 3), i * 3);
    }
    this.times = times;
    this.values = values;
    this.start = 0;
  }
}
