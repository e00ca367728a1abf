import { defineGatherer, NotApplicable } from '../engine/check.js';
import type { GatherContext } from '../engine/context.js';
import { sessionsGatherer, type Session } from '../identity/session.js';
import type { HostResolver } from '../net/http.js';
import { apiSurfaceGatherer, type Route } from '../surface/routes.js';
import { measureAlone } from './alone.js';
import { generateLoad, LoadPlanError, type LoadResult } from './generator.js';
import { AUDIT_LOAD_DEFAULTS, auditRate, chooseActions, parseDuration, type LoadSettings } from './plan.js';

/** What the load phase reads from the run's services (the `load` command, a test). */
export interface LoadContextExtensions {
  loadSettings?: LoadSettings;
  resolver?: HostResolver;
}

export interface CoreActionLoad {
  /** What was run, in words for the report. */
  plan: { model: 'open' | 'closed'; rate?: number; concurrency?: number; durationMs: number; warmupMs: number; actions: number; identities: string[] };
  result: LoadResult;
  skipped: Array<{ route: string; reason: string }>;
  notes: string[];
}

const ABORTING = new Set(['BudgetExhausted', 'RunAborted', 'LoopbackViolation', 'ScopeViolation', 'TargetDown', 'ExcludedRequest']);

/**
 * Runs the configured load against the core actions once per run and shares the result. The
 * latencies go into the report's latency table; the performance checks judge them.
 */
export const coreActionLoadGatherer = defineGatherer<CoreActionLoad>({
  id: 'load/core-actions',
  async gather(ctx: GatherContext) {
    const base = ctx.target.baseUrl;
    if (!base) throw new NotApplicable('no target URL to load');
    const ext: LoadContextExtensions = ctx.services;
    const settings = ext.loadSettings ?? {};
    const notes: string[] = [];

    let sessions: ReadonlyMap<string, Session> = new Map();
    let failures: ReadonlyMap<string, string> = new Map();
    try {
      ({ sessions, failures } = await ctx.gather(sessionsGatherer));
    } catch (err) {
      if (!(err instanceof NotApplicable)) throw err;
    }
    for (const [name, why] of failures) notes.push(`identity ${name} could not log in: ${why}`);
    let surface: Route[] | undefined;
    try {
      surface = (await ctx.gather(apiSurfaceGatherer)).routes;
    } catch (err) {
      if (ABORTING.has((err as Error).name)) throw err;
      if (!ctx.config.load?.actions.length) throw new NotApplicable(`no core actions to load: ${(err as Error).message}; list them with load.actions in launchready.yml`);
    }

    const choice = chooseActions({
      base,
      config: ctx.config,
      ...(surface ? { surface } : {}),
      sessions,
      loginFailures: failures,
      maxActions: settings.maxActions ?? AUDIT_LOAD_DEFAULTS.maxActions,
      allowWrites: ctx.options.allowWrites,
    });
    if (choice.actions.length === 0) {
      const why = choice.skipped.map((s) => `${s.route}: ${s.reason}`).join('; ');
      throw new NotApplicable(`no core action could be loaded${why ? ` (${why})` : ''}; list safe GET routes with load.actions in launchready.yml`);
    }

    const ownsTarget = settings.ownsTarget ?? false;
    const shape = auditRate(ctx.config, ownsTarget);
    if (shape.note) notes.push(shape.note);
    if (ctx.config.load?.rate !== undefined && ctx.config.load.concurrency !== undefined) notes.push('load.rate and load.concurrency are both set: the rate (open model) was used');
    let durationMs: number;
    let warmupMs: number;
    try {
      durationMs = parseDuration(ctx.config.load?.duration, AUDIT_LOAD_DEFAULTS.durationMs);
      warmupMs = parseDuration(ctx.config.load?.warmup, AUDIT_LOAD_DEFAULTS.warmupMs);
    } catch (err) {
      throw new NotApplicable(`load: ${(err as Error).message}`);
    }
    // The load phase spends the run's request budget like every other probe.
    // Reserved up front, so checks running meanwhile cannot push the run past its budget.
    const remaining = ctx.http.remaining;
    const wanted = Math.min(settings.maxRequests ?? Number.POSITIVE_INFINITY, remaining);
    if (wanted < 10) throw new NotApplicable(`the request budget is nearly spent (${remaining} left): raise --max-requests to measure latency under load`);
    const maxRequests = ctx.http.reserve(wanted);

    let result: LoadResult;
    try {
      result = await measureAlone(ctx.http, () => generateLoad({
        actions: choice.actions,
        ...(shape.rate !== undefined ? { rate: shape.rate } : { concurrency: shape.concurrency! }),
        durationMs,
        warmupMs,
        maxRequests,
        timeoutMs: settings.timeoutMs ?? ctx.config.budget.timeoutMs,
        ...(settings.connections ? { connections: settings.connections } : {}),
        ownsTarget,
        allowWrites: ctx.options.allowWrites,
        ...(ctx.options.overrides ? { overrides: ctx.options.overrides } : {}),
        ...(ext.resolver ? { resolver: ext.resolver } : {}),
        ...(ctx.options.ca ? { ca: ctx.options.ca } : {}),
        allows: (url: URL, method: string) => ctx.http.allows(url, method),
        signal: ctx.signal,
      }));
    } catch (err) {
      ctx.http.settle(maxRequests, 0, 0);
      if (err instanceof LoadPlanError) throw new NotApplicable(err.message);
      throw err;
    }
    ctx.http.settle(maxRequests, result.sent, result.bytes, 'performance');
    if (result.stoppedBy === 'max-requests') notes.push(`stopped after ${result.sent} requests: the request budget ran out before the ${durationMs / 1000} s were over`);

    ctx.contribute({
      latency: Object.fromEntries(Object.values(result.routes).map((r) => [r.name, r.latency])),
      facts: {
        load: {
          model: result.model,
          ...(result.rate !== undefined ? { rate: result.rate } : {}),
          ...(result.concurrency !== undefined ? { concurrency: result.concurrency } : {}),
          durationMs: result.measuredMs,
          warmupMs: result.warmupMs,
          sent: result.sent,
          throughput: result.throughput,
          errors: result.errors,
          ...(result.sendLag ? { sendLag: result.sendLag } : {}),
          serverTiming: Object.fromEntries(Object.values(result.routes).filter((r) => r.serverTiming).map((r) => [r.name, r.serverTiming])),
          skipped: choice.skipped,
        },
      },
    });
    const identities = [...new Set(choice.actions.flatMap((a) => (a.identity ? [a.identity] : [])))];
    return {
      plan: {
        model: result.model,
        ...(result.rate !== undefined ? { rate: result.rate } : {}),
        ...(result.concurrency !== undefined ? { concurrency: result.concurrency } : {}),
        durationMs,
        warmupMs,
        actions: Object.keys(result.routes).length,
        identities,
      },
      result,
      skipped: choice.skipped,
      notes: [...notes, ...result.notes],
    };
  },
});
