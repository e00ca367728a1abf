import { AREA_TITLES } from '../model/area.js';
import type { Finding } from '../model/finding.js';
import { groupsOf, scoreText, type Report } from '../model/report.js';
import { describeLocation } from './describe.js';
import { mdCode, mdFence, mdText } from './md.js';
import { baselineNotes, sortMatrix } from './text.js';
import { gapsOf, hours, notSelected, otherIncomplete, scoreLine, sprintRows, verdictHeadline } from './verdict-words.js';
import { surfaceMarkdown } from './surface.js';

/**
 * `--format md`: the report as Markdown for a pull request or an issue. Every string that came from
 * the target (titles, places, reasons, evidence, matrix cells) goes through mdText/mdCode/mdFence,
 * so a renderer with HTML enabled shows it as text and runs nothing.
 */

const COVERAGE_WORDS = { tested: 'tested', partial: '**partly tested**', untested: '**not tested**', waived: 'waived', 'not-selected': 'not selected' } as const;

function findingSection(f: Finding): string {
  const out = [`### ${f.status.toUpperCase()} · ${f.severity} · ${mdText(f.title)}`, '', `- Check: ${mdCode(f.check)} (${mdText(AREA_TITLES[f.area])}) · id ${mdCode(f.id)}`];
  const where = describeLocation(f.location);
  if (where) out.push(`- Where: ${mdText(where)}`);
  if (f.reason) out.push(`- ${f.status === 'error' ? 'Why it could not run' : 'Why not judged'}: ${mdText(f.reason)}`);
  if (f.evidence.value) out.push(`- Value: prefix ${mdCode(f.evidence.value.prefix)}, ${f.evidence.value.length} characters, sha256 ${mdCode(`${f.evidence.value.sha256.slice(0, 16)}…`)}`);
  for (const n of f.evidence.notes ?? []) out.push(`- ${mdText(n)}`);
  if (f.evidence.request) out.push('', 'Request:', '', mdFence(f.evidence.request));
  if (f.evidence.response) out.push('', 'Response:', '', mdFence(f.evidence.response));
  if (f.evidence.reproduce) out.push('', 'Reproduce:', '', mdFence(f.evidence.reproduce));
  if (f.status === 'fail' || f.status === 'warn') out.push('', `**Fix:** ${mdText(f.fix)}`);
  if (f.references.length) out.push('', `References: ${f.references.map(mdText).join(', ')}`);
  return out.join('\n');
}

export function renderMarkdown(report: Report): string {
  const out: string[] = [];
  out.push(`# Launch readiness: ${report.verdict.toUpperCase().replace('-', ' ')} (${mdText(report.score === null ? scoreText(report) : `score ${report.score}/100`)})`, '');
  out.push(`Target: ${mdText(report.target)} · ${mdText(report.startedAt)} · ${(report.durationMs / 1000).toFixed(1)} s · ${report.stats.requests} requests · ${mdText(`${report.tool.name} ${report.tool.version}`)}`, '');
  out.push(`**${mdText(verdictHeadline(report))}** Score: ${mdText(scoreLine(report))}.`, '');

  const gaps = gapsOf(report);
  if (gaps.length) {
    out.push('## Not tested — add to launchready.yml', '');
    for (const g of gaps) out.push(`- **${mdText(g.what)}**: ${mdText(g.hint)}${g.why ? `  \n  Why: ${mdText(g.why)}` : ''}`);
    out.push('');
  }
  const other = otherIncomplete(report);
  if (other.length) out.push('**Incomplete:**', '', ...other.map((r) => `- ${mdText(r)}`), '');
  const skipped = notSelected(report);
  if (skipped.length) out.push(`Not selected in this run (--only/--skip): ${skipped.map(mdText).join(', ')} — the verdict speaks for the selected areas only.`, '');

  out.push('## Scorecard', '', '| Area | Status | Coverage | Fail | Warn | Pass | Skip | Error |', '|---|---|---|---:|---:|---:|---:|---:|');
  const coverage = new Map((report.coverage ?? []).map((c) => [c.area, c]));
  for (const r of report.scorecard) {
    const c = r.counts;
    const total = c.fail + c.warn + c.pass + c.skip + c.error;
    const cov = coverage.get(r.area);
    out.push(`| ${mdText(AREA_TITLES[r.area])} | ${total === 0 ? 'n/a' : r.status} | ${cov ? COVERAGE_WORDS[cov.state] : ''} | ${c.fail} | ${c.warn} | ${c.pass} | ${c.skip} | ${c.error} |`);
  }

  const groups = groupsOf(report);
  out.push('', '## Blockers by root cause', '', 'Severity first, then the checklist’s fix order; one entry per check and fix, with every place it was found.', '');
  if (groups.length === 0) out.push('None at medium severity or above.');
  groups.forEach((g, i) => {
    out.push(`${i + 1}. **[${g.severity}]** ${mdText(g.title)} — ${mdText(AREA_TITLES[g.area])}, about ${hours(g.effort.hours)}  `);
    out.push(`   Fix: ${mdText(g.fix)}`);
    if (g.places.length > 1) for (const p of g.places) out.push(`   - ${mdText(p)}`);
    else if (g.places[0]) out.push(`   - ${mdText(g.places[0])}`);
  });

  const sprint = sprintRows(report);
  if (sprint.rows.length) {
    out.push('', '## 48-hour rescue sprint', '', `**${mdText(sprint.verdict)}**`, '', '| Hours | Phase | Blockers | Effort |', '|---|---|---|---:|');
    for (const r of sprint.rows) out.push(`| ${r.from}–${r.to} | ${mdText(r.title)} | ${r.groups.map((g) => mdText(g.title)).join('<br>')} | ${hours(r.hours)} |`);
    out.push('', `Estimates: ${mdText(sprint.plan.basis)}.`);
  }

  if (report.waivers?.length) {
    out.push('', '## Waived in launchready.yml', '', '| Area | Reason |', '|---|---|');
    for (const w of report.waivers) out.push(`| ${mdText(AREA_TITLES[w.area])} | ${mdText(w.reason)} |`);
  }

  if (report.accessMatrix.length) {
    out.push('', '## Access matrix (leaks first)', '', '| Method | Path | Identity | Expected | Observed | Verdict |', '|---|---|---|---|---|---|');
    for (const r of sortMatrix(report.accessMatrix)) out.push(`| ${mdText(r.method)} | ${mdCode(r.path)} | ${mdText(r.identity)} | ${mdText(r.expected)} | ${mdText(r.observed)} | ${r.verdict === 'leak' ? '**leak**' : mdText(r.verdict)} |`);
  }
  const lat = Object.entries(report.latency);
  if (lat.length) {
    out.push('', '## Latency (ms)', '', '| Action | p50 | p90 | p95 | p99 | max | count | errors |', '|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const [a, l] of lat) out.push(`| ${mdText(a)} | ${l.p50.toFixed(0)} | ${l.p90.toFixed(0)} | ${l.p95.toFixed(0)} | ${l.p99.toFixed(0)} | ${l.max.toFixed(0)} | ${l.count} | ${l.errors} |`);
  }
  out.push(...surfaceMarkdown(report));
  const order: Finding['status'][] = ['fail', 'error', 'warn', 'skip', 'pass'];
  const shown = report.findings.filter((f) => f.status !== 'pass').sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status));
  out.push('', '## Findings', '');
  for (const f of shown) out.push(findingSection(f), '');
  const passed = report.findings.filter((f) => f.status === 'pass');
  if (passed.length) out.push('## Passed', '', ...passed.map((f) => `- ${mdCode(f.check)} ${mdText(f.title)}${describeLocation(f.location) ? ` (${mdText(describeLocation(f.location))})` : ''}`), '');
  if (report.suppressed?.length) out.push('## Accepted by the baseline', '', ...report.suppressed.map((s) => `- ${mdCode(s.id)}: ${mdText(s.reason)}${s.expires ? ` (until ${mdText(s.expires)})` : ''}`), '');
  const notes = baselineNotes(report);
  if (notes.length) out.push('## Baseline notes', '', ...notes.map((n) => `- ${mdText(n)}`), '');
  return out.join('\n') + '\n';
}
