import type PgBoss from 'pg-boss';
import type { PoolClient } from 'pg';
import { inMaintenance, type ProbePlan } from '../monitor/config.js';
import { formatDuration } from '../monitor/duration.js';
import { titleFor, type AlertPayload } from '../monitor/notifiers/index.js';
import type { ProbeResult } from '../monitor/probes/index.js';
import {
  certOutcome,
  errorRateOutcome,
  initialRuleState,
  latencyOutcome,
  stepRule,
  type HistoryPoint,
  type Outcome,
  type RuleEvent,
  type RuleId,
  type RuleState,
} from '../monitor/rules.js';
import { lockKey, uuidFrom } from './ids.js';
import { DELIVER_QUEUE, deliveryJobOptions } from './queues.js';
import type { ResolvedTarget } from './targets.js';

/** A probe job: target name, probe name (local to the target), slot (its due time, ms), locations asked to run it. */
export interface ProbeJobData {
  t: string;
  p: string;
  s: number;
  n: number;
}

export interface Sighting {
  location: string;
  ok: boolean;
  message: string;
}

export interface StepResult {
  /** False when this slot was already recorded for this location (a retried job): nothing else happened. */
  recorded: boolean;
  /** The slot's verdict when this result settled it; undefined while other locations have yet to report. */
  verdict?: 'ok' | 'bad';
  sightings: Sighting[];
  events: RuleEvent[];
  /** Notifications queued (outbox rows + delivery jobs) in the same transaction. */
  queued: number;
}

export interface StepInput {
  target: ResolvedTarget;
  probe: ProbePlan;
  job: ProbeJobData;
  location: string;
  workerId: string;
  result: ProbeResult;
  statusPage: string;
  boss: PgBoss;
  /** The caller took the probe's advisory lock already (with BEGIN, in one round trip). */
  locked?: boolean;
}

/** The advisory-lock key that serialises one probe's judgement across workers. */
export function probeLockKey(probeId: string): string {
  return lockKey(`probe:${probeId}`);
}

const MAX_HISTORY = 2000;

/**
 * Records one probe run and, when the slot is settled, steps the alert rules — all in the caller's
 * transaction, under an advisory lock on the probe, so workers anywhere apply one probe's slots one
 * at a time and every decision is committed together with the notifications it implies (outbox rows
 * and their delivery jobs). A retried job (its worker died after committing) finds its run row and
 * changes nothing: no sample, no state, no alert twice.
 *
 * Confirmation: a slot is bad when at least `confirm` different locations saw it fail; it is good as
 * soon as the locations still to report can no longer make `confirm` failures.
 */
export async function recordAndJudge(c: PoolClient, input: StepInput, now = Date.now()): Promise<StepResult> {
  const { probe, job, location, result } = input;
  if (!input.locked) await c.query(`SELECT pg_advisory_xact_lock($1::bigint)`, [probeLockKey(probe.id)]);
  const message = result.message.slice(0, 2000);
  const sampleMessage = location === 'default' ? message : `[${location}] ${message}`.slice(0, 2000);
  const confirm = probe.confirm ?? 1;
  const expected = Math.max(1, job.n);
  const runValues = [probe.id, job.s, location, result.ok ? 1 : 0, message, result.latencyMs, result.httpStatus, input.workerId, job.s, Math.round(result.at), sampleMessage, result.value];
  let sightings: Sighting[];
  let verdict: 'ok' | 'bad' | undefined;
  let storedStates: unknown;
  if (expected === 1) {
    // One location: the run settles its slot. One statement records run, sample and verdict and reads what the rules need.
    sightings = [{ location, ok: result.ok, message }];
    verdict = result.ok || confirm > 1 ? 'ok' : 'bad';
    const r = (
      await c.query(
        `WITH run AS (
           INSERT INTO fleet_runs (probe_id, slot, location, ok, message, latency_ms, http_status, worker, due_at, ran_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING 1
         ), sample AS (
           INSERT INTO probe_samples (probe_id, at, ok, latency_ms, http_status, message, value)
           SELECT $1, $10, $4, $6, $7, $11, $12 WHERE EXISTS (SELECT 1 FROM run) RETURNING 1
         ), judged AS (
           INSERT INTO fleet_slots (probe_id, slot, verdict, locations_json, judged_at)
           SELECT $1, $2, $13, $14, $15 WHERE EXISTS (SELECT 1 FROM run) ON CONFLICT DO NOTHING RETURNING 1
         )
         SELECT (SELECT COUNT(*) FROM run)::int AS recorded, (SELECT COUNT(*) FROM judged)::int AS judged,
                EXISTS (SELECT 1 FROM fleet_slots WHERE probe_id = $1 AND slot > $2) AS newer,
                (SELECT json_agg(json_build_object('rule', rule, 'state', state_json)) FROM alert_states WHERE probe_id = $1) AS states`,
        [...runValues, verdict, JSON.stringify(sightings), now],
      )
    ).rows[0]!;
    if (Number(r['recorded']) === 0) return { recorded: false, sightings: [], events: [], queued: 0 };
    if (Number(r['judged']) === 0 || r['newer'] === true || !probe.alerts) return { recorded: true, verdict, sightings, events: [], queued: 0 };
    storedStates = r['states'];
  } else {
    const ins = await c.query(
      `WITH run AS (
         INSERT INTO fleet_runs (probe_id, slot, location, ok, message, latency_ms, http_status, worker, due_at, ran_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING 1
       )
       INSERT INTO probe_samples (probe_id, at, ok, latency_ms, http_status, message, value)
       SELECT $1, $10, $4, $6, $7, $11, $12 WHERE EXISTS (SELECT 1 FROM run)`,
      runValues,
    );
    if (ins.rowCount === 0) return { recorded: false, sightings: [], events: [], queued: 0 };
    // ---------------------------------------------------------------- is the slot settled?
    const rows = await c.query(`SELECT location, ok, message FROM fleet_runs WHERE probe_id = $1 AND slot = $2 ORDER BY location`, [probe.id, job.s]);
    sightings = rows.rows.map((r) => ({ location: String(r['location']), ok: Number(r['ok']) === 1, message: String(r['message']) }));
    const fails = sightings.filter((x) => !x.ok).length;
    const missing = Math.max(0, expected - sightings.length);
    verdict = fails >= confirm ? 'bad' : fails + missing < confirm ? 'ok' : undefined;
    if (verdict === undefined) return { recorded: true, sightings, events: [], queued: 0 };
    const judged = await c.query(
      `INSERT INTO fleet_slots (probe_id, slot, verdict, locations_json, judged_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [probe.id, job.s, verdict, JSON.stringify(sightings), now],
    );
    // Settled before (a late location's report): recorded, nothing more to decide.
    if (judged.rowCount === 0) return { recorded: true, sightings, events: [], queued: 0 };
    // A slot settled after a newer one (a slow run or a takeover): history, not a rule step.
    const newer = await c.query(`SELECT 1 FROM fleet_slots WHERE probe_id = $1 AND slot > $2 LIMIT 1`, [probe.id, job.s]);
    if (newer.rows.length > 0 || !probe.alerts) return { recorded: true, verdict, sightings, events: [], queued: 0 };
    storedStates = (await c.query(`SELECT json_agg(json_build_object('rule', rule, 'state', state_json)) AS states FROM alert_states WHERE probe_id = $1`, [probe.id])).rows[0]?.['states'];
  }

  // ---------------------------------------------------------------- alert rules, as the single monitor applies them
  const policy = probe.alerts;
  const states = new Map<RuleId, RuleState>();
  for (const r of (storedStates ?? []) as Array<{ rule: string; state: string }>) {
    states.set(r.rule as RuleId, { ...initialRuleState(), ...(JSON.parse(r.state) as Partial<RuleState>) });
  }
  // Window rules read recent history: all samples for a probe confirmed by one location, per
  // location otherwise (one location's error spike is that location's trouble, like a failure).
  //
  // They are judged on the runs that can move them — a failed or error-status or slow run, or while
  // one of them fires (to see it clear) — not on every healthy run: reading an hour of history per run
  // would be most of the database's work. (A rate that only rises because its baseline ages out is
  // seen at the next bad run.)
  const hists = new Map<string, HistoryPoint[]>();
  const er0 = policy.errorRate;
  const lat0 = policy.latency;
  const isErrorStatus = (st: number | null): boolean => st !== null && !!er0 && er0.statuses.some((x) => (typeof x === 'number' ? x === st : Math.floor(st / 100) === Number(x[0])));
  const windowDue =
    !result.ok ||
    sightings.some((x) => !x.ok) ||
    isErrorStatus(result.httpStatus) ||
    (!!lat0 && result.latencyMs !== null && result.latencyMs > lat0.p95Ms) ||
    states.get('error-rate')?.status === 'firing' ||
    states.get('latency')?.status === 'firing';
  const span = windowDue ? Math.max(er0 ? er0.baselineMs : 0, lat0 ? lat0.windowMs : 0) : 0;
  if (span > 0) {
    const rows =
      confirm > 1
        ? await c.query(`SELECT location, ran_at AS at, ok, http_status, latency_ms FROM fleet_runs WHERE probe_id = $1 AND ran_at > $2 ORDER BY ran_at DESC LIMIT ${MAX_HISTORY}`, [probe.id, now - span])
        : await c.query(`SELECT at, ok, http_status, latency_ms FROM probe_samples WHERE probe_id = $1 AND at > $2 ORDER BY at DESC LIMIT ${MAX_HISTORY}`, [probe.id, now - span]);
    for (const r of rows.rows.reverse()) {
      const key = confirm > 1 ? String(r['location']) : '';
      let h = hists.get(key);
      if (!h) hists.set(key, (h = []));
      h.push({
        at: Number(r['at']),
        ok: Number(r['ok']) === 1,
        httpStatus: r['http_status'] === null ? null : Number(r['http_status']),
        latencyMs: r['latency_ms'] === null ? null : Number(r['latency_ms']),
      });
    }
  }
  const cover = (): void => {
    const down = states.get('down');
    if (down?.status !== 'firing' || down.since === null) return;
    for (const hist of hists.values()) for (let i = hist.length - 1; i >= 0 && hist[i]!.at >= down.since; i--) hist[i]!.covered = true;
  };
  /** A window rule's outcome: bad only when `confirm` locations' own histories are bad. */
  const windowed = (judge: (h: HistoryPoint[]) => Outcome): Outcome => {
    if (confirm <= 1) return judge(hists.get('') ?? []);
    const per = [...hists].map(([loc, h]) => ({ loc, o: judge(h) }));
    const decided = per.filter((x) => x.o.bad !== undefined);
    if (decided.length === 0) return { bad: undefined, message: '', evidence: '' };
    const badOnes = decided.filter((x) => x.o.bad);
    const shown = badOnes[0] ?? decided[0]!;
    return {
      bad: badOnes.length >= confirm,
      message: `${shown.o.message}${badOnes.length ? ` — seen from ${badOnes.map((x) => x.loc).join(', ')} (${badOnes.length} of ${confirm} locations needed)` : ''}`,
      evidence: '',
    };
  };
  cover();
  const bad = verdict === 'bad';
  const failing = sightings.filter((s) => !s.ok);
  const seen = sightings.map((s) => `${s.location}: ${s.ok ? 'ok' : s.message}`).join('\n');
  const downMessage = bad && expected > 1 ? `${failing[0]?.message ?? message} — confirmed from ${failing.length} locations (${failing.map((s) => s.location).join(', ')})` : bad ? (failing[0]?.message ?? message) : message;
  const evidence = expected > 1 ? `Seen from ${sightings.length} of ${expected} locations:\n${seen}${result.evidence ? `\n\n${result.evidence}` : ''}` : result.evidence;
  const evaluations: Array<[RuleId, () => Outcome]> = [['down', () => ({ bad, message: downMessage, evidence })]];
  if (probe.kind === 'tls') evaluations.push(['cert-expiry', () => certOutcome(result.value, policy.certDays, result.evidence)]);
  const er = windowDue ? policy.errorRate : false;
  if (er) evaluations.push(['error-rate', () => ({ ...windowed((h) => errorRateOutcome(h, er, now)), evidence: result.evidence })]);
  const lat = windowDue ? policy.latency : false;
  if (lat) evaluations.push(['latency', () => ({ ...windowed((h) => latencyOutcome(h, lat, now)), evidence: result.evidence })]);
  const maintenance = inMaintenance(input.target.plan.maintenance, job.p, now);
  const events: RuleEvent[] = [];
  for (const [rule, outcome] of evaluations) {
    if (rule !== 'down') cover();
    const prev = states.get(rule) ?? initialRuleState();
    const downFiring = rule !== 'down' && states.get('down')?.status === 'firing';
    const step = stepRule(probe.id, rule, prev, outcome(), policy, now, { inMaintenance: maintenance, suppressOpen: downFiring });
    if (step.state === prev) continue;
    // Streaks only matter up to their thresholds: capped, a healthy probe's state stops changing and is not rewritten every run.
    step.state.okStreak = Math.min(step.state.okStreak, policy.successThreshold);
    step.state.failStreak = Math.min(step.state.failStreak, 1000);
    states.set(rule, step.state);
    if (step.events.length === 0 && JSON.stringify(step.state) === JSON.stringify(prev)) continue;
    await c.query(
      `INSERT INTO alert_states (probe_id, rule, state_json, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (probe_id, rule) DO UPDATE SET state_json = excluded.state_json, updated_at = excluded.updated_at`,
      [probe.id, rule, JSON.stringify(step.state), now],
    );
    events.push(...step.events);
  }
  let queued = 0;
  for (const e of events) queued += await applyEvent(c, input, e, states, now);
  return { recorded: true, verdict, sightings, events, queued };
}

async function applyEvent(c: PoolClient, input: StepInput, e: RuleEvent, states: Map<RuleId, RuleState>, now: number): Promise<number> {
  const { probe, target } = input;
  const title = titleFor('alert', probe.id, e.rule);
  if (e.type === 'open') {
    await c.query(
      `INSERT INTO incidents (id, probe_id, rule, opened_at, resolved_at, title, last_evidence, notified) VALUES ($1, $2, $3, $4, NULL, $5, $6, 0)
       ON CONFLICT (id) DO NOTHING`,
      [e.incidentId, probe.id, e.rule, Math.round(e.since), title, e.evidence.slice(0, 8000)],
    );
    return 0;
  }
  if (e.type === 'resolve') {
    await c.query(
      `INSERT INTO incidents (id, probe_id, rule, opened_at, resolved_at, title, last_evidence, notified) VALUES ($1, $2, $3, $4, $5, $6, $7, 0)
       ON CONFLICT (id) DO UPDATE SET resolved_at = excluded.resolved_at`,
      [e.incidentId, probe.id, e.rule, Math.round(e.since), now, title, e.evidence.slice(0, 8000)],
    );
    return 0;
  }
  const event = e.type as 'alert' | 'reminder' | 'recovery';
  if (event === 'alert') {
    await c.query(
      `INSERT INTO incidents (id, probe_id, rule, opened_at, resolved_at, title, last_evidence, notified) VALUES ($1, $2, $3, $4, NULL, $5, $6, 1)
       ON CONFLICT (id) DO UPDATE SET notified = 1, last_evidence = excluded.last_evidence`,
      [e.incidentId, probe.id, e.rule, Math.round(e.since), title, e.evidence.slice(0, 8000)],
    );
  }
  const reminderNo = event === 'reminder' ? (states.get(e.rule)?.reminders ?? 0) : 0;
  const payload: Omit<AlertPayload, 'id'> = {
    event,
    probe: probe.id,
    kind: probe.kind,
    check: probe.describe,
    rule: e.rule,
    incident: e.incidentId,
    title: titleFor(event, probe.id, e.rule),
    summary: e.message,
    since: new Date(e.since).toISOString(),
    at: new Date(now).toISOString(),
    ...(event !== 'alert' ? { duration: formatDuration(now - e.since) } : {}),
    evidence: event === 'recovery' ? '' : e.evidence.slice(0, 4000),
    statusPage: input.statusPage,
    ...(target.plan.target ? { target: target.plan.target } : {}),
  };
  let queued = 0;
  for (const n of target.notifiers.values()) {
    if (probe.notify && !probe.notify.includes(n.name)) continue;
    const dedupeKey = `${e.incidentId}:${event}${event === 'reminder' ? `:${reminderNo}` : ''}:${n.name}`;
    const id = uuidFrom(`outbox|${dedupeKey}`);
    const ins = await c.query(
      `INSERT INTO outbox (id, dedupe_key, incident_id, kind, notifier, payload_json, created_at, status, attempts, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8) ON CONFLICT DO NOTHING`,
      [id, dedupeKey, e.incidentId, event, n.name, JSON.stringify(payload), now, now],
    );
    if (ins.rowCount === 0) continue;
    // The delivery job commits with the outbox row: decided and queued together, or neither.
    await input.boss.insert([{ id, name: DELIVER_QUEUE, data: { t: target.row.name, o: id }, ...deliveryJobOptions(n.plan.retry) }], {
      db: { executeSql: (text: string, values: unknown[]) => c.query(text, values) },
    });
    queued += 1;
  }
  return queued;
}
