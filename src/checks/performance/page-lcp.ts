import { pageVitalsGatherer } from '../../browser/gatherer.js';
import { LIGHTHOUSE_LOAD_END, type PageRun, type PageVitals } from '../../browser/vitals.js';
import { defineCheck, type FindingDraft } from '../../engine/check.js';

function s(msValue: number): string {
  return msValue >= 1000 ? `${(msValue / 1000).toFixed(2)} s` : `${Math.round(msValue)} ms`;
}

function kb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`;
}

const ENDED: Record<PageRun['ended'], string> = {
  quiet: 'page went quiet',
  'no-fcp': 'nothing painted',
  cap: 'hard cap reached',
  aborted: 'run interrupted',
  error: 'failed',
};

/** The evidence a reader needs: the mode, the runs, their median and spread, and why each run ended. */
export function vitalsNotes(v: PageVitals): string[] {
  const p = v.profile;
  const m = v.median;
  const lines = [
    `mode: ${p.mode} — ${p.width}×${p.height} at ${p.deviceScaleFactor}×, CPU ${p.cpuSlowdown}× slower, ${p.rttMs} ms round trip, ${(p.downloadKbps / 1024).toFixed(1)} Mbps down / ${p.uploadKbps} kbps up (DevTools told ${p.requestLatencyMs} ms latency, ${Math.round(p.devtoolsDownloadKbps * 100) / 100} / ${p.devtoolsUploadKbps} kbps), cold cache; a run ends ${p.loadEnd.pauseAfterFcpMs / 1000} s after first paint and load once network and main thread are quiet for ${p.loadEnd.networkQuietMs / 1000} s (cap ${p.loadEnd.maxWaitForLoadMs / 1000} s)`,
    `median of ${v.runs.filter((r) => !r.error).length} runs: LCP ${m.lcpMs !== undefined ? s(m.lcpMs) : 'none'}${v.range.lcpMs ? ` (range ${s(v.range.lcpMs[0])}–${s(v.range.lcpMs[1])})` : ''}${v.lcpElement ? ` on ${v.lcpElement}` : ''}, FCP ${m.fcpMs !== undefined ? s(m.fcpMs) : 'none'}, CLS ${m.cls} (range ${v.range.cls[0]}–${v.range.cls[1]}), TBT ${s(m.tbtMs)} (range ${s(v.range.tbtMs[0])}–${s(v.range.tbtMs[1])}), TTFB on the phone ${m.ttfbMs !== undefined ? s(m.ttfbMs) : '?'}${v.range.ttfbMs ? ` (range ${s(v.range.ttfbMs[0])}–${s(v.range.ttfbMs[1])})` : ''}, JavaScript ${kb(m.jsBytes)}`,
  ];
  v.runs.forEach((r, i) => {
    lines.push(
      r.error
        ? `run ${i + 1}: failed — ${r.error}`
        : `run ${i + 1}: LCP ${r.lcpMs !== undefined ? s(r.lcpMs) : 'none'}${r.lcpElement ? ` (${r.lcpElement})` : ''}, FCP ${r.fcpMs !== undefined ? s(r.fcpMs) : 'none'}, CLS ${r.cls}, TBT ${s(r.tbtMs)}, TTFB ${r.ttfbMs !== undefined ? s(r.ttfbMs) : '?'}${r.serverMs !== undefined ? ` (server ${s(r.serverMs)})` : ''}, JS ${kb(r.jsBytes)}, ${r.requests} requests${r.status ? `, HTTP ${r.status}` : ''}; observed ${s(r.observedMs)}, ended: ${ENDED[r.ended]}`,
    );
  });
  if (v.mixedContent.length) lines.push(`mixed content: ${v.mixedContent.slice(0, 5).join(' · ')}`);
  if (v.consoleErrors.length) lines.push(...v.consoleErrors.slice(0, 5).map((e) => `console error: ${e}`));
  if (v.blocked.length) lines.push(`refused by the loopback guard (not loaded): ${v.blocked.slice(0, 5).join(', ')}`);
  return lines;
}

export const pageLcp = defineCheck({
  meta: {
    id: 'performance/page-lcp',
    phase: 'measure',
    // Three runs per page, each observed until the page goes quiet (45 s at the very most).
    extraDeadlineMs: (config) => (config.pages?.login ? 2 : 1) * 3 * (LIGHTHOUSE_LOAD_END.maxWaitForLoadMs + 5000),
    area: 'performance',
    severity: 'medium',
    title: 'Landing and login pages show their main content fast on a phone (LCP)',
    why: 'Largest Contentful Paint is when a visitor sees the page’s main content. On a mid-range phone on mobile data, past 2.5 s people start leaving, and search ranking takes Core Web Vitals into account.',
    breaks: 'New visitors from ads, launch posts and emails bounce before the page shows anything useful; the login page feels broken on phones.',
    fix: 'Make the main content render without waiting: defer or split large scripts (`defer`, code splitting), compress and resize the hero image (and preload it), inline critical CSS, and cut server response time.',
    references: ['https://web.dev/articles/lcp', 'https://web.dev/articles/optimize-lcp', 'https://developer.chrome.com/docs/lighthouse/performance/lighthouse-largest-contentful-paint'],
  },
  requires: { vitals: pageVitalsGatherer },
  run({ vitals }, ctx) {
    const threshold = ctx.config.thresholds.lcpMs;
    const out: FindingDraft[] = [];
    for (const { role, vitals: v } of vitals.pages) {
      const location = { url: v.url, method: 'GET', detail: `${role} page` };
      const notes = [`threshold: median LCP under ${s(threshold)}`, ...vitalsNotes(v)];
      const loaded = v.runs.filter((r) => !r.error);
      if (loaded.length === 0) {
        out.push({ status: 'error', location, reason: `the ${role} page did not load in the browser: ${v.runs[0]?.error ?? 'no run'}`, evidence: { notes } });
        continue;
      }
      const html = loaded.some((r) => !r.contentType || /html/i.test(r.contentType));
      if (!html) {
        out.push({ status: 'skip', location, reason: `the ${role} page is not HTML (${loaded[0]!.contentType}): there is no page to paint`, evidence: { notes } });
        continue;
      }
      if (v.median.lcpMs === undefined) {
        out.push({
          status: 'warn',
          title: `The ${role} page painted no main content the browser could measure (no LCP)`,
          location,
          discriminator: 'no-lcp',
          fix: 'Make sure the page renders visible text or an image without waiting for user input; a blank page until JavaScript runs also has no LCP.',
          evidence: { notes },
        });
      } else if (v.median.lcpMs >= threshold) {
        out.push({
          status: 'fail',
          severity: v.median.lcpMs >= 2 * threshold ? 'high' : 'medium',
          title: `The ${role} page takes ${s(v.median.lcpMs)} to show its main content on a phone (median LCP, threshold ${s(threshold)})`,
          location,
          evidence: { notes },
        });
      } else if (loaded.filter((r) => r.ended === 'cap').length * 2 > loaded.length) {
        // The page never went quiet: content may still have been on its way when observation stopped.
        out.push({
          status: 'warn',
          title: `The ${role} page never went quiet within ${s(LIGHTHOUSE_LOAD_END.maxWaitForLoadMs)}: its LCP of ${s(v.median.lcpMs)} may be a placeholder`,
          location,
          discriminator: 'never-quiet',
          fix: 'Find what keeps the network or the main thread busy after load (polling, a long-lived request marked high priority, a busy loop) and let the page settle.',
          evidence: { notes },
        });
      } else {
        out.push({ status: 'pass', title: `The ${role} page shows its main content in ${s(v.median.lcpMs)} on a phone (median LCP)`, location, evidence: { notes } });
      }
      if (v.mixedContent.length) {
        out.push({
          status: 'warn',
          severity: 'medium',
          title: `The ${role} page loads ${v.mixedContent.length} resource(s) over plain HTTP from an HTTPS page (mixed content)`,
          location,
          discriminator: 'mixed-content',
          fix: 'Load every script, style, image and API call over https:// (or a relative URL); browsers block or flag mixed content.',
          evidence: { notes },
        });
      }
      if (v.consoleErrors.length) {
        out.push({
          status: 'warn',
          severity: 'low',
          title: `The ${role} page logs ${v.consoleErrors.length} error(s) in the browser console`,
          location,
          discriminator: 'console-errors',
          fix: 'Open the page with the browser console visible and fix the errors: failed scripts and requests often mean a broken feature on some devices.',
          evidence: { notes },
        });
      }
    }
    return out;
  },
});
