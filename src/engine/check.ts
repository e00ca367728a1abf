import type { Area } from '../model/area.js';
import type { Evidence, Location, Status } from '../model/finding.js';
import type { Severity } from '../model/severity.js';
import type { GatherContext } from './context.js';
import type { CheckContext } from './context.js';

/**
 * Everything a founder reads about a check lives here, next to its logic (ESLint's rule meta).
 */
export interface CheckMeta {
  /** Stable id, `<area>/<name>` in kebab case, e.g. `edge/security-headers`. */
  id: string;
  area: Area;
  /** Severity of a failure unless the check says otherwise for one finding. */
  severity: Severity;
  /** What is checked, in the checklist's words. */
  title: string;
  /** Why it matters, one or two sentences a founder understands. */
  why: string;
  /** What breaks (who can do what) when it fails. */
  breaks: string;
  /** The fix path. */
  fix: string;
  /** OWASP API Top 10 / ASVS / RFC ids or URLs. */
  references: string[];
  /**
   * `measure`: the check measures the target (latency under load, page loads), so it runs alone,
   * after the normal checks, with nothing else competing for the target or the machine.
   * `last`: the check sends traffic that can lock accounts or trip per-IP limits
   * (rate limiting, user enumeration), so it runs after every other check, one at a time, ordered by
   * `harm` (lowest first: bursts and enumeration, then injection probes, fuzzing last).
   * `final`: judges what the run itself saw (the target's health); runs after everything, even after
   * the target stopped answering, and sends nothing.
   */
  phase?: 'normal' | 'measure' | 'last' | 'final';
  /** Order inside the `last` phase: what can hurt the target most goes last (default 50). */
  harm?: number;
  /** More time than the run's per-check deadline, for checks whose duration the config sets (a load test). */
  extraDeadlineMs?: (config: import('../config/schema.js').Config) => number;
  /** Only for a public hostname: skipped on a development target (localhost, no domains). */
  publicOnly?: boolean;
}

/**
 * A gatherer collects one piece of evidence (Lighthouse's gatherer → artifact). All I/O lives in
 * gatherers. The runner gathers each one at most once per run and shares the result between checks.
 * To say "not applicable here" throw `NotApplicable`; any other error marks dependent checks `error`.
 */
export interface Gatherer<T> {
  /** Unique id; the runner memoises by it. */
  id: string;
  gather(ctx: GatherContext): Promise<T>;
}

export type GathererValue<G> = G extends Gatherer<infer T> ? T : never;
export type Requirements = Record<string, Gatherer<unknown>>;
export type EvidenceOf<R extends Requirements> = { [K in keyof R]: GathererValue<R[K]> };

/** What a check returns: the engine fills in id, check, area and the meta defaults. */
export interface FindingDraft {
  status: Status;
  severity?: Severity;
  title?: string;
  location: Location;
  evidence?: Evidence;
  fix?: string;
  references?: string[];
  reason?: string;
  /** Distinguishes two findings of one check at one place (e.g. a header name) in the fingerprint. */
  discriminator?: string;
}

export interface Check<R extends Requirements = Requirements> {
  meta: CheckMeta;
  requires: R;
  /**
   * Judge the evidence. Pure: never prints, exits, reads process.env or does I/O.
   * Returning no finding means "tested, nothing wrong": the engine records one `pass`.
   */
  run(evidence: EvidenceOf<R>, ctx: CheckContext): FindingDraft[] | Promise<FindingDraft[]>;
}

/** Identity helper that keeps the evidence types inferred. */
export function defineCheck<R extends Requirements>(check: Check<R>): Check<R> {
  return check;
}

export function defineGatherer<T>(gatherer: Gatherer<T>): Gatherer<T> {
  return gatherer;
}

/** Thrown by a gatherer when its evidence cannot exist for this target; checks become `skip`. */
export class NotApplicable extends Error {
  constructor(public readonly reason: string) {
    super(reason);
    this.name = 'NotApplicable';
  }
}
