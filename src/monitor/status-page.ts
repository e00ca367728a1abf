import { formatDuration } from './duration.js';
import type { ProbeStatus } from './monitor.js';
import type { OutboxStats } from '../store/types.js';

export interface StatusDocument {
  generatedAt: string;
  startedAt: string;
  overall: 'operational' | 'degraded' | 'checking';
  target: string | null;
  store: { kind: string; location: string; committedSamples: number; lastError: string | null };
  probes: ProbeStatus[];
  incidents: Array<{ id: string; probe: string; rule: string; title: string; since: string; notified: boolean }>;
  notifiers: Array<{ name: string; kind: string; delivered: number; failedAttempts: number; lastError: { at: string; message: string } | null; lastDeliveredAt: string | null }>;
  outbox: OutboxStats | null;
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A self-contained status page (no scripts, no external assets); every value is escaped. */
export function renderStatusPage(doc: StatusDocument): string {
  const now = Date.parse(doc.generatedAt);
  const badge = (p: ProbeStatus): string => {
    if (p.rules.some((r) => r.status === 'firing')) return '<span class="b down">ALERTING</span>';
    if (p.up === null) return '<span class="b wait">PENDING</span>';
    return p.up ? '<span class="b up">UP</span>' : '<span class="b warn">FAILING</span>';
  };
  const rows = doc.probes
    .map(
      (p) => `<tr><td>${badge(p)}${p.inMaintenance ? ' <span class="b wait">MAINTENANCE</span>' : ''}</td><td><strong>${esc(p.id)}</strong><br><small>${esc(p.check)}</small></td>` +
        `<td>${esc(p.lastMessage)}</td><td>${p.lastLatencyMs === null ? '–' : `${Math.round(p.lastLatencyMs)} ms`}</td>` +
        `<td>${p.lastRunAt ? `${formatDuration(now - p.lastRunAt)} ago` : '–'}</td><td>${p.runs - p.failures}/${p.runs}</td></tr>`,
    )
    .join('\n');
  const incidents = doc.incidents.length
    ? `<ul>${doc.incidents.map((i) => `<li><strong>${esc(i.title)}</strong> since ${esc(i.since)}${i.notified ? '' : ' (not notified: maintenance)'} <small>${esc(i.id)}</small></li>`).join('')}</ul>`
    : '<p>No open incidents.</p>';
  const notifiers = doc.notifiers.length
    ? `<ul>${doc.notifiers.map((n) => `<li><strong>${esc(n.name)}</strong> (${esc(n.kind)}): ${n.delivered} delivered, ${n.failedAttempts} failed attempts${n.lastError ? ` — <span class="err">last error ${esc(n.lastError.at)}: ${esc(n.lastError.message)}</span>` : ''}</li>`).join('')}</ul>`
    : '<p>No notifiers configured: alerts only reach the log.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Status: ${esc(doc.overall)}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1b1f24}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.45rem;text-align:left;vertical-align:top}
.b{display:inline-block;padding:.1rem .45rem;border-radius:.3rem;font-size:.75rem;font-weight:700;color:#fff}
.up{background:#1a7f37}.down{background:#cf222e}.warn{background:#bf8700}.wait{background:#6e7781}.err{color:#cf222e}
small{color:#57606a}
</style></head><body>
<h1>${doc.overall === 'operational' ? 'All systems operational' : doc.overall === 'degraded' ? 'Some checks are alerting' : 'Checking…'}</h1>
<p>${doc.target ? `Target: ${esc(doc.target)} · ` : ''}updated ${esc(doc.generatedAt)} · monitoring since ${esc(doc.startedAt)}</p>
<h2>Incidents</h2>${incidents}
<h2>Checks</h2>
<table><thead><tr><th>State</th><th>Check</th><th>Last result</th><th>Latency</th><th>Last run</th><th>Passed</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>Notifications</h2>${notifiers}
${doc.outbox ? `<p><small>Outbox: ${doc.outbox.pending} pending, ${doc.outbox.delivered} delivered, ${doc.outbox.failed} failed.</small></p>` : ''}
<p><small>Store: ${esc(doc.store.kind)} ${esc(doc.store.location)}${doc.store.lastError ? ` — <span class="err">write error: ${esc(doc.store.lastError)}</span>` : ''} · <a href="/status?format=json">JSON</a> · <a href="/metrics">metrics</a></small></p>
</body></html>
`;
}
