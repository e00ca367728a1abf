/**
 * The one duration rule of launchready.yml (and of duration flags): a number with a unit —
 * `500ms`, `30s`, `2m`, `1h`, `7d` — and a bare number is milliseconds, like every `…Ms` key.
 * `load:` and `monitor:` both read durations through this parser (before, a bare number meant
 * seconds in `load:` and milliseconds in `monitor:`).
 */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;

export const DURATION_RULE = 'a duration such as 500ms, 30s, 2m or 1h (a bare number is milliseconds)';

/** Milliseconds, or undefined when the value is not a duration. */
export function parseDuration(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  const m = DURATION_RE.exec(v.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNITS[m[2] ?? 'ms']!;
}

/** A bare number (no unit): read as milliseconds, which is rarely what a short one meant. */
export function isBareNumber(v: string | number): boolean {
  return typeof v === 'number' || /^\d+(?:\.\d+)?$/.test(v.trim());
}

/** Why a load-test duration is refused: a short bare number (read as ms) was almost surely meant as seconds. */
export function loadDurationProblem(v: string | number): string | undefined {
  const ms = parseDuration(v);
  if (ms !== undefined && isBareNumber(v) && ms < 1000) return `a bare number is milliseconds: ${v} ms is too short for a load test; write ${String(v).trim()}s for seconds`;
  return undefined;
}

/** 90000 → "1m30s", 250 → "250ms": for log lines and alerts. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let s = Math.round(ms / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts = [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}m` : '', s ? `${s}s` : ''].filter(Boolean);
  return parts.slice(0, 2).join('') || '0s';
}
