import { percentile } from '../store/sql-store.js';
import type { AlertPolicy, ErrorRatePolicy, LatencyPolicy } from './config.js';
import { formatDuration } from './duration.js';

/**
 * Alert rules as a pure state machine: given a rule's state and the newest outcome, the next state
 * and the events to act on. No clock, no I/O — the monitor persists the state and the outbox rows
 * these events imply in one transaction, so a restart continues exactly where it stopped.
 */

export const RULES = ['down', 'error-rate', 'latency', 'cert-expiry'] as const;
export type RuleId = (typeof RULES)[number];

export interface RuleState {
  status: 'ok' | 'firing';
  /** Outcomes of the last `failureWindow` evaluations, true = bad. */
  recent: boolean[];
  failStreak: number;
  okStreak: number;
  /** When the current trouble started (first bad outcome), for "down since …". */
  since: number | null;
  firedAt: number | null;
  incidentId: string | null;
  /** An alert for the current incident was queued (a maintenance window can hold it back). */
  notified: boolean;
  lastNotifiedAt: number | null;
  reminders: number;
  lastMessage: string;
  lastEvidence: string;
}

export function initialRuleState(): RuleState {
  return { status: 'ok', recent: [], failStreak: 0, okStreak: 0, since: null, firedAt: null, incidentId: null, notified: false, lastNotifiedAt: null, reminders: 0, lastMessage: '', lastEvidence: '' };
}

/** A rule's verdict on the newest data: bad, good, or undefined when there is not enough data to say. */
export interface Outcome {
  bad: boolean | undefined;
  message: string;
  evidence: string;
}

export type RuleEventType = 'open' | 'alert' | 'reminder' | 'resolve' | 'recovery';

export interface RuleEvent {
  type: RuleEventType;
  rule: RuleId;
  incidentId: string;
  at: number;
  /** When the trouble started. */
  since: number;
  message: string;
  evidence: string;
}

export interface StepOptions {
  inMaintenance: boolean;
  /** Another rule of the same probe already speaks for this outage: track state, open nothing. */
  suppressOpen: boolean;
}

interface Thresholds {
  failureThreshold: number;
  failureWindow: number;
  downAfterMs: number;
  successThreshold: number;
}

export function thresholdsFor(rule: RuleId, policy: AlertPolicy): Thresholds {
  if (rule === 'down') return { failureThreshold: policy.failureThreshold, failureWindow: policy.failureWindow, downAfterMs: policy.downAfterMs, successThreshold: policy.successThreshold };
  // Window rules already aggregate many samples: one bad evaluation fires, the success threshold clears.
  return { failureThreshold: 1, failureWindow: 1, downAfterMs: 0, successThreshold: policy.successThreshold };
}

export function incidentIdFor(probeId: string, rule: RuleId, firedAt: number): string {
  return `${probeId}:${rule}:${Math.round(firedAt).toString(36)}`;
}

export function stepRule(probeId: string, rule: RuleId, prev: RuleState, o: Outcome, policy: AlertPolicy, now: number, opts: StepOptions): { state: RuleState; events: RuleEvent[] } {
  if (o.bad === undefined) return { state: prev, events: [] };
  const th = thresholdsFor(rule, policy);
  const s: RuleState = { ...prev, recent: [...prev.recent, o.bad].slice(-th.failureWindow) };
  const events: RuleEvent[] = [];
  const event = (type: RuleEventType): RuleEvent => ({ type, rule, incidentId: s.incidentId!, at: now, since: s.since ?? now, message: s.lastMessage, evidence: s.lastEvidence });
  if (o.bad) {
    s.failStreak += 1;
    s.okStreak = 0;
    s.since ??= now;
    s.lastMessage = o.message;
    s.lastEvidence = o.evidence;
  } else {
    s.okStreak += 1;
    s.failStreak = 0;
    if (s.status === 'ok' && !s.recent.some(Boolean)) s.since = null;
  }

  if (s.status === 'ok') {
    const failures = s.recent.filter(Boolean).length;
    const down = o.bad && (failures >= th.failureThreshold || (th.downAfterMs > 0 && s.since !== null && now - s.since >= th.downAfterMs));
    if (down && !opts.suppressOpen) {
      s.status = 'firing';
      s.firedAt = now;
      s.incidentId = incidentIdFor(probeId, rule, now);
      s.notified = false;
      s.reminders = 0;
      s.lastNotifiedAt = null;
      events.push(event('open'));
    }
  } else if (!o.bad && s.okStreak >= th.successThreshold) {
    const closing = { ...event('resolve'), message: o.message, evidence: o.evidence };
    events.push(closing);
    if (s.notified) events.push({ ...closing, type: 'recovery' });
    Object.assign(s, { status: 'ok', since: null, firedAt: null, incidentId: null, notified: false, lastNotifiedAt: null, reminders: 0, recent: [] });
    return { state: s, events };
  }

  if (s.status === 'firing' && !opts.inMaintenance) {
    if (!s.notified) {
      s.notified = true;
      s.lastNotifiedAt = now;
      events.push(event('alert'));
    } else if (o.bad && policy.reAlertEveryMs > 0 && s.reminders < policy.maxReAlerts && s.lastNotifiedAt !== null && now - s.lastNotifiedAt >= policy.reAlertEveryMs) {
      s.reminders += 1;
      s.lastNotifiedAt = now;
      events.push(event('reminder'));
    }
  }
  return { state: s, events };
}

/** One probe run as the window rules see it. */
export interface HistoryPoint {
  at: number;
  ok: boolean;
  httpStatus: number | null;
  latencyMs: number | null;
  /** Part of an outage the down rule already alerted on: window rules leave it out (one outage, one alert). */
  covered?: boolean;
}

function matchesStatus(status: number, list: Array<number | string>): boolean {
  return list.some((s) => (typeof s === 'number' ? s === status : Math.floor(status / 100) === Number(s[0])));
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;

/** Error-rate spike: the share of 5xx/401/403 in the window against the hour before it. */
export function errorRateOutcome(history: HistoryPoint[], p: ErrorRatePolicy, now: number): Outcome {
  const withStatus = history.filter((h) => h.httpStatus !== null && !h.covered);
  const recent = withStatus.filter((h) => h.at > now - p.windowMs);
  const base = withStatus.filter((h) => h.at <= now - p.windowMs && h.at > now - p.baselineMs);
  if (recent.length === 0) return { bad: undefined, message: '', evidence: '' };
  const isErr = (h: HistoryPoint): boolean => matchesStatus(h.httpStatus!, p.statuses);
  const errs = recent.filter(isErr);
  const rate = errs.length / recent.length;
  const baseRate = base.length ? base.filter(isErr).length / base.length : 0;
  const bad = errs.length >= p.minErrors && rate >= p.minRate && rate > baseRate * p.factor;
  const counts = new Map<number, number>();
  for (const e of errs) counts.set(e.httpStatus!, (counts.get(e.httpStatus!) ?? 0) + 1);
  const byStatus = [...counts].map(([s, n]) => `${n}× ${s}`).join(', ');
  return {
    bad,
    message: `${errs.length} of ${recent.length} responses in the last ${formatDuration(p.windowMs)} were errors (${pct(rate)}${byStatus ? `: ${byStatus}` : ''}); baseline ${pct(baseRate)} over the ${formatDuration(p.baselineMs - p.windowMs)} before`,
    evidence: '',
  };
}

/** p95 latency over the window above the threshold (only answered requests count). */
export function latencyOutcome(history: HistoryPoint[], p: LatencyPolicy, now: number): Outcome {
  const lat = history.filter((h) => !h.covered && h.at > now - p.windowMs && h.latencyMs !== null && h.httpStatus !== null).map((h) => h.latencyMs!);
  if (lat.length < p.minSamples) return { bad: undefined, message: '', evidence: '' };
  const p95 = percentile(lat.sort((a, b) => a - b), 95);
  return {
    bad: p95 > p.p95Ms,
    message: `p95 latency ${Math.round(p95)} ms over the last ${formatDuration(p.windowMs)} (${lat.length} checks; threshold ${p.p95Ms} ms)`,
    evidence: '',
  };
}

export function certOutcome(daysLeft: number | null, certDays: number, evidence: string): Outcome {
  if (daysLeft === null) return { bad: undefined, message: '', evidence: '' };
  return {
    bad: daysLeft < certDays,
    message: daysLeft < 0 ? `the certificate expired ${Math.abs(Math.floor(daysLeft))} days ago` : `the certificate expires in ${Math.floor(daysLeft)} days (alert below ${certDays})`,
    evidence,
  };
}
