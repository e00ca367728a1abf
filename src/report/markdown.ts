import { AREA_TITLES } from '../model/area.js';
import type { Finding } from '../model/finding.js';
import type { Report } from '../model/report.js';
import { baselineNotes, describeLocation } from './text.js';
import { surfaceMarkdown } from './surface.js';

function esc(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function fence(s: string): string {
  const ticks = s.includes('```') ? '````' : '```';
  return `${ticks}\n${s}\n${ticks}`;
}

function findingSection(f: Finding): string {
  const out = [`### ${f.status.toUpperCase()} · ${f.severity} · ${esc(f.title)}`, '', `- Check: \`${f.check}\` (${AREA_TITLES[f.area]}) · id \`${f.id}\``];
  const where = describeLocation(f.location);
  if (where) out.push(`- Where: ${esc(where)}`);
  if (f.reason) out.push(`- Why not judged: ${esc(f.reason)}`);
  if (f.evidence.value) out.push(`- Value: prefix \`${f.evidence.value.prefix}\`, ${f.evidence.value.length} characters, sha256 \`${f.evidence.value.sha256.slice(0, 16)}…\``);
  for (const n of f.evidence.notes ?? []) out.push(`- ${esc(n)}`);
  if (f.evidence.request) out.push('', 'Request:', '', fence(f.evidence.request));
  if (f.evidence.response) out.push('', 'Response:', '', fence(f.evidence.response));
  if (f.evidence.reproduce) out.push('', 'Reproduce:', '', fence(f.evidence.reproduce));
  out.push('', `**Fix:** ${f.fix}`);
  if (f.references.length) out.push('', `References: ${f.references.join(', ')}`);
  return out.join('\n');
}

export function renderMarkdown(report: Report): string {
  const out: string[] = [];
  out.push(`# Launch readiness: ${report.verdict.toUpperCase().replace('-', ' ')} (score ${report.score}/100)`, '');
  out.push(`Target: ${report.target} · ${report.startedAt} · ${(report.durationMs / 1000).toFixed(1)} s · ${report.stats.requests} requests · ${report.tool.name} ${report.tool.version}`, '');
  if (report.incomplete.length) out.push('**Incomplete:**', '', ...report.incomplete.map((r) => `- ${esc(r)}`), '');
  out.push('## Scorecard', '', '| Area | Status | Fail | Warn | Pass | Skip | Error |', '|---|---|---:|---:|---:|---:|---:|');
  for (const r of report.scorecard) {
    const c = r.counts;
    const total = c.fail + c.warn + c.pass + c.skip + c.error;
    out.push(`| ${AREA_TITLES[r.area]} | ${total === 0 ? 'n/a' : r.status} | ${c.fail} | ${c.warn} | ${c.pass} | ${c.skip} | ${c.error} |`);
  }
  const byId = new Map(report.findings.map((f) => [f.id, f]));
  out.push('', '## Blockers, in fix order', '');
  if (report.blockers.length === 0) out.push('None at medium severity or above.');
  report.blockers.forEach((id, i) => {
    const f = byId.get(id);
    if (f) out.push(`${i + 1}. **[${f.severity}]** ${esc(f.title)} — ${esc(describeLocation(f.location))}  \n   Fix: ${esc(f.fix)}`);
  });
  if (report.accessMatrix.length) {
    out.push('', '## Access matrix', '', '| Method | Path | Identity | Expected | Observed | Verdict |', '|---|---|---|---|---|---|');
    for (const r of report.accessMatrix) out.push(`| ${r.method} | ${esc(r.path)} | ${esc(r.identity)} | ${esc(r.expected)} | ${esc(r.observed)} | ${r.verdict} |`);
  }
  const lat = Object.entries(report.latency);
  if (lat.length) {
    out.push('', '## Latency (ms)', '', '| Action | p50 | p90 | p95 | p99 | max | count | errors |', '|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const [a, l] of lat) out.push(`| ${esc(a)} | ${l.p50.toFixed(0)} | ${l.p90.toFixed(0)} | ${l.p95.toFixed(0)} | ${l.p99.toFixed(0)} | ${l.max.toFixed(0)} | ${l.count} | ${l.errors} |`);
  }
  out.push(...surfaceMarkdown(report));
  const order: Finding['status'][] = ['fail', 'error', 'warn', 'skip', 'pass'];
  const shown = report.findings.filter((f) => f.status !== 'pass').sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status));
  out.push('', '## Findings', '');
  for (const f of shown) out.push(findingSection(f), '');
  const passed = report.findings.filter((f) => f.status === 'pass');
  if (passed.length) out.push('## Passed', '', ...passed.map((f) => `- \`${f.check}\` ${esc(f.title)}${describeLocation(f.location) ? ` (${esc(describeLocation(f.location))})` : ''}`), '');
  if (report.suppressed?.length) out.push('## Accepted by the baseline', '', ...report.suppressed.map((s) => `- \`${s.id}\`: ${esc(s.reason)}${s.expires ? ` (until ${s.expires})` : ''}`), '');
  const notes = baselineNotes(report);
  if (notes.length) out.push('## Baseline notes', '', ...notes.map((n) => `- ${esc(n)}`), '');
  return out.join('\n') + '\n';
}
