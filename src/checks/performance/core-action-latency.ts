import { loadTimeMs } from '../../load/plan.js';
import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { histogramLines, ms, percentileLine, serverTimingLines } from '../../load/describe.js';
import { coreActionLoadGatherer, type CoreActionLoad } from '../../load/gatherer.js';

/** Fewer measured requests than this and a passing p95 is reported with a caution. */
export const FEW_SAMPLES = 10;
/** An action whose requests mostly fail has no meaningful latency. */
export const MOSTLY_FAILING = 0.5;
/** Error rate under modest load worth a warning. */
export const ERROR_RATE_WARN = 0.01;

function planLine(load: CoreActionLoad): string {
  const p = load.plan;
  const shape = p.model === 'open' ? `open model, ${p.rate} requests/s arriving on schedule (latency timed from the intended send, so stalls count)` : `closed model, ${p.concurrency} concurrent users`;
  const who = p.identities.length ? `, as ${p.identities.join(', ')}` : '';
  return `${shape}, ${p.durationMs / 1000} s measured after ${p.warmupMs / 1000} s warm-up, ${p.actions} actions${who}`;
}

export const coreActionLatency = defineCheck({
  meta: {
    id: 'performance/core-action-p95',
    phase: 'measure',
    // The load's own duration and warm-up come on top of the usual deadline.
    extraDeadlineMs: (config) => loadTimeMs(config),
    area: 'performance',
    severity: 'medium',
    title: 'Core actions answer within the p95 threshold under load',
    why: 'Customers judge the product by its slowest common moments: when one request in twenty takes longer than half a second, every dashboard visit feels sluggish, and a launch-day crowd makes it worse.',
    breaks: 'Slow pages and timeouts for a share of your users on every visit; under launch traffic the queue grows until requests fail.',
    fix: 'Profile the slow action (the Server-Timing breakdown shows where the server says the time goes): batch per-item queries into one, add the missing index, cache or precompute the expensive part, and move slow work to a background job.',
    references: ['https://sre.google/sre-book/service-level-objectives/', 'https://www.infoq.com/presentations/latency-response-time/'],
  },
  requires: { load: coreActionLoadGatherer },
  run({ load }, ctx) {
    const threshold = ctx.config.thresholds.p95Ms;
    const out: FindingDraft[] = [];
    const base = ctx.target.baseUrl;
    const common = [planLine(load), ...load.notes, ...load.skipped.map((s) => `not loaded: ${s.route} — ${s.reason}`)];
    for (const r of Object.values(load.result.routes)) {
      const path = r.name.slice(r.name.indexOf(' ') + 1);
      const location = { url: base ? new URL(path, base).href : path, method: r.method };
      const s = r.latency;
      const statuses = Object.entries(r.statusCounts)
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ×${n}`)
        .join(', ');
      const notes = [
        percentileLine(s),
        `threshold: p95 under ${ms(threshold)}`,
        `answers: ${statuses || 'none'}`,
        ...histogramLines(s.histogram ?? [], { thresholdMs: threshold }),
        ...(r.serverTiming ? serverTimingLines(r.serverTiming) : []),
        ...(r.identities.length ? [`identities: ${r.identities.join(', ')}`] : []),
        ...r.errorSamples.map((e) => `error: ${e}`),
        ...common,
      ];
      const attempts = Object.values(r.statusCounts).reduce((a, b) => a + b, 0);
      if (attempts === 0) {
        out.push({ status: 'skip', location, reason: 'no request of this action finished inside the measured window', evidence: { notes } });
        continue;
      }
      const errorRate = s.errors / attempts;
      if (s.count === 0 || (errorRate >= MOSTLY_FAILING && s.p95 <= threshold)) {
        out.push({
          status: 'warn',
          title: `${r.name} failed ${Math.round(errorRate * 100)}% of requests under load (${statuses}), so its latency says little`,
          location,
          discriminator: 'mostly-failing',
          fix: 'Make sure the configured identity may call this action (or drop it from load.actions); if it answers 5xx under load, that is the first thing to fix.',
          evidence: { notes },
        });
        continue;
      }
      if (s.p95 > threshold) {
        out.push({
          status: 'fail',
          severity: s.p95 > 4 * threshold ? 'high' : 'medium',
          title: `${r.name} is slow under load: p95 ${ms(s.p95)}, over the ${ms(threshold)} threshold`,
          location,
          evidence: { notes },
        });
      } else {
        out.push({
          status: 'pass',
          title: `${r.name}: p95 ${ms(s.p95)} under load (threshold ${ms(threshold)})`,
          location,
          evidence: { notes: s.count < FEW_SAMPLES ? [`only ${s.count} measured requests: a longer load.duration gives a steadier p95`, ...notes] : notes },
        });
      }
      if (errorRate >= ERROR_RATE_WARN && errorRate < MOSTLY_FAILING) {
        out.push({
          status: 'warn',
          title: `${r.name} failed ${(errorRate * 100).toFixed(1)}% of requests under modest load (${statuses})`,
          location,
          discriminator: 'errors-under-load',
          fix: 'Look at the server logs for these requests: errors that appear only under concurrent load usually mean pool exhaustion, timeouts or locking.',
          evidence: { notes },
        });
      }
    }
    return out;
  },
});
