import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from '../model/report.js';

/**
 * Latency recording: an HDR histogram (microsecond resolution, 3 significant digits, so p99 of a
 * million samples costs a few kilobytes and no sorting) plus fixed chart buckets that reports draw.
 */

/** Upper bounds (ms) of the chart buckets: roughly 1-2-3-5 steps, with the 500 ms threshold as an edge. */
export const CHART_BUCKETS_MS = [
  1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500, 10_000, 15_000, 20_000, 30_000, 60_000,
] as const;

const HIGHEST_US = 3_600_000_000; // one hour

export class LatencyRecorder {
  private readonly histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3 });
  /** Counts per chart bucket; the last slot holds values above the last bound. */
  private readonly buckets = new Array<number>(CHART_BUCKETS_MS.length + 1).fill(0);
  errors = 0;

  /** Records one latency in milliseconds. */
  record(ms: number): void {
    const us = Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000)));
    this.histogram.recordValue(us);
    this.buckets[bucketIndex(ms)]! += 1;
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** Value at a percentile (0–100), in ms. */
  percentile(p: number): number {
    if (this.histogram.totalCount === 0) return 0;
    // HDR answers with the top of the value's bucket, which can exceed the recorded maximum.
    return Math.min(this.histogram.getValueAtPercentile(p), this.histogram.maxValue) / 1000;
  }

  get maxMs(): number {
    return this.histogram.totalCount === 0 ? 0 : this.histogram.maxValue / 1000;
  }

  get meanMs(): number {
    return this.histogram.totalCount === 0 ? 0 : this.histogram.mean / 1000;
  }

  /**
   * A copy with the post-hoc coordinated-omission fill that wrk applies to its closed-model numbers
   * (HdrHistogram's recordValueWithExpectedInterval): every sample longer than the expected interval
   * also stands for the requests that would have been sent meanwhile. Used to compare with wrk;
   * the open model needs no such guess.
   */
  correctedFor(expectedIntervalMs: number): LatencyRecorder {
    const out = new LatencyRecorder();
    const corrected = this.histogram.copyCorrectedForCoordinatedOmission(Math.max(1, Math.round(expectedIntervalMs * 1000)));
    out.histogram.add(corrected);
    corrected.destroy();
    out.errors = this.errors;
    return out;
  }

  /** Adds another recorder's samples and errors into this one. */
  add(other: LatencyRecorder): void {
    this.histogram.add(other.histogram);
    for (let i = 0; i < this.buckets.length; i++) this.buckets[i]! += other.buckets[i]!;
    this.errors += other.errors;
  }

  /**
   * Chart buckets from the first to the last non-empty one, as [upper bound ms, count]. Values above
   * the last bound are reported in a bucket whose upper bound is the observed maximum.
   */
  chart(): Array<[number, number]> {
    const first = this.buckets.findIndex((n) => n > 0);
    if (first < 0) return [];
    let last = this.buckets.length - 1;
    while (this.buckets[last] === 0) last--;
    const out: Array<[number, number]> = [];
    for (let i = first; i <= last; i++) out.push([i < CHART_BUCKETS_MS.length ? CHART_BUCKETS_MS[i]! : round(this.maxMs), this.buckets[i]!]);
    return out;
  }

  /** The report's latency row: percentiles in ms (rounded to 0.1 ms), count, errors and the chart. */
  summary(): LatencySummary {
    return {
      p50: round(this.percentile(50)),
      p90: round(this.percentile(90)),
      p95: round(this.percentile(95)),
      p99: round(this.percentile(99)),
      max: round(this.maxMs),
      count: this.count,
      errors: this.errors,
      histogram: this.chart(),
    };
  }

  /** Frees the histogram's buffers (only needed for WebAssembly histograms; harmless otherwise). */
  destroy(): void {
    this.histogram.destroy();
  }
}

function bucketIndex(ms: number): number {
  // Linear scan is fine: 29 bounds, and most latencies land in the first dozen.
  for (let i = 0; i < CHART_BUCKETS_MS.length; i++) if (ms <= CHART_BUCKETS_MS[i]!) return i;
  return CHART_BUCKETS_MS.length;
}

export function round(ms: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(ms * f) / f;
}
