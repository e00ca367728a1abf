import type { LoadResult } from './generator.js';
import { histogramLines, ms, serverTimingLines } from './describe.js';

/** The terminal view of one load run: what ran, a per-route table, the distribution, Server-Timing. */
export function renderLoadText(r: LoadResult, opts: { target: string; thresholdMs?: number; skipped?: Array<{ route: string; reason: string }>; notes?: string[] }): string {
  const lines: string[] = [];
  const shape =
    r.model === 'open'
      ? `open model: ${r.rate} requests/s on a fixed schedule, latency timed from each request's intended send time`
      : `closed model: ${r.concurrency} concurrent users, each waiting for its answer before sending again`;
  lines.push(`launchready load ${opts.target}`, `${shape}`, `measured ${ms(r.measuredMs)} after ${ms(r.warmupMs)} warm-up · ${r.connections} connections per origin · stopped by ${r.stoppedBy}`, '');
  const rows: string[][] = [['action', 'count', 'errors', 'p50', 'p90', 'p95', 'p99', 'max']];
  for (const route of Object.values(r.routes)) {
    const s = route.latency;
    const over = opts.thresholdMs !== undefined && s.p95 > opts.thresholdMs ? ' !' : '';
    rows.push([route.name, String(s.count), String(s.errors), ms(s.p50), ms(s.p90), ms(s.p95) + over, ms(s.p99), ms(s.max)]);
  }
  const o = r.overall;
  rows.push(['all', String(o.count), String(o.errors), ms(o.p50), ms(o.p90), ms(o.p95), ms(o.p99), ms(o.max)]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const [i, row] of rows.entries()) {
    lines.push(row.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]!) : cell.padStart(widths[j]!))).join('  '));
    if (i === 0 || i === rows.length - 2) lines.push(widths.map((w) => '─'.repeat(w)).join('  '));
  }
  if (opts.thresholdMs !== undefined) lines.push(`(! = p95 over the ${ms(opts.thresholdMs)} threshold)`);
  lines.push('', `throughput ${r.throughput} requests/s · ${r.sent} sent · ${(r.bytes / 1024).toFixed(0)} KB received`);
  if (r.sendLag) lines.push(`generator send lag: p50 ${ms(r.sendLag.p50)} · p99 ${ms(r.sendLag.p99)} · max ${ms(r.sendLag.max)}`);
  if (o.histogram?.length) {
    lines.push('', 'latency distribution (all actions):', ...histogramLines(o.histogram, opts.thresholdMs !== undefined ? { thresholdMs: opts.thresholdMs } : {}).map((l) => `  ${l}`));
  }
  for (const route of Object.values(r.routes)) {
    const extra = [...(route.serverTiming ? serverTimingLines(route.serverTiming) : []), ...route.errorSamples.map((e) => `error: ${e}`)];
    if (extra.length) lines.push('', `${route.name}:`, ...extra.map((l) => `  ${l}`));
  }
  for (const s of opts.skipped ?? []) lines.push(`not loaded: ${s.route} — ${s.reason}`);
  for (const n of [...new Set([...(opts.notes ?? []), ...r.notes])]) lines.push(`note: ${n}`);
  return lines.join('\n') + '\n';
}
