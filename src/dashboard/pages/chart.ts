import type { Verdict } from '../../model/report.js';
import { esc } from '../../report/html/escape.js';

/**
 * Score over time as an inline SVG (no script, no external asset): one point per audit, oldest on
 * the left, joined by a line; each point links to its audit and carries its numbers in a <title>.
 * The <desc> lists every score, so the chart is never the only place the numbers are.
 */
export interface ScorePoint {
  auditId: string;
  startedAt: string;
  score: number;
  verdict: Verdict;
}

const W = 720;
const H = 240;
const LEFT = 44;
const RIGHT = W - 16;
const TOP = 16;
const BOTTOM = H - 40;
const INK = '#4d5562';
const VERDICT_FILL: Record<Verdict, string> = { ready: '#1a5a2c', 'not-ready': '#b3261e', incomplete: '#7a4a00' };

const round = (n: number): string => (Math.round(n * 10) / 10).toString();
const day = (iso: string): string => iso.slice(0, 10);
const when = (iso: string): string => iso.slice(0, 16).replace('T', ' ');

export function scoreChart(points: readonly ScorePoint[], idBase = 'trend'): string {
  if (points.length === 0) return '<p>No audits yet.</p>';
  const n = points.length;
  const x = (i: number): number => (n === 1 ? (LEFT + RIGHT) / 2 : LEFT + ((RIGHT - LEFT) * i) / (n - 1));
  const y = (score: number): number => BOTTOM - ((BOTTOM - TOP) * Math.max(0, Math.min(100, score))) / 100;
  const grid = [0, 25, 50, 75, 100]
    .map(
      (v) =>
        `<line x1="${LEFT}" y1="${round(y(v))}" x2="${RIGHT}" y2="${round(y(v))}" stroke="#d5dae1" stroke-width="1"/>` +
        `<text x="${LEFT - 6}" y="${round(y(v) + 4)}" text-anchor="end" font-size="11" fill="${INK}">${v}</text>`,
    )
    .join('');
  const line = n > 1 ? `<polyline fill="none" stroke="#1d4fa0" stroke-width="2" points="${points.map((p, i) => `${round(x(i))},${round(y(p.score))}`).join(' ')}"/>` : '';
  const dots = points
    .map(
      (p, i) =>
        `<a href="/audits/${esc(p.auditId)}" aria-label="${esc(`Audit of ${when(p.startedAt)}: score ${p.score}, ${p.verdict}`)}">` +
        `<circle cx="${round(x(i))}" cy="${round(y(p.score))}" r="5" fill="${VERDICT_FILL[p.verdict]}" stroke="#ffffff" stroke-width="1.5"><title>${esc(`${when(p.startedAt)} UTC — score ${p.score}, ${p.verdict}`)}</title></circle></a>`,
    )
    .join('');
  // Date labels: first, last, and a few in between, so they never overlap.
  const every = Math.max(1, Math.ceil(n / 6));
  const labels = points
    .map((p, i) => {
      if (!(i === 0 || i === n - 1 || (i % every === 0 && n - 1 - i >= every / 2))) return '';
      // The outermost labels hang inwards so they are never cut at the edges.
      const anchor = n === 1 ? 'middle' : i === 0 ? 'start' : i === n - 1 ? 'end' : 'middle';
      const dx = anchor === 'start' ? -6 : anchor === 'end' ? 6 : 0;
      return `<text x="${round(x(i) + dx)}" y="${BOTTOM + 16}" text-anchor="${anchor}" font-size="11" fill="${INK}">${esc(day(p.startedAt))}</text>`;
    })
    .join('');
  const last = points[n - 1]!;
  const desc = `Score of ${n} audit${n === 1 ? '' : 's'}, oldest first: ${points.map((p) => `${when(p.startedAt)} ${p.score} (${p.verdict})`).join('; ')}.`;
  return [
    `<svg class="trend" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${idBase}-t ${idBase}-d" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${idBase}-t">Score over time</title><desc id="${idBase}-d">${esc(desc)}</desc>`,
    grid,
    line,
    dots,
    labels,
    `<text x="${RIGHT}" y="${H - 6}" text-anchor="end" font-size="11" fill="${INK}">latest: ${last.score} / 100 (${esc(last.verdict)})</text>`,
    `</svg>`,
  ].join('');
}
