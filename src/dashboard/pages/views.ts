import type { CheckMeta } from '../../engine/check.js';
import { AREA_TITLES, FIX_ORDER } from '../../model/area.js';
import type { Finding, Status } from '../../model/finding.js';
import { groupsOf, type Report, type Verdict } from '../../model/report.js';
import type { Severity } from '../../model/severity.js';
import { STATUS_WORDS, byStatusThenSeverity, describeLocation, formatDuration, isHttpUrl, plural } from '../../report/describe.js';
import { esc } from '../../report/html/escape.js';
import type { AuditSummary, StoredAudit } from '../../store/types.js';
import type { RunComparison } from '../compare.js';
import type { FindingOccurrence, TargetSummary } from '../history.js';
import type { UserRow } from '../auth.js';
import type { MonitorView } from '../monitor-status.js';
import { scoreChart } from './chart.js';
import { card, page, type Chrome } from './layout.js';

/** Every dashboard page. Every string from a report or the store is escaped: findings carry text a hostile server chose. */

const VERDICT_WORDS: Record<Verdict, string> = { ready: 'Ready', 'not-ready': 'Not ready', incomplete: 'Incomplete' };

export function when(iso: string | number): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "score 87/100", or "no score" for a run whose target could not be tested. */
function scoreWords(score: number | null): string {
  return score === null ? 'no score' : `score ${score}/100`;
}

function verdictBadge(v: Verdict, score?: number | null): string {
  return `<span class="badge v-${esc(v)}">${esc(VERDICT_WORDS[v] ?? v)}${score === undefined ? '' : ` · ${scoreWords(score)}`}</span>`;
}

function statusBadge(s: Status): string {
  return `<span class="badge s-${esc(s)}">${esc(STATUS_WORDS[s] ?? s)}</span>`;
}

function severityBadge(s: Severity): string {
  return `<span class="badge sev-${esc(s)}">${esc(s[0]!.toUpperCase() + s.slice(1))}</span>`;
}

function findingLink(auditId: string, f: Finding, text = f.title): string {
  return `<a href="/audits/${esc(auditId)}/findings/${esc(f.id)}">${esc(text)}</a>`;
}

function failingCounts(failing: Record<string, number>): string {
  const parts = (['critical', 'high', 'medium', 'low'] as const).filter((s) => (failing[s] ?? 0) > 0).map((s) => `${failing[s]} ${s}`);
  return parts.length ? parts.join(', ') : 'none';
}

// ---------------------------------------------------------------- targets (home)

export function overviewPage(targets: TargetSummary[], monitor: MonitorView, chrome: Chrome): string {
  const list = targets.length
    ? [
        '<div class="table-wrap" role="region" aria-labelledby="targets-cap" tabindex="0"><table>',
        '<caption id="targets-cap" class="visually-hidden">Audited targets, most recently audited first</caption>',
        '<thead><tr><th scope="col">Target</th><th scope="col">Latest verdict</th><th scope="col" class="num">Audits</th><th scope="col">Last audited</th></tr></thead><tbody>',
        ...targets.map(
          (t) =>
            `<tr><td><a href="/targets/${esc(t.key)}">${esc(t.target)}</a></td><td>${verdictBadge(t.lastVerdict, t.lastScore)}</td><td class="num">${t.audits}</td><td><a href="/audits/${esc(t.lastAuditId)}">${esc(when(t.lastStartedAt))}</a></td></tr>`,
        ),
        '</tbody></table></div>',
      ].join('')
    : '<p>No audits stored yet. Run <code>launchready audit URL --save</code>, or POST a JSON report to <code>/api/audits</code>.</p>';
  const mon = monitor.running
    ? `<p>${statusWord(monitor)} — ${plural(monitor.probes.length, 'probe')}, ${plural(monitor.openIncidents.length, 'open incident')}. <a href="/monitor">Monitor status</a></p>`
    : `<p>No monitor running${monitor.lastSampleAt ? ` (last sample ${esc(when(monitor.lastSampleAt))})` : ''}. <a href="/monitor">Details</a></p>`;
  return page('Targets', 'Audit history', card('targets', 'Targets', list) + card('monitor', 'Monitor', mon), chrome, 'Every target audited into this store, with its latest verdict.');
}

/** "7 min ago" (whole minutes from a minute on). */
function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  return m < 120 ? `${m} min ago` : `${Math.floor(m / 60)} h ${m % 60} min ago`;
}

function statusWord(m: MonitorView): string {
  // An old "up" is not "up": a monitor that missed more than two intervals says so first.
  if (m.stale) return `Stale — last probe ${ago(m.stale.sinceMs)}`;
  if (m.openIncidents.length > 0) return 'Alerting';
  return m.probes.every((p) => p.up) ? 'All probes up' : 'Some probes failing';
}

// ---------------------------------------------------------------- one target's history

export function targetPage(target: TargetSummary, audits: AuditSummary[], chrome: Chrome): string {
  const oldestFirst = [...audits].reverse();
  const chart = card('trend', 'Score over time', scoreChart(oldestFirst.flatMap((a) => (a.score === null ? [] : [{ auditId: a.id, startedAt: a.startedAt, score: a.score, verdict: a.verdict }]))));
  const options = (selected: string | undefined): string =>
    audits.map((a) => `<option value="${esc(a.id)}"${a.id === selected ? ' selected' : ''}>${esc(when(a.startedAt))} — ${esc(VERDICT_WORDS[a.verdict])}, ${esc(scoreWords(a.score))}</option>`).join('');
  const compare =
    audits.length >= 2
      ? card(
          'compare',
          'Compare two runs',
          `<form class="row" method="get" action="/compare">` +
            `<div><label for="cmp-base">Earlier run</label><select id="cmp-base" name="base">${options(audits[1]!.id)}</select></div>` +
            `<div><label for="cmp-head">Later run</label><select id="cmp-head" name="head">${options(audits[0]!.id)}</select></div>` +
            `<div><button class="primary" type="submit">Compare</button></div></form>` +
            `<p class="muted">Findings are matched by id: the same problem at the same place has the same id in every run.</p>`,
        )
      : '';
  const rows = audits.map((a, i) => {
    const prev = audits[i + 1];
    const delta = prev && a.score !== null && prev.score !== null ? a.score - prev.score : undefined;
    return (
      `<tr><td><a href="/audits/${esc(a.id)}">${esc(when(a.startedAt))}</a></td><td>${verdictBadge(a.verdict)}</td>` +
      `<td class="num">${a.score === null ? 'no score' : `${a.score}/100`}${delta ? ` <span class="muted">(${delta > 0 ? '+' : ''}${delta})</span>` : ''}</td>` +
      `<td>${esc(failingCounts(a.failing))}</td><td>${esc(formatDuration(a.durationMs))}</td>` +
      `<td>${prev ? `<a href="/compare?base=${esc(prev.id)}&amp;head=${esc(a.id)}">changes</a>` : ''}</td></tr>`
    );
  });
  const table = card(
    'runs',
    'Runs',
    '<div class="table-wrap" role="region" aria-labelledby="runs-cap" tabindex="0"><table><caption id="runs-cap" class="visually-hidden">Audits of this target, newest first</caption>' +
      '<thead><tr><th scope="col">Started</th><th scope="col">Verdict</th><th scope="col" class="num">Score</th><th scope="col">Failing</th><th scope="col">Took</th><th scope="col">Against the run before</th></tr></thead>' +
      `<tbody>${rows.join('')}</tbody></table></div>`,
  );
  return page(`History of ${target.target}`, target.target, chart + compare + table, chrome, `${plural(target.audits, 'audit')}; latest ${VERDICT_WORDS[target.lastVerdict]} with ${scoreWords(target.lastScore)}.`);
}

// ---------------------------------------------------------------- one audit

export function auditPage(audit: StoredAudit, previous: AuditSummary | undefined, targetKey: string, chrome: Chrome): string {
  const r = audit.report;
  const byId = new Map(r.findings.map((f) => [f.id, f]));
  const verdict = [
    `<div class="verdict"><p class="verdict-badge v-${esc(r.verdict)}"><span class="word">${esc(VERDICT_WORDS[r.verdict])}</span><span class="score">${esc(r.score === null ? (r.scoreNote ?? 'no score: target not tested') : `score ${r.score}/100`)}</span></p>`,
    `<div class="verdict-text"><p>${esc(headline(r))}</p>`,
    `<p class="muted">${plural(r.findings.length, 'finding')} · ${r.stats.requests} requests · took ${esc(formatDuration(r.durationMs))} · ${esc(r.tool.name)} ${esc(r.tool.version)}</p>`,
    `<p><a href="/targets/${esc(targetKey)}">History of this target</a>${previous ? ` · <a href="/compare?base=${esc(previous.id)}&amp;head=${esc(audit.id)}">Changes since the run before</a>` : ''} · <a href="/audits/${esc(audit.id)}/report">Full HTML report</a> · <a href="/api/audits/${esc(audit.id)}">JSON</a></p>`,
    `</div></div>`,
    r.incomplete.length ? `<div class="incomplete"><p><strong>Not everything could be tested:</strong></p><ul>${r.incomplete.map((x) => `<li>${esc(x)}</li>`).join('')}</ul></div>` : '',
  ].join('');
  // One blocker per root cause (check + fix), severity first, then fix order; every place listed.
  const groups = groupsOf(r);
  const blockerList = groups.length
    ? `<ol class="blockers">${groups
        .map((g) => {
          const f = byId.get(g.findings[0]!);
          const places = g.places.length > 1 ? `${g.places.length} places: ${g.places.slice(0, 3).join(', ')}${g.places.length > 3 ? ` and ${g.places.length - 3} more` : ''}` : (g.places[0] ?? '');
          return `<li>${severityBadge(g.severity)} <span class="area-tag">${esc(AREA_TITLES[g.area] ?? g.area)}</span><br>${f ? findingLink(audit.id, f, g.title) : esc(g.title)}<p class="where">${esc(places)}</p><p class="fix"><strong>Fix:</strong> ${esc(g.fix)}</p></li>`;
        })
        .join('')}</ol>`
    : '<p>No blockers: no failing finding at medium severity or above.</p>';
  const statuses: Status[] = ['fail', 'warn', 'pass', 'skip', 'error'];
  const scorecard =
    '<div class="table-wrap" role="region" aria-labelledby="sc-cap" tabindex="0"><table><caption id="sc-cap">One row per checklist area; "Skipped" means not tested — never a pass.</caption>' +
    `<thead><tr><th scope="col">Area</th><th scope="col">Status</th>${statuses.map((s) => `<th scope="col" class="num">${esc(STATUS_WORDS[s])}</th>`).join('')}</tr></thead><tbody>` +
    r.scorecard.map((row) => `<tr><th scope="row">${esc(AREA_TITLES[row.area] ?? row.area)}</th><td>${statusBadge(row.status)}</td>${statuses.map((s) => `<td class="num">${row.counts[s]}</td>`).join('')}</tr>`).join('') +
    '</tbody></table></div>';
  const areas = FIX_ORDER.filter((a) => r.findings.some((f) => f.area === a));
  const findings = areas
    .map((area) => {
      const list = r.findings.filter((f) => f.area === area).sort(byStatusThenSeverity);
      return `<h3>${esc(AREA_TITLES[area])}</h3><ul class="plain">${list.map((f) => `<li>${statusBadge(f.status)} ${severityBadge(f.severity)} ${findingLink(audit.id, f)}<br><span class="muted">${esc(describeLocation(f.location))}</span></li>`).join('')}</ul>`;
    })
    .join('');
  return page(
    `Audit of ${r.target}`,
    r.target,
    card('verdict', 'Verdict', verdict) + card('blockers', 'Blockers by root cause, severity first', blockerList) + card('scorecard', 'Scorecard', scorecard) + card('findings', 'Findings', findings || '<p>No findings were recorded.</p>'),
    chrome,
    `Audited ${when(r.startedAt)}`,
  );
}

function headline(r: Report): string {
  if (r.verdict === 'not-ready') return r.blockers.length ? `Not ready for real customers: fix the ${plural(r.blockers.length, 'blocker')} below, in order, first.` : 'Not ready: serious findings failed.';
  if (r.verdict === 'incomplete') return 'Incomplete: nothing serious failed in what was tested, but part of the checklist could not be tested.';
  return 'Ready: nothing at or above the failure threshold failed.';
}

// ---------------------------------------------------------------- one finding

export function findingPage(audit: StoredAudit, f: Finding, meta: CheckMeta | undefined, history: FindingOccurrence[], chrome: Chrome): string {
  const facts: Array<[string, string]> = [
    ['Status', statusBadge(f.status)],
    ['Severity', severityBadge(f.severity)],
    ['Area', esc(AREA_TITLES[f.area] ?? f.area)],
    ['Where', esc(describeLocation(f.location))],
    ['Check', `<code>${esc(f.check)}</code>`],
    ['Finding id', `<code>${esc(f.id)}</code>`],
    ['Audit', `<a href="/audits/${esc(audit.id)}">${esc(when(audit.startedAt))}</a>`],
  ];
  const parts: string[] = [`<dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`];
  if (f.reason) parts.push(`<h3>${f.status === 'error' ? 'Why it could not run' : 'Why it was not tested'}</h3><p>${esc(f.reason)}</p>`);
  if (meta) {
    parts.push(`<h3>Why it matters</h3><p>${esc(meta.why)}</p>`);
    if (meta.breaks) parts.push(`<p><strong>What breaks:</strong> ${esc(meta.breaks)}</p>`);
  }
  if (f.status === 'fail' || f.status === 'warn') parts.push(`<h3>Fix</h3><p class="fix-box">${esc(f.fix)}</p>`);
  const e = f.evidence;
  const ev: string[] = [];
  if (e.request) ev.push(`<h3>Request sent (redacted)</h3><pre><code>${esc(e.request)}</code></pre>`);
  if (e.response) ev.push(`<h3>Response received (redacted)</h3><pre><code>${esc(e.response)}</code></pre>`);
  if (e.reproduce) ev.push(`<h3>Reproduce</h3><pre><code>${esc(e.reproduce)}</code></pre>`);
  if (e.value)
    ev.push(
      `<h3>Secret (never shown)</h3><dl class="facts"><dt>Starts with</dt><dd><code>${esc(e.value.prefix.slice(0, 4))}</code>…</dd><dt>Length</dt><dd>${esc(e.value.length)} characters</dd><dt>SHA-256</dt><dd><code>${esc(e.value.sha256)}</code></dd></dl>`,
    );
  if (e.notes?.length) ev.push(`<h3>Notes</h3><ul>${e.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
  const refs = f.references.length ? `<ul>${f.references.map((r) => `<li>${isHttpUrl(r) ? `<a href="${esc(r)}" rel="noopener noreferrer">${esc(r)}</a>` : esc(r)}</li>`).join('')}</ul>` : '<p>None.</p>';
  const hist = history.length
    ? `<ul class="plain">${history.map((h) => `<li><a href="/audits/${esc(h.auditId)}/findings/${esc(f.id)}">${esc(when(h.startedAt))}</a> ${statusBadge(h.status as Status)}${h.auditId === audit.id ? ' <span class="muted">(this run)</span>' : ''}</li>`).join('')}</ul><p class="muted">Runs of this target that reported this finding id; a run that is missing did not report it.</p>`
    : '<p>Only this run.</p>';
  return page(
    f.title,
    f.title,
    card('finding', 'Finding', parts.join('')) + card('evidence', 'Evidence', ev.join('') || '<p>No evidence recorded.</p>') + card('history', 'In other runs', hist) + card('references', 'References', refs),
    chrome,
    `${audit.target} · ${when(audit.startedAt)}`,
  );
}

// ---------------------------------------------------------------- comparing two runs

export function comparePage(base: StoredAudit, head: StoredAudit, c: RunComparison, chrome: Chrome): string {
  const kpis = [
    ['New problems', c.newProblems.length],
    ['Fixed', c.fixed.length],
    ['Not re-tested', c.unverified.length],
    ['Still open', c.unchanged.length],
    ['Score change', c.scoreDelta === null ? 'not comparable (a run has no score)' : `${c.scoreDelta > 0 ? '+' : ''}${c.scoreDelta}`],
  ]
    .map(([k, v]) => `<li><strong>${esc(v)}</strong>${esc(k)}</li>`)
    .join('');
  const head1 = [
    `<p>From <a href="/audits/${esc(base.id)}">${esc(when(base.startedAt))}</a> ${verdictBadge(base.verdict, base.score)} to <a href="/audits/${esc(head.id)}">${esc(when(head.startedAt))}</a> ${verdictBadge(head.verdict, head.score)}.</p>`,
    base.target !== head.target ? `<p class="alert">These runs audited different targets (${esc(base.target)} and ${esc(head.target)}): findings rarely share ids across targets.</p>` : '',
    Date.parse(base.startedAt) > Date.parse(head.startedAt) ? '<p class="note">The "earlier" run started after the "later" one: the comparison reads backwards.</p>' : '',
    `<ul class="kpis" aria-label="Summary">${kpis}</ul>`,
  ].join('');
  const item = (auditId: string, f: Finding, extra = ''): string =>
    `<li>${statusBadge(f.status)} ${severityBadge(f.severity)} ${findingLink(auditId, f)}${extra}<br><span class="muted">${esc(AREA_TITLES[f.area] ?? f.area)} · ${esc(describeLocation(f.location))}</span></li>`;
  const list = (items: string[], empty: string): string => (items.length ? `<ul class="plain">${items.join('')}</ul>` : `<p>${esc(empty)}</p>`);
  return page(
    'Compare runs',
    `Changes in ${head.target}`,
    card('summary', 'Summary', head1) +
      `<div class="diff-new">${card('new', 'New problems', list(c.newProblems.map((f) => item(head.id, f)), 'No new problems.'))}</div>` +
      `<div class="diff-fixed">${card('fixed', 'Fixed', list(c.fixed.map((x) => item(head.id, x.after, ` <span class="muted">(was ${esc(x.before.status)})</span>`)), 'Nothing was fixed.'))}</div>` +
      card(
        'unverified',
        'Not re-tested',
        `<p class="muted">Problems of the earlier run that the later run did not test (skipped, errored or not reported): not counted as fixed.</p>` +
          list(c.unverified.map((x) => item(base.id, x.before, x.after ? ` <span class="muted">(now ${esc(x.after.status)})</span>` : ' <span class="muted">(not reported)</span>')), 'None.'),
      ) +
      card('unchanged', 'Still open', list(c.unchanged.map((x) => item(head.id, x.after)), 'None.')),
    chrome,
  );
}

// ---------------------------------------------------------------- monitor

export function monitorPage(m: MonitorView, chrome: Chrome, now = Date.now()): string {
  if (!m.running) {
    const body = `<p><strong>No monitor running.</strong> ${m.lastSampleAt ? `The last probe sample in this store is from ${esc(when(m.lastSampleAt))}.` : 'No monitor has written to this store.'} Start one with <code>launchready monitor --config launchready.yml</code> on the same store.</p>`;
    return page('Monitor', 'Monitor', card('status', 'Status', body) + incidentsCard(m), chrome);
  }
  const rows = m.probes.map(
    (p) =>
      `<tr><td>${p.stale ? '<span class="badge s-skip">Stale</span>' : p.up ? '<span class="badge s-pass">Up</span>' : '<span class="badge s-fail">Failing</span>'}</td><th scope="row">${esc(p.id)}</th><td>${esc(p.lastMessage)}</td>` +
      `<td class="num">${p.lastLatencyMs === null ? '–' : `${Math.round(p.lastLatencyMs)} ms`}</td><td>${esc(formatDuration(Math.max(0, now - p.lastAt)))} ago</td><td class="num">${p.okCount}/${p.recent.length}</td></tr>`,
  );
  const table =
    '<div class="table-wrap" role="region" aria-labelledby="probes-cap" tabindex="0"><table><caption id="probes-cap">Each probe\'s last result; "Passed" counts its recent samples.</caption>' +
    '<thead><tr><th scope="col">State</th><th scope="col">Probe</th><th scope="col">Last result</th><th scope="col" class="num">Latency</th><th scope="col">Last run</th><th scope="col" class="num">Passed</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table></div>`;
  const outbox = `<p class="muted">Notifications: ${m.outbox.delivered} delivered, ${m.outbox.pending} pending, ${m.outbox.failed} failed.</p>`;
  return page('Monitor', 'Monitor', card('status', statusWord(m), table + outbox) + incidentsCard(m), chrome, `Last sample ${when(m.lastSampleAt!)}`);
}

function incidentsCard(m: MonitorView): string {
  const open = m.openIncidents.length
    ? `<ul class="plain">${m.openIncidents.map((i) => `<li><strong>${esc(i.title)}</strong> since ${esc(when(i.openedAt))}<br><span class="muted">${esc(i.probeId)} · ${esc(i.rule)}</span></li>`).join('')}</ul>`
    : '<p>No open incidents.</p>';
  const resolved = m.recentIncidents.filter((i) => i.resolvedAt !== null);
  const past = resolved.length ? `<h3>Recently resolved</h3><ul class="plain">${resolved.map((i) => `<li>${esc(i.title)} — ${esc(when(i.openedAt))} to ${esc(when(i.resolvedAt!))}</li>`).join('')}</ul>` : '';
  return card('incidents', 'Incidents', open + past);
}

// ---------------------------------------------------------------- login, setup, errors

export function loginPage(csrf: string, opts: { error?: string; next?: string; notice?: string } = {}): string {
  const body = [
    opts.notice ? `<p class="note" role="status">${esc(opts.notice)}</p>` : '',
    opts.error ? `<p class="alert" role="alert">${esc(opts.error)}</p>` : '',
    `<form class="stack" method="post" action="/login">`,
    `<input type="hidden" name="_csrf" value="${esc(csrf)}">`,
    opts.next ? `<input type="hidden" name="next" value="${esc(opts.next)}">` : '',
    `<div><label for="username">Username</label><input id="username" name="username" type="text" autocomplete="username" value="admin" required maxlength="100"></div>`,
    `<div><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256" autofocus></div>`,
    `<div><button class="primary" type="submit">Sign in</button></div>`,
    `</form>`,
  ].join('');
  return page('Sign in', 'Sign in', card('login', 'Sign in to the dashboard', body));
}

export function setupPage(csrf: string, token: string, error?: string): string {
  const body = [
    `<p>Choose the password of the dashboard's admin account (user name <code>admin</code>). This link works once.</p>`,
    error ? `<p class="alert" role="alert">${esc(error)}</p>` : '',
    `<form class="stack" method="post" action="/setup">`,
    `<input type="hidden" name="_csrf" value="${esc(csrf)}">`,
    `<input type="hidden" name="token" value="${esc(token)}">`,
    `<div><label for="password">New password (at least 12 characters)</label><input id="password" name="password" type="password" autocomplete="new-password" required minlength="12" maxlength="256"></div>`,
    `<div><label for="confirm">Repeat it</label><input id="confirm" name="confirm" type="password" autocomplete="new-password" required minlength="12" maxlength="256"></div>`,
    `<div><button class="primary" type="submit">Create the admin account</button></div>`,
    `</form>`,
  ].join('');
  return page('Set up', 'Set up the dashboard', card('setup', 'Admin password', body));
}

export function messagePage(title: string, message: string, chrome: Chrome = {}, link: { href: string; text: string } = { href: '/', text: 'Back to the dashboard' }): string {
  return page(title, title, card('message', title, `<p>${esc(message)}</p><p><a href="${esc(link.href)}">${esc(link.text)}</a></p>`), chrome);
}

// ---------------------------------------------------------------- users and invitations

export interface UsersPageOptions {
  /** The one-time link just created (shown once). */
  invite?: { url: string; username: string; role: string; expiresAt: number };
  notice?: string;
  error?: string;
  selfId?: string;
}

export function usersPage(users: UserRow[], chrome: Chrome, opts: UsersPageOptions = {}): string {
  const csrf = esc(chrome.csrfToken ?? '');
  const rows = users
    .map((u) => {
      const other = u.role === 'admin' ? 'viewer' : 'admin';
      const forms = [
        `<form class="inline" method="post" action="/users/${esc(u.id)}/role"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="role" value="${other}"><button class="link" type="submit">Make ${other}</button></form>`,
        ` · <form class="inline" method="post" action="/users/${esc(u.id)}/revoke"><input type="hidden" name="_csrf" value="${csrf}"><button class="link" type="submit">Revoke</button></form>`,
      ].join('');
      return `<tr><th scope="row">${esc(u.username)}${u.id === opts.selfId ? ' <span class="meta">(you)</span>' : ''}</th><td>${esc(u.role)}</td><td>${esc(when(u.createdAt))}</td><td>${forms}</td></tr>`;
    })
    .join('');
  const list = `<table><thead><tr><th scope="col">User</th><th scope="col">Role</th><th scope="col">Since</th><th scope="col">Actions</th></tr></thead><tbody>${rows}</tbody></table>`;
  const link = opts.invite
    ? `<div class="note" role="status"><p>Send this link to <strong>${esc(opts.invite.username)}</strong> (${esc(opts.invite.role)}). It works once, until ${esc(when(opts.invite.expiresAt))}, and is not shown again:</p><pre>${esc(opts.invite.url)}</pre></div>`
    : '';
  const form = [
    `<form class="stack" method="post" action="/users/invite">`,
    `<input type="hidden" name="_csrf" value="${csrf}">`,
    `<div><label for="username">User name</label><input id="username" name="username" type="text" required maxlength="64" pattern="[A-Za-z0-9][A-Za-z0-9._@\\-]{0,63}"></div>`,
    `<div><label for="role">Role</label><select id="role" name="role"><option value="viewer" selected>viewer (reads everything, changes nothing)</option><option value="admin">admin</option></select></div>`,
    `<div><button class="primary" type="submit">Create invitation link</button></div>`,
    `</form>`,
  ].join('');
  const body = [
    opts.notice ? `<p class="note" role="status">${esc(opts.notice)}</p>` : '',
    opts.error ? `<p class="alert" role="alert">${esc(opts.error)}</p>` : '',
    card('users', 'Users', list),
    card('invite', 'Invite a user', link + form),
  ].join('');
  return page('Users', 'Users', body, chrome);
}

export function invitePage(csrf: string, token: string, invite: { username: string; role: string }, error?: string): string {
  const body = [
    `<p>You are invited to the launchready dashboard as <strong>${esc(invite.username)}</strong> (${esc(invite.role)}). Choose your password; this link works once.</p>`,
    error ? `<p class="alert" role="alert">${esc(error)}</p>` : '',
    `<form class="stack" method="post" action="/invite">`,
    `<input type="hidden" name="_csrf" value="${esc(csrf)}">`,
    `<input type="hidden" name="token" value="${esc(token)}">`,
    `<div><label for="password">New password (at least 12 characters)</label><input id="password" name="password" type="password" autocomplete="new-password" required minlength="12" maxlength="256"></div>`,
    `<div><label for="confirm">Repeat it</label><input id="confirm" name="confirm" type="password" autocomplete="new-password" required minlength="12" maxlength="256"></div>`,
    `<div><button class="primary" type="submit">Create my account</button></div>`,
    `</form>`,
  ].join('');
  return page('Accept invitation', 'Join the dashboard', card('invite', 'Your password', body));
}
