import { AsyncLocalStorage } from 'node:async_hooks';
import { setMaxListeners } from 'node:events';
import type { Config } from '../config/schema.js';
import type { Area } from '../model/area.js';
import { fingerprint, type Finding } from '../model/finding.js';
import { BudgetExhausted, RunAborted, TargetUnusable, type HttpClient } from '../net/http.js';
import { ExcludedRequest } from '../net/exclude.js';
import { LoopbackViolation } from '../net/loopback-guard.js';
import { TargetDown, type HealthEvent, type TargetHealth } from '../net/target-health.js';
import { NotApplicable, type Check, type FindingDraft, type Gatherer, type Requirements } from './check.js';
import type { CheckContext, GatherContext, ProgressSink, ReportContribution, RunOptions, RunServices, TargetInfo } from './context.js';
import { probeTargetBaseline } from './target-baseline.js';

export interface RunInput {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  checks: Check<any>[];
  config: Config;
  configDir: string;
  target: TargetInfo;
  http: HttpClient;
  options: RunOptions;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborts the run (Ctrl-C). The runner adds its own overall deadline. */
  signal?: AbortSignal;
  /** Per-check deadline, ms. */
  checkDeadlineMs: number;
  /** Whole-run deadline, ms. */
  runDeadlineMs: number;
  concurrency?: number;
  progress?: ProgressSink;
  now?: Date;
  /** Typed services and settings for gatherers (load settings, resolver, abuse bounds, scan request). */
  services?: RunServices;
  /**
   * Send one baseline request to the target before any check: when it is unreachable, hangs or
   * answers over the size cap, no more traffic goes to it and every check that depended on it is
   * `error` (never `pass`). See target-baseline.ts.
   */
  probeTarget?: { timeoutMs: number; maxBodyBytes: number };
}

export interface RunResult {
  findings: Finding[];
  incomplete: string[];
  areaDurationsMs: Partial<Record<Area, number>>;
  /** Evidence every gatherer produced, by gatherer id. */
  artifacts: Map<string, unknown>;
  contributions: ReportContribution;
  /** Set when the baseline found the target unusable: the run is not graded. */
  targetProblem?: string;
  /** Requests the baseline itself sent (0 or 1). */
  baselineRequests?: number;
}

export const DEVELOPMENT_TARGET_REASON =
  'development target (localhost or a loopback address, no domains configured): this check only makes sense for a public hostname';

/**
 * Runs checks: gathers each piece of evidence once, judges it, and turns every failure mode into a
 * finding (`skip` with a reason, `error` with what broke) so nothing is silently a pass.
 */
export async function runChecks(input: RunInput): Promise<RunResult> {
  const now = input.now ?? new Date();
  const incomplete = new Set<string>();
  const findings: Finding[] = [];
  const areaDurationsMs: Partial<Record<Area, number>> = {};
  const memo = new Map<string, Promise<unknown>>();
  const artifacts = new Map<string, unknown>();
  const runController = new AbortController();
  const runTimer = setTimeout(() => runController.abort(new Error('run deadline')), input.runDeadlineMs);
  const signal = input.signal ? AbortSignal.any([input.signal, runController.signal]) : runController.signal;
  // Every request and socket of the run listens on this one signal.
  setMaxListeners(0, signal);

  // The target health guard: a baseline is timed now; a target that stops answering stops the run.
  let health: TargetHealth | undefined = input.services?.health ?? input.http.health;
  if (!health && input.target.baseUrl && input.services?.healthSettings !== false) {
    health = input.http.watchTarget(baselineUrlOf(input.config, input.target.baseUrl), input.services?.healthSettings || {});
  }
  let downAt: number | undefined;
  if (health) {
    health.stopOn(signal);
    health.onDown(() => {
      downAt = performance.now();
      runController.abort(new TargetDown(health!.down!.afterRequest));
    });
  }
  const services: RunServices = { ...(input.services ?? {}), ...(health ? { health } : {}) };

  const contributions: Required<ReportContribution> = { accessMatrix: [], latency: {}, facts: {} };
  // Target dependency: gatherers that sent (or tried to send) a request to the target's origin.
  const gathering = new AsyncLocalStorage<string>();
  const gathererDeps = new Map<string, Set<string>>();
  const touchedTarget = new Set<string>();
  const targetOrigin = input.target.baseUrl?.origin;
  const unobserve = input.http.observe((url) => {
    const id = gathering.getStore();
    if (id !== undefined && url.origin === targetOrigin) touchedTarget.add(id);
  });
  let targetProblem: string | undefined;
  let baselineRequests = 0;
  const dependsOnTarget = (check: Check<Requirements>): boolean => {
    const seen = new Set<string>();
    const stack = Object.values(check.requires).map((g) => g.id);
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      if (touchedTarget.has(id)) return true;
      stack.push(...(gathererDeps.get(id) ?? []));
    }
    return false;
  };
  const gatherCtx: GatherContext = {
    config: input.config,
    configDir: input.configDir,
    target: input.target,
    http: input.http,
    signal,
    env: input.env,
    options: input.options,
    gather: <T>(g: Gatherer<T>) => gather(g),
    contribute: (part) => {
      if (part.accessMatrix) contributions.accessMatrix.push(...part.accessMatrix);
      Object.assign(contributions.latency, part.latency ?? {});
      for (const [topic, value] of Object.entries(part.facts ?? {})) contributions.facts[topic] = mergeFact(contributions.facts[topic], value);
    },
    services,
  };
  const checkCtx: CheckContext = {
    config: input.config,
    target: input.target,
    options: input.options,
    now,
    evidence: {
      exchange: (ex, opts) => ({
        request: input.http.formatRequest(ex),
        response: input.http.formatResponse(ex, opts?.bodyLimit ?? 600, opts?.headers),
        reproduce: input.http.curlFor(ex),
      }),
    },
  };

  function gather<T>(g: Gatherer<T>): Promise<T> {
    // Which gatherer asked for which: a check depends on the target when any gatherer under it sent to it.
    const parent = gathering.getStore();
    if (parent !== undefined) {
      const set = gathererDeps.get(parent) ?? new Set<string>();
      set.add(g.id);
      gathererDeps.set(parent, set);
    }
    let p = memo.get(g.id) as Promise<T> | undefined;
    if (!p) {
      input.progress?.update({ activity: `gathering ${g.id}`, requests: input.http.stats.requests });
      p = gathering.run(g.id, () => g.gather(gatherCtx)).then((value) => {
        artifacts.set(g.id, value);
        return value;
      });
      // A rejected memo is still shared: every dependent check reports the same cause.
      p.catch(() => undefined);
      memo.set(g.id, p);
    }
    return p;
  }

  const build = (check: Check<Requirements>, draft: FindingDraft): Finding => {
    const m = check.meta;
    const f: Finding = {
      id: fingerprint(m.id, draft.location, draft.discriminator ?? ''),
      check: m.id,
      area: m.area,
      severity: draft.severity ?? m.severity,
      status: draft.status,
      title: draft.title ?? m.title,
      location: draft.location,
      evidence: draft.evidence ?? {},
      fix: draft.fix ?? m.fix,
      references: draft.references ?? m.references,
    };
    if (draft.reason !== undefined) f.reason = draft.reason;
    return f;
  };
  const here = input.target.baseUrl ? { url: input.target.baseUrl.href } : {};

  async function runOne(check: Check<Requirements>): Promise<void> {
    const started = performance.now();
    input.progress?.update({ area: check.meta.area, activity: check.meta.title, requests: input.http.stats.requests });
    let out: Finding[];
    const final = check.meta.phase === 'final';
    if (health?.down && !final) {
      out = [build(check, { status: 'error', location: here, reason: `not run: ${downWords(health.down)}` })];
    } else if (signal.aborted && !final) {
      out = [build(check, { status: 'error', location: here, reason: 'not run: the run was interrupted or its deadline passed' })];
    } else if (check.meta.publicOnly && input.target.isDevelopment) {
      out = [build(check, { status: 'skip', location: here, reason: DEVELOPMENT_TARGET_REASON })];
    } else if (targetProblem !== undefined && (check.meta.phase === 'measure' || check.meta.phase === 'last' || final)) {
      // Load, page loads and bursts only ever measure the target: not run against an unusable one.
      out = [build(check, { status: 'error', location: here, reason: `not run: the target could not be tested (${targetProblem})` })];
    } else {
      const deadline = input.checkDeadlineMs + (check.meta.extraDeadlineMs?.(input.config) ?? 0);
      out = await withDeadline(evaluate(check), deadline).catch((err: unknown) => {
        return [build(check, failureDraft(err, deadline))];
      });
      if (targetProblem !== undefined && out.some((f) => f.status !== 'skip' && f.status !== 'error') && dependsOnTarget(check)) {
        // What a check concluded from an unusable target is not evidence: never a pass (nor a fail).
        out = [
          ...out.filter((f) => f.status === 'skip'),
          build(check, { status: 'error', location: here, reason: `not judged: the target could not be tested (${targetProblem})` }),
        ];
      }
      // A judgement of the whole run made after an interruption saw only part of it: never a pass.
      if (final && signal.aborted && !health?.down) {
        out = out.map((f) => (f.status === 'pass' ? { ...f, status: 'error' as const, reason: 'not judged: the run was interrupted before every probe ran' } : f));
      }
      // Nothing that finished after the target went down is a pass: its evidence may be cut short.
      if (health?.down && !final && downAt !== undefined && downAt < performance.now()) {
        out = out.map((f) => (f.status === 'pass' ? { ...f, status: 'error' as const, reason: `not finished: ${downWords(health!.down!)}` } : f));
      }
    }
    findings.push(...out);
    const ms = performance.now() - started;
    areaDurationsMs[check.meta.area] = (areaDurationsMs[check.meta.area] ?? 0) + ms;
  }

  async function evaluate(check: Check<Requirements>): Promise<Finding[]> {
    const evidence: Record<string, unknown> = {};
    for (const [key, g] of Object.entries(check.requires)) evidence[key] = await gather(g);
    const drafts = await check.run(evidence as never, checkCtx);
    if (drafts.length === 0) return [build(check, { status: 'pass', location: here })];
    return drafts.map((d) => build(check, d));
  }

  function failureDraft(err: unknown, deadline: number): FindingDraft {
    if (err instanceof NotApplicable) return { status: 'skip', location: here, reason: err.reason };
    if (err instanceof TargetDown || health?.down) {
      if (health?.down) incomplete.add(downWords(health.down));
      return { status: 'error', location: here, reason: `not finished: ${health?.down ? downWords(health.down) : (err as Error).message}` };
    }
    if (err instanceof BudgetExhausted) {
      incomplete.add(`request budget exhausted (${err.limit} requests): raise --max-requests or narrow --only`);
      return { status: 'error', location: here, reason: err.message };
    }
    if (err instanceof RunAborted || signal.aborted) {
      incomplete.add(input.signal?.aborted ? 'the run was interrupted before every check finished' : `the run deadline of ${input.runDeadlineMs} ms passed`);
      return { status: 'error', location: here, reason: 'interrupted before it finished' };
    }
    if (err instanceof DeadlineExceeded) return { status: 'error', location: here, reason: `did not finish within its ${deadline} ms deadline` };
    if (err instanceof LoopbackViolation || err instanceof ExcludedRequest) return { status: 'error', location: here, reason: err.message };
    if (err instanceof TargetUnusable) return { status: 'error', location: here, reason: err.message };
    return { status: 'error', location: here, reason: (err as Error)?.message ?? String(err) };
  }

  async function pool(list: Check<Requirements>[]): Promise<void> {
    let next = 0;
    const workers = Array.from({ length: Math.min(input.concurrency ?? 4, list.length) }, async () => {
      while (next < list.length) {
        const c = list[next++]!;
        await runOne(c);
      }
    });
    await Promise.all(workers);
  }

  try {
    const checks = input.checks as Check<Requirements>[];
    if (input.probeTarget && input.target.baseUrl && checks.length > 0 && !signal.aborted) {
      const landing = new URL(input.config.pages?.landing ?? '/', input.target.baseUrl);
      const before = input.http.stats.requests;
      try {
        const baseline = await probeTargetBaseline(input.http, landing, input.probeTarget);
        if (!baseline.usable) {
          targetProblem = baseline.reason;
          input.http.blockOrigin(input.target.baseUrl.origin, baseline.reason);
          incomplete.add(`target not tested: ${baseline.reason}`);
        }
      } catch (err) {
        if (err instanceof LoopbackViolation) {
          // The target itself is off limits (tests and demos): say so, never grade it.
          targetProblem = err.message;
          input.http.blockOrigin(input.target.baseUrl.origin, err.message);
          incomplete.add(`target not tested: ${err.message}`);
        } else if (!(err instanceof RunAborted || err instanceof BudgetExhausted)) throw err;
      }
      baselineRequests = input.http.stats.requests - before;
    }
    // Time the health guard's baseline only on a target that can be tested at all.
    // Only runs with probes that can hurt the target need the timing up front; otherwise the guard
    // judges from the first good answer it sees.
    const harmful = checks.some((c) => c.meta.phase === 'last');
    if (health && harmful && targetProblem === undefined && !health.baseline && !health.down && !signal.aborted) {
      const before = input.http.stats.requests;
      await health.calibrate(signal).catch(() => undefined);
      // The guard's own timing requests test nothing: they count with the baseline, not as a check's.
      baselineRequests += input.http.stats.requests - before;
    }
    await pool(checks.filter((c) => c.meta.phase === undefined || c.meta.phase === 'normal'));
    // Measurements run one at a time with nothing else going on, so the numbers are the target's own.
    for (const c of checks.filter((c) => c.meta.phase === 'measure')) await runOne(c);
    // Checks that can lock accounts, trip per-IP limits or hurt the target go last, one at a time,
    // least harmful first (bursts and enumeration, then injection probes, fuzzing last), so a probe
    // that takes the target down cannot hide the results of the others. Each deadline starts when
    // its check starts.
    const last = checks.filter((c) => c.meta.phase === 'last').sort((a, b) => (a.meta.harm ?? 50) - (b.meta.harm ?? 50));
    for (const c of last) await runOne(c);
    // Judgements of the run itself (the target's health) come after everything, even a dead target.
    for (const c of checks.filter((c) => c.meta.phase === 'final')) await runOne(c);
  } finally {
    clearTimeout(runTimer);
    unobserve();
  }
  if (health?.down) incomplete.add(downWords(health.down));
  if (input.signal?.aborted) incomplete.add('the run was interrupted before every check finished');
  for (const f of findings) {
    // One line says the target could not be tested; the checks it stopped are listed in the findings.
    if (f.status === 'error' && !(targetProblem !== undefined && f.reason?.includes(targetProblem))) incomplete.add(`${f.check} could not finish: ${f.reason ?? 'error'}`);
  }
  // Stable order: by area order of the checklist, then check id, then place.
  findings.sort((a, b) => a.check.localeCompare(b.check) || a.id.localeCompare(b.id));
  return { findings, incomplete: [...incomplete], areaDurationsMs, artifacts, contributions, ...(targetProblem !== undefined ? { targetProblem } : {}), baselineRequests };
}

/** "the target stopped answering after request N (POST /x)": the run's reason to be incomplete. */
export function downWords(e: HealthEvent): string {
  const u = new URL(e.suspect.request.url);
  return `the target stopped answering after request ${e.afterRequest} (${e.suspect.request.method} ${u.pathname}): nothing after that point was tested`;
}

/** The cheap request the health guard times: the health endpoint when one is configured, else the landing page. */
export function baselineUrlOf(config: Config, base: URL): URL {
  const health = config.endpoints.health?.replace(/^[A-Z]+\s+/, '');
  return new URL(health ?? config.pages?.landing ?? '/', base);
}

/** Two gatherers may add to one topic: lists concatenate, records merge, anything else is replaced. */
export function mergeFact(previous: unknown, next: unknown): unknown {
  if (Array.isArray(previous) && Array.isArray(next)) return [...previous, ...next];
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isRecord(previous) && isRecord(next)) {
    const out: Record<string, unknown> = { ...previous };
    for (const [k, v] of Object.entries(next)) out[k] = k in previous ? mergeFact(previous[k], v) : v;
    return out;
  }
  return next;
}

export class DeadlineExceeded extends Error {
  constructor() {
    super('deadline exceeded');
    this.name = 'DeadlineExceeded';
  }
}

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded()), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}
