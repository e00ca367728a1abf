import type { CheckMeta } from '../engine/check.js';
import type { Finding, Location, Status } from '../model/finding.js';
import { SEVERITY_RANK } from '../model/severity.js';

/** Words and small formatting shared by the HTML, SARIF, JUnit and handover renderers. */

export function shortCommit(commit: string): string {
  return /^[0-9a-f]{12,}$/i.test(commit) ? commit.slice(0, 8) : commit;
}

/** `src/app.ts:12:5`, without line or column when unknown. */
export function fileLocation(loc: Location): string | undefined {
  if (!loc.file) return undefined;
  return `${loc.file}${loc.line ? `:${loc.line}${loc.column ? `:${loc.column}` : ''}` : ''}`;
}

/** One line that says where a finding is: `GET https://…`, `src/a.ts:3:1 @ 9c1e2f3a`, `example.com TXT _dmarc…`. */
export function describeLocation(loc: Location): string {
  const parts: string[] = [];
  if (loc.url) parts.push(loc.method ? `${loc.method} ${loc.url}` : loc.url);
  const file = fileLocation(loc);
  if (file) parts.push(loc.commit ? `${file} @ ${shortCommit(loc.commit)}${loc.date ? ` (${loc.date})` : ''}` : file);
  if (loc.domain) parts.push(loc.record ? `${loc.domain} — ${loc.record}` : loc.domain);
  else if (loc.record) parts.push(loc.record);
  if (loc.detail) parts.push(`(${loc.detail})`);
  return parts.join(' ') || 'the whole target';
}

export const STATUS_WORDS: Record<Status, string> = { fail: 'Fail', warn: 'Warn', pass: 'Pass', skip: 'Skipped', error: 'Error' };

const STATUS_ORDER: Status[] = ['fail', 'error', 'warn', 'pass', 'skip'];

/** Problems first: status (fail, error, warn, pass, skip), then severity, then the run's order. */
export function byStatusThenSeverity(a: Finding, b: Finding): number {
  return STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity];
}

export function metaIndex(metas: readonly CheckMeta[]): Map<string, CheckMeta> {
  return new Map(metas.map((m) => [m.id, m]));
}

export function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

// eslint-disable-next-line no-control-regex -- finding text comes from servers; these characters must not reach a report
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Text without C0 control characters (tab, newline and CR kept): ANSI escapes and NULs never reach a report. */
export function stripControl(text: string): string {
  return text.replace(CONTROL_CHARS, '');
}

/** The same characters, shown as `\x1b` so the evidence still says they were there. */
export function showControl(text: string): string {
  return text.replace(CONTROL_CHARS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
