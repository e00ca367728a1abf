import type { Area } from './area.js';
import type { BlockerGroup } from './blockers.js';

/**
 * The checklist's decision is "launch now, or a 48-hour rescue sprint". The sprint plan puts every
 * blocker group in a phase of the checklist's timeline and adds up the effort estimates:
 *
 * 1. secrets and environment — leaked keys are rotated before anything else, and rotation takes a round trip to providers;
 * 2. DNS, redirects and TLS — changes need propagation time, so they are started early;
 * 3. access control and sessions — what lets strangers in;
 * 4. input, CORS and abuse limits;
 * 5. edge (CDN/WAF, headers, caching);
 * 6. email authentication (DNS records, propagation);
 * 7. deployment and monitoring (webhooks, health, monitors);
 * 8. performance.
 *
 * Inside a phase, groups keep the blocker order (severity, then fix order). One engineer works the
 * slots one after the other; the plan says whether the total fits in 48 hours, and which groups fall
 * past the 48th hour when it does not.
 */
export const SPRINT_HOURS = 48;

export interface SprintPhase {
  id: string;
  title: string;
  areas: readonly Area[];
  /** Checks of another area that belong to this phase (env checks are "secrets and environment"). */
  checks?: readonly string[];
}

export const SPRINT_PHASES: readonly SprintPhase[] = [
  { id: 'secrets-env', title: 'Secrets and environment', areas: ['secrets', 'logging'], checks: ['deployment/env-missing', 'deployment/env-undocumented', 'deployment/env-unused', 'deployment/env-committed-file', 'deployment/env-production-points-elsewhere'] },
  { id: 'dns-tls', title: 'DNS, redirects and TLS', areas: ['domain-tls'] },
  { id: 'access', title: 'Access control and sessions', areas: ['authorization', 'authentication', 'session'] },
  { id: 'app-hardening', title: 'Input validation, CORS/CSRF and rate limits', areas: ['input-validation', 'cors-csrf', 'rate-limiting'] },
  { id: 'edge', title: 'Edge protection and caching', areas: ['edge'] },
  { id: 'email', title: 'Email authentication', areas: ['email'] },
  { id: 'deploy-monitor', title: 'Deployment and monitoring', areas: ['deployment', 'monitoring'] },
  { id: 'performance', title: 'Performance', areas: ['performance'] },
];

export interface SprintSlot {
  phase: string;
  title: string;
  /** Blocker group ids, in order. */
  groups: string[];
  hours: number;
  startHour: number;
  endHour: number;
}

export interface SprintPlan {
  capacityHours: number;
  totalHours: number;
  fits: boolean;
  slots: SprintSlot[];
  /** Groups that end after hour 48 (empty when the plan fits). */
  overflow: string[];
  /** How the estimates were made (shown next to the plan). */
  basis: string;
}

export function phaseOf(g: Pick<BlockerGroup, 'area' | 'check'>): SprintPhase {
  return SPRINT_PHASES.find((p) => p.checks?.includes(g.check)) ?? SPRINT_PHASES.find((p) => p.areas.includes(g.area)) ?? SPRINT_PHASES[SPRINT_PHASES.length - 1]!;
}

export function sprintPlanOf(groups: readonly BlockerGroup[], capacityHours = SPRINT_HOURS): SprintPlan {
  const slots: SprintSlot[] = [];
  const overflow: string[] = [];
  let clock = 0;
  for (const phase of SPRINT_PHASES) {
    const mine = groups.filter((g) => phaseOf(g).id === phase.id);
    if (mine.length === 0) continue;
    const start = clock;
    for (const g of mine) {
      clock += g.effort.hours;
      if (clock > capacityHours + 1e-9) overflow.push(g.id);
    }
    slots.push({ phase: phase.id, title: phase.title, groups: mine.map((g) => g.id), hours: round(clock - start), startHour: round(start), endHour: round(clock) });
  }
  const totalHours = round(clock);
  return {
    capacityHours,
    totalHours,
    fits: totalHours <= capacityHours,
    slots,
    overflow,
    basis: 'hours of one engineer who knows the codebase, per root cause: the fix, a test and a deploy (per-check estimates in src/model/effort.ts)',
  };
}

function round(h: number): number {
  return Math.round(h * 100) / 100;
}

/** "Fits in 48 h: 23.5 h of fixes for one engineer." or "Does not fit …". */
export function sprintVerdict(plan: SprintPlan): string {
  if (plan.slots.length === 0) return 'No blocker to fix: no rescue sprint needed.';
  const h = (n: number): string => `${n % 1 === 0 ? n : n.toFixed(2).replace(/0$/, '')} h`;
  return plan.fits
    ? `Fits in a ${plan.capacityHours}-hour rescue sprint: about ${h(plan.totalHours)} of fixes for one engineer.`
    : `Does not fit in ${plan.capacityHours} hours of one engineer: about ${h(plan.totalHours)} of fixes (${plan.overflow.length} blocker group(s) fall past hour ${plan.capacityHours}); add people or cut scope.`;
}
