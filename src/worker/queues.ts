import type { RetryPolicy } from '../monitor/config.js';

/**
 * The pg-boss queues (one PostgreSQL schema, `pgboss` by default, in the store's database):
 *
 * - `lr-probe`: probe runs any worker may take (monitors with `confirm: 1`).
 * - `lr-probe-at-<location>`: probe runs for one location (monitors with `confirm: 2` or more run
 *   once per active location per slot).
 * - `lr-audit`: scheduled audits, one job per target per cron tick.
 * - `lr-deliver`: one job per notification (the outbox row id), queued in the transaction that decided it.
 * - `lr-dead`: jobs that failed every retry; kept for a person to read (the fleet page counts them).
 *
 * Every job id is derived from what it is (slot, tick, outbox row), so planning the same work twice
 * queues it once. A job's lease is pg-boss's expiration: a worker that dies holding it loses the job to
 * the next maintenance pass, which puts it back for another worker (retry with backoff), and after the
 * last retry into `lr-dead`.
 */
export const PROBE_QUEUE = 'lr-probe';
export const AUDIT_QUEUE = 'lr-audit';
export const DELIVER_QUEUE = 'lr-deliver';
export const DEAD_QUEUE = 'lr-dead';

export const LOCATION_RE = /^[a-z0-9][a-z0-9_-]{0,39}$/i;

export function locationQueue(location: string): string {
  return `lr-probe-at-${location.toLowerCase()}`;
}

/** Probe runs: short lease, two quick retries (a probe slot is stale soon), then dead-letter. */
export function probeQueueOptions(leaseS: number): { expireInSeconds: number; retryLimit: number; retryDelay: number; retryBackoff: boolean; deadLetter: string; retentionMinutes: number } {
  return { expireInSeconds: leaseS, retryLimit: 2, retryDelay: 1, retryBackoff: true, deadLetter: DEAD_QUEUE, retentionMinutes: 60 };
}

/** Audits: the lease covers the run's deadline; retried twice with backoff. */
export function auditJobOptions(deadlineMs: number): { expireInSeconds: number; retryLimit: number; retryDelay: number; retryBackoff: boolean; deadLetter: string } {
  return { expireInSeconds: Math.ceil(deadlineMs / 1000) + 120, retryLimit: 2, retryDelay: 30, retryBackoff: true, deadLetter: DEAD_QUEUE };
}

/** Deliveries: the notifier's own attempts and backoff, with a lease past its timeout. */
export function deliveryJobOptions(r: RetryPolicy): { expireInSeconds: number; retryLimit: number; retryDelay: number; retryBackoff: boolean; deadLetter: string } {
  return {
    expireInSeconds: Math.max(30, Math.ceil(r.timeoutMs / 1000) * 3),
    retryLimit: Math.max(0, r.attempts - 1),
    retryDelay: Math.max(1, Math.round(r.backoffMs / 1000)),
    retryBackoff: true,
    deadLetter: DEAD_QUEUE,
  };
}
