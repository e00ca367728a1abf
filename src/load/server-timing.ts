import { LatencyRecorder, round } from './histogram.js';

/**
 * `Server-Timing` (W3C Server Timing): `db;dur=53.2;desc="query", app;dur=47`. When the app sends it,
 * the load report shows where the server says its time went next to what the client measured.
 */
export interface ServerTimingEntry {
  name: string;
  dur?: number;
  desc?: string;
}

export function parseServerTiming(header: string): ServerTimingEntry[] {
  const out: ServerTimingEntry[] = [];
  for (const metric of splitOutsideQuotes(header, ',')) {
    const [rawName, ...params] = splitOutsideQuotes(metric, ';').map((s) => s.trim());
    if (!rawName || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(rawName)) continue;
    const entry: ServerTimingEntry = { name: rawName };
    for (const p of params) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const key = p.slice(0, eq).trim().toLowerCase();
      let value = p.slice(eq + 1).trim();
      if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
      // The spec keeps the first occurrence of a parameter.
      if (key === 'dur' && entry.dur === undefined) {
        const n = Number(value);
        if (Number.isFinite(n) && n >= 0) entry.dur = n;
      } else if (key === 'desc' && entry.desc === undefined) entry.desc = value;
    }
    out.push(entry);
  }
  return out;
}

function splitOutsideQuotes(s: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && quoted && i + 1 < s.length) {
      cur += c + s[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts.filter((p) => p.trim() !== '');
}

export interface ServerTimingSummary {
  /** Responses that carried the metric. */
  count: number;
  p50: number;
  p95: number;
  max: number;
  desc?: string;
}

/** Per-metric distribution of the `dur` values a route reported. */
export class ServerTimingRecorder {
  private readonly metrics = new Map<string, { rec: LatencyRecorder; desc?: string }>();

  record(header: string): void {
    for (const e of parseServerTiming(header)) {
      if (e.dur === undefined) continue;
      let m = this.metrics.get(e.name);
      if (!m) {
        if (this.metrics.size >= 20) continue; // a hostile header cannot grow memory without bound
        m = { rec: new LatencyRecorder(), ...(e.desc ? { desc: e.desc.slice(0, 80) } : {}) };
        this.metrics.set(e.name, m);
      }
      m.rec.record(e.dur);
    }
  }

  get size(): number {
    return this.metrics.size;
  }

  summary(): Record<string, ServerTimingSummary> {
    const out: Record<string, ServerTimingSummary> = {};
    for (const [name, { rec, desc }] of this.metrics)
      out[name] = { count: rec.count, p50: round(rec.percentile(50)), p95: round(rec.percentile(95)), max: round(rec.maxMs), ...(desc ? { desc } : {}) };
    return out;
  }
}
