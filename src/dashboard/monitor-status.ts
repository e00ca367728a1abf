import type { SqlDriver } from '../store/driver.js';
import type { Incident, OutboxStats, ProbeSample, Store } from '../store/types.js';

/**
 * The monitor's state as the store records it (the dashboard never talks to a monitor process):
 * which probes have written samples, how the last ones went, the open incidents and the outbox.
 * "Running" means some probe wrote a sample within `freshMs`; a store the monitor never wrote to,
 * or one whose newest sample is older, says "no monitor running".
 */
export interface ProbeView {
  id: string;
  lastAt: number;
  up: boolean;
  lastMessage: string;
  lastLatencyMs: number | null;
  /** The last samples, oldest first (for a sparkline). */
  recent: ProbeSample[];
  okCount: number;
  /** The probe's interval as its samples show it (median gap), ms; null with fewer than two samples. */
  intervalMs: number | null;
  /** More than two intervals passed since its last sample: its "up" is old news. */
  stale: boolean;
}

export interface MonitorView {
  running: boolean;
  /** Newest sample of any probe, ms since the epoch; null when the monitor never ran here. */
  lastSampleAt: number | null;
  probes: ProbeView[];
  openIncidents: Incident[];
  recentIncidents: Incident[];
  outbox: OutboxStats;
  /** Set when every probe missed more than two of its intervals: the monitor is not running as configured. */
  stale?: { sinceMs: number };
}

const MAX_PROBES = 100;
const RECENT = 30;

export async function monitorView(store: Store, sql: SqlDriver, opts: { now?: number; freshMs?: number } = {}): Promise<MonitorView> {
  const now = opts.now ?? Date.now();
  const freshMs = opts.freshMs ?? 10 * 60_000;
  const rows = await sql.all(`SELECT probe_id, MAX(at) AS last_at FROM probe_samples GROUP BY probe_id ORDER BY probe_id LIMIT ?`, [MAX_PROBES]);
  const probes: ProbeView[] = [];
  for (const r of rows) {
    const id = String(r['probe_id']);
    const recent = await store.recentSamples(id, RECENT);
    const last = recent.at(-1);
    if (!last) continue;
    const intervalMs = medianGap(recent.map((s) => s.at));
    probes.push({
      id,
      lastAt: last.at,
      up: last.ok,
      lastMessage: last.message,
      lastLatencyMs: last.latencyMs,
      recent,
      okCount: recent.filter((s) => s.ok).length,
      intervalMs,
      stale: intervalMs !== null && now - last.at > 2 * intervalMs,
    });
  }
  const lastSampleAt = probes.length ? Math.max(...probes.map((p) => p.lastAt)) : null;
  const [openIncidents, recentIncidents, outbox] = await Promise.all([store.openIncidents(), store.listIncidents(20), store.outboxStats()]);
  const stale = lastSampleAt !== null && probes.every((p) => p.stale) ? { sinceMs: now - lastSampleAt } : undefined;
  return { running: lastSampleAt !== null && now - lastSampleAt <= freshMs, lastSampleAt, probes, openIncidents, recentIncidents, outbox, ...(stale ? { stale } : {}) };
}

/** Median gap between consecutive timestamps (oldest first); null with fewer than two. */
export function medianGap(times: readonly number[]): number | null {
  const gaps = times
    .slice(1)
    .map((t, i) => t - times[i]!)
    .filter((g) => g > 0)
    .sort((a, b) => a - b);
  if (gaps.length === 0) return null;
  return gaps[Math.floor(gaps.length / 2)]!;
}
