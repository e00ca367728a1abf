import { defineGatherer, NotApplicable } from '../engine/check.js';
import type { HealthEvent } from '../net/target-health.js';

/** What the run's target health guard saw (no request of its own: the guard already sent them). */
export interface TargetHealthEvidence {
  baseline?: { status: number; medianMs: number; url: string };
  events: HealthEvent[];
  down?: HealthEvent;
}

export const targetHealthGatherer = defineGatherer<TargetHealthEvidence>({
  id: 'abuse/target-health',
  async gather(ctx) {
    const h = ctx.services.health;
    if (!h) throw new NotApplicable('the run has no target URL, so there was no target health to watch');
    return {
      ...(h.baseline ? { baseline: { status: h.baseline.status, medianMs: Math.round(h.baseline.medianMs * 10) / 10, url: h.baselineUrl.href } } : {}),
      events: [...h.events],
      ...(h.down ? { down: h.down } : {}),
    };
  },
});
