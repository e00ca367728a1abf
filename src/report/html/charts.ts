import type { LatencySummary } from '../../model/report.js';
import { esc } from './escape.js';

/**
 * Inline SVG latency charts: a histogram when the load run recorded one, otherwise the percentiles as
 * bars. Text inside the SVG carries the numbers too, so the chart is never colour-only, and a <title>
 * and <desc> describe it to screen readers.
 */

// Drawn at about the size it is shown on a laptop card, so 11–12 px text stays 11–12 px.
const W = 360;
const INK = '#4d5562';
const BAR = '#1d4fa0';
const BAR_P95 = '#0d2b5e';

function ms(n: number): string {
  if (n >= 10_000) return `${Math.round(n / 1000)} s`;
  if (n >= 1000) return `${(n / 1000).toFixed(1).replace(/\.0$/, '')} s`;
  return `${Math.round(n)} ms`;
}

/** Width of 11 px text in SVG units: a generous per-character estimate (digits and units of a sans-serif face). */
function textWidth(text: string): number {
  return [...text].reduce((w, c) => w + (c === 'm' || c === 'w' ? 9.6 : c === ' ' || c === '.' ? 3.4 : 6.8), 0);
}

function round(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

export function latencyChart(action: string, summary: LatencySummary, idBase: string): string {
  const histogram = (summary.histogram ?? []).filter(([bound, count]) => Number.isFinite(bound) && Number.isFinite(count) && count >= 0);
  return histogram.length > 0 ? histogramChart(action, summary, histogram, idBase) : percentileChart(action, summary, idBase);
}

function histogramChart(action: string, s: LatencySummary, buckets: Array<[number, number]>, idBase: string): string {
  const H = 230;
  const left = 12;
  const right = W - 12;
  const top = 34;
  const bottom = 180;
  const maxCount = Math.max(1, ...buckets.map(([, c]) => c));
  const slot = (right - left) / buckets.length;
  const barW = Math.max(4, slot * 0.72);
  // The bucket holding p95 (the last one when p95 lies beyond every bound).
  const found = buckets.findIndex(([bound]) => s.p95 <= bound);
  const p95At = found === -1 ? buckets.length - 1 : found;
  const parts: string[] = [];
  // Axis labels never overlap: every k-th bucket is labelled, k chosen so the widest label fits in k
  // slots. The SVG scales as a whole, so what fits in the viewBox fits at every width.
  const labels = buckets.map(([bound]) => `≤${ms(bound)}`);
  const widest = Math.max(...labels.map(textWidth));
  const step = Math.max(1, Math.ceil((widest + 4) / slot));
  const countFits = (count: number): boolean => textWidth(String(count)) + 2 <= slot;
  buckets.forEach(([bound, count], i) => {
    const h = ((bottom - top) * count) / maxCount;
    const x = left + i * slot + (slot - barW) / 2;
    const y = bottom - h;
    const lower = i === 0 ? 0 : buckets[i - 1]![0];
    parts.push(
      `<rect x="${round(x)}" y="${round(y)}" width="${round(barW)}" height="${round(Math.max(h, count > 0 ? 1 : 0))}" fill="${i === p95At ? BAR_P95 : BAR}"><title>${esc(`${ms(lower)}–${ms(bound)}: ${count} requests`)}</title></rect>`,
      countFits(count) ? `<text x="${round(x + barW / 2)}" y="${round(y - 4)}" text-anchor="middle" font-size="11" fill="${INK}">${count}</text>` : '',
      i % step === 0 ? `<text class="axis-label" x="${round(x + barW / 2)}" y="${bottom + 15}" text-anchor="middle" font-size="11" fill="${INK}">${esc(labels[i]!)}</text>` : '',
    );
  });
  const p95X = left + p95At * slot + slot / 2;
  // The marker stops above the p95 bar's count label, so both stay readable.
  const p95Count = buckets[p95At]![1];
  const p95LineEnd = Math.max(top - 8, bottom - ((bottom - top) * p95Count) / maxCount - 18);
  const labelAnchor = p95At > buckets.length / 2 ? 'end' : 'start';
  const labelX = labelAnchor === 'end' ? p95X - 4 : p95X + 4;
  const title = `Latency distribution of ${action}`;
  const desc = `${s.count} requests, ${s.errors} errors. p50 ${ms(s.p50)}, p90 ${ms(s.p90)}, p95 ${ms(s.p95)}, p99 ${ms(s.p99)}, max ${ms(s.max)}. Buckets: ${buckets
    .map(([b, c]) => `up to ${ms(b)}: ${c}`)
    .join('; ')}.`;
  return [
    `<svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${idBase}-t ${idBase}-d" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${idBase}-t">${esc(title)}</title><desc id="${idBase}-d">${esc(desc)}</desc>`,
    `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="${INK}" stroke-width="1"/>`,
    // The p95 line goes under the bars so their counts stay readable.
    `<line x1="${round(p95X)}" y1="${top - 14}" x2="${round(p95X)}" y2="${round(p95LineEnd)}" stroke="#b3261e" stroke-width="1.5" stroke-dasharray="4 3"/>`,
    ...parts,
    `<text x="${round(labelX)}" y="${top - 18}" text-anchor="${labelAnchor}" font-size="12" font-weight="700" fill="#b3261e">p95 ${esc(ms(s.p95))}</text>`,
    `<text x="${left}" y="${H - 8}" font-size="11" fill="${INK}">Response time (bucket upper bound); bar height: requests</text>`,
    `</svg>`,
  ].join('');
}

function percentileChart(action: string, s: LatencySummary, idBase: string): string {
  const rows: Array<[string, number]> = [
    ['p50', s.p50],
    ['p90', s.p90],
    ['p95', s.p95],
    ['p99', s.p99],
    ['max', s.max],
  ];
  const rowH = 26;
  const H = rows.length * rowH + 12;
  const labelW = 44;
  const valueW = 70;
  const span = W - labelW - valueW - 8;
  const max = Math.max(1, ...rows.map(([, v]) => v));
  const parts = rows.map(([label, v], i) => {
    const y = 6 + i * rowH;
    const w = Math.max(2, (span * v) / max);
    return [
      `<text x="0" y="${y + 15}" font-size="12" fill="${INK}">${label}</text>`,
      `<rect x="${labelW}" y="${y + 3}" width="${round(w)}" height="16" rx="2" fill="${label === 'p95' ? BAR_P95 : BAR}"/>`,
      `<text x="${round(labelW + w + 6)}" y="${y + 15}" font-size="12" fill="${INK}">${esc(ms(v))}</text>`,
    ].join('');
  });
  const title = `Latency percentiles of ${action}`;
  const desc = `${s.count} requests, ${s.errors} errors. ${rows.map(([l, v]) => `${l} ${ms(v)}`).join(', ')}.`;
  return [
    `<svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${idBase}-t ${idBase}-d" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${idBase}-t">${esc(title)}</title><desc id="${idBase}-d">${esc(desc)}</desc>`,
    ...parts,
    `</svg>`,
  ].join('');
}
