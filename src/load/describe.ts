import type { LatencySummary } from '../model/report.js';
import { CHART_BUCKETS_MS } from './histogram.js';
import type { ServerTimingSummary } from './server-timing.js';

/** Plain-text views of latency numbers, shared by the performance findings and `launchready load`. */

export function ms(n: number): string {
  if (n >= 10_000) return `${(n / 1000).toFixed(1)} s`;
  if (Number.isInteger(n)) return `${n} ms`;
  if (n >= 100) return `${Math.round(n)} ms`;
  if (n >= 10) return `${n.toFixed(1)} ms`;
  return `${n.toFixed(2)} ms`;
}

export function percentileLine(s: LatencySummary): string {
  return `p50 ${ms(s.p50)} · p90 ${ms(s.p90)} · p95 ${ms(s.p95)} · p99 ${ms(s.p99)} · max ${ms(s.max)} · ${s.count} requests, ${s.errors} errors`;
}

/**
 * The distribution as lines of bars: `≤ 750 ms  ██████▍  12`. The threshold, when given, is marked
 * on the bucket it bounds so the reader sees how much of the mass lies beyond it.
 */
export function histogramLines(histogram: ReadonlyArray<readonly [number, number]>, opts: { width?: number; thresholdMs?: number } = {}): string[] {
  const width = opts.width ?? 30;
  const peak = Math.max(1, ...histogram.map(([, n]) => n));
  const labels = histogram.map(([upper], i) => (i === histogram.length - 1 && !isRoundBound(upper) ? `≤ ${ms(upper)} (max)` : `≤ ${ms(upper)}`));
  const pad = Math.max(...labels.map((l) => l.length), 0);
  return histogram.map(([upper, n], i) => {
    const eighths = Math.round((n / peak) * width * 8);
    const bar = '█'.repeat(Math.floor(eighths / 8)) + (eighths % 8 ? String.fromCodePoint(0x2590 - (eighths % 8)) : '');
    const mark = opts.thresholdMs !== undefined && upper === opts.thresholdMs ? '  ← threshold' : '';
    return `${labels[i]!.padEnd(pad)}  ${bar.padEnd(width)}  ${n}${mark}`;
  });
}

function isRoundBound(upper: number): boolean {
  return (CHART_BUCKETS_MS as readonly number[]).includes(upper);
}

export function serverTimingLines(st: Record<string, ServerTimingSummary>): string[] {
  return Object.entries(st).map(([name, s]) => `Server-Timing ${name}${s.desc ? ` (${s.desc})` : ''}: p50 ${ms(s.p50)} · p95 ${ms(s.p95)} · max ${ms(s.max)} in ${s.count} responses`);
}
