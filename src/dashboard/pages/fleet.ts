import type { Verdict } from '../../model/report.js';
import { esc } from '../../report/html/escape.js';
import type { FleetRow, FleetView } from '../fleet.js';
import { card, page, type Chrome } from './layout.js';

/** The fleet page: every product the workers watch, at a glance; schedules editable by the admin. */

const VERDICT_WORDS: Record<Verdict, string> = { ready: 'Ready', 'not-ready': 'Not ready', incomplete: 'Incomplete' };

const when = (ms: number | string): string => {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
};

function trendText(scores: number[]): string {
  if (scores.length === 0) return '—';
  const delta = scores.length > 1 ? scores[scores.length - 1]! - scores[0]! : 0;
  const arrow = delta > 0 ? `▲ ${delta}` : delta < 0 ? `▼ ${-delta}` : '±0';
  return `${esc(scores.join(' → '))} <span class="meta">(${esc(arrow)} over ${scores.length} audits)</span>`;
}

function monitorText(r: FleetRow): string {
  const parts: string[] = [];
  if (r.probes.total === 0) parts.push('no probe results in the last 24 h');
  else parts.push(r.probes.down === 0 ? `all ${r.probes.total} probes up` : `${r.probes.down} of ${r.probes.total} probes failing`);
  if (r.openIncidents.length) parts.push(`<strong>${r.openIncidents.length} open incident${r.openIncidents.length > 1 ? 's' : ''}</strong>: ${r.openIncidents.map((i) => `${esc(i.probeId)} ${esc(i.rule)} since ${esc(when(i.openedAt))}`).join('; ')}`);
  if (r.unconfirmed.length) parts.push(`unconfirmed failures (last hour): ${r.unconfirmed.map((u) => `${esc(u.location)} ${u.failures}`).join(', ')}`);
  return parts.join('<br>');
}

function scheduleCell(r: FleetRow, chrome: Chrome, canEdit: boolean): string {
  const shown = r.schedule ? `<code>${esc(r.schedule)}</code> <span class="meta">(from ${r.scheduleSource === 'dashboard' ? 'the dashboard' : 'launchready.yml'})</span>` : 'none';
  const next = r.nextRun ? `<br><span class="meta">next ${esc(when(r.nextRun))}</span>` : '';
  const last = r.lastScheduled
    ? `<br><span class="meta">last tick ${esc(when(r.lastScheduled.tick))}: ${esc(r.lastScheduled.status)}${r.lastScheduled.auditId ? ` — <a href="/audits/${esc(r.lastScheduled.auditId)}">audit</a>` : ''}${r.lastScheduled.error ? ` (${esc(r.lastScheduled.error.slice(0, 200))})` : ''}</span>`
    : '';
  if (!canEdit || !chrome.csrfToken) return shown + next + last;
  const form = [
    `<form class="row" method="post" action="/fleet/${encodeURIComponent(r.name)}/schedule">`,
    `<input type="hidden" name="_csrf" value="${esc(chrome.csrfToken)}">`,
    `<label>Cron (UTC)<input type="text" name="schedule" value="${esc(r.schedule ?? '')}" placeholder="0 6 * * *" aria-label="Audit schedule of ${esc(r.name)}"></label>`,
    '<button class="primary" type="submit">Save</button>',
    '</form>',
  ].join('');
  return shown + next + last + form;
}

export function fleetPage(view: FleetView, chrome: Chrome, canEdit: boolean, notice?: string): string {
  const rows = view.targets.map((r) => {
    const audit = r.lastAudit
      ? `<a href="/audits/${esc(r.lastAudit.id)}"><span class="badge v-${esc(r.lastAudit.verdict)}">${esc(VERDICT_WORDS[r.lastAudit.verdict] ?? r.lastAudit.verdict)} · ${r.lastAudit.score}</span></a><br><span class="meta">${esc(when(r.lastAudit.startedAt))}</span>`
      : 'not audited yet';
    const blockers = r.blockers.length ? `<ol>${r.blockers.slice(0, 5).map((b) => `<li>${esc(b)}</li>`).join('')}</ol>${r.blockers.length > 5 ? `<span class="meta">and ${r.blockers.length - 5} more</span>` : ''}` : r.lastAudit ? 'none' : '—';
    const name = r.historyKey ? `<a href="/targets/${esc(r.historyKey)}">${esc(r.name)}</a>` : esc(r.name);
    return `<tr><th scope="row">${name}${r.target ? `<br><span class="meta">${esc(r.target)}</span>` : ''}</th><td>${audit}</td><td>${trendText(r.trend)}</td><td>${blockers}</td><td>${monitorText(r)}</td><td>${scheduleCell(r, chrome, canEdit)}</td></tr>`;
  });
  const table = view.targets.length
    ? [
        '<div class="table-wrap" role="region" aria-labelledby="fleet-cap" tabindex="0"><table>',
        '<caption id="fleet-cap" class="visually-hidden">Every target in the fleet</caption>',
        '<thead><tr><th scope="col">Target</th><th scope="col">Last audit</th><th scope="col">Score trend</th><th scope="col">Open blockers</th><th scope="col">Monitor</th><th scope="col">Audit schedule</th></tr></thead><tbody>',
        ...rows,
        '</tbody></table></div>',
      ].join('')
    : '<p>No targets in the fleet. Start a worker with <code>launchready worker --store postgres://… --config launchready.yml</code> to register one.</p>';
  const workers = view.workers.length
    ? `<ul class="plain">${view.workers.map((w) => `<li><strong>${esc(w.location)}</strong> — ${esc(w.id)}, ${w.concurrency} in flight at most, last beat ${esc(when(w.heartbeatAt))}</li>`).join('')}</ul>`
    : '<p>No worker has reported in the last minute.</p>';
  const dead = view.deadLetters === null ? '' : `<p>${view.deadLetters === 0 ? 'No job has failed all its retries.' : `<strong>${view.deadLetters}</strong> job${view.deadLetters > 1 ? 's' : ''} failed every retry (queue <code>lr-dead</code>).`}</p>`;
  const note = notice ? `<p class="note" role="status">${esc(notice)}</p>` : '';
  const who = canEdit ? '' : '<p class="meta">Only the admin can edit schedules.</p>';
  return page('Fleet', 'Fleet', note + card('fleet', 'Targets', table + who) + card('workers', 'Workers', workers + dead), chrome, 'Every product the workers watch: last audit, trend, blockers, monitor state and schedule.');
}
