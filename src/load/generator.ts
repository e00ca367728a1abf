import { guardedConnector, type HostResolver } from '../net/http.js';
import { LoopbackViolation } from '../net/loopback-guard.js';
import type { ConnectOverride } from '../net/overrides.js';
import type { LatencySummary } from '../model/report.js';
import { H1Pool, serialiseRequest, type H1Handler, type H1Request } from './h1.js';
import { LatencyRecorder, round } from './histogram.js';
import { WeightedMix } from './mix.js';
import { ServerTimingRecorder, type ServerTimingSummary } from './server-timing.js';

/**
 * The load generator. Two models:
 *
 * - **open** (`rate`): requests arrive on a fixed schedule whatever the server does, and each
 *   latency is measured from the request's *intended* send time. When the server (or the client's
 *   connection pool) stalls, the requests that should have gone out meanwhile are charged for the
 *   wait, so a stall shows in p99 — coordinated omission is corrected by construction, not by a
 *   statistical fix-up afterwards.
 * - **closed** (`concurrency`): N users each send, wait for the answer, and send again. This is what
 *   wrk and autocannon do; it measures service time but hides stalls (a stalled server also stops
 *   the clients, so few slow samples are taken). Useful for throughput and for comparison.
 *
 * Every run stops by itself: after warm-up + duration, or after `maxRequests`, or on abort; then
 * in-flight requests get `timeoutMs` to finish before the pools are destroyed.
 */

/** Without the ownership flag launchready never sends more than this many requests per second. */
export const CONSERVATIVE_MAX_RATE = 50;
/** The flag that lifts the ceiling: the user says they own (or may load-test) the target. */
export const OWNERSHIP_FLAG = '--i-own-this-target';

export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

export interface LoadAction {
  /** The row in the latency table, e.g. `GET /api/invoices`. Actions with one name share a row. */
  name: string;
  method: string;
  url: URL;
  /** Credentials of the identity making the request, and anything else it sends. */
  headers?: Record<string, string>;
  /** Share of the mix (default 1). */
  weight?: number;
  /** Which identity it runs as (shown in the report). */
  identity?: string;
}

export interface LoadPlan {
  actions: LoadAction[];
  /** Open model: arrivals per second. Give exactly one of rate and concurrency. */
  rate?: number;
  /** Closed model: concurrent users, each with its own connection. */
  concurrency?: number;
  /** Measured phase, ms. */
  durationMs: number;
  /** Unmeasured phase before it (connections opened, caches and JIT warm), ms. */
  warmupMs?: number;
  /** Hard cap on requests sent, warm-up included. */
  maxRequests?: number;
  /** Per-request deadline (headers and body each), and the grace period at the end, ms. */
  timeoutMs?: number;
  /** Open model: connections per origin (default grows with the rate). */
  connections?: number;
  /** Lifts CONSERVATIVE_MAX_RATE. */
  ownsTarget?: boolean;
  /** Allows methods other than GET and HEAD. */
  allowWrites?: boolean;
  overrides?: ConnectOverride[];
  resolver?: HostResolver;
  ca?: string;
  signal?: AbortSignal;
  /** Keep the overall recorder in the result (benchmarks re-analyse it). */
  keepRecorder?: boolean;
  /** Called about once a second with the running totals. */
  onProgress?: (p: { elapsedMs: number; sent: number; completed: number; errors: number; phase: 'warmup' | 'measure' | 'drain' }) => void;
  /**
   * The run's scope (`api.exclude`, from HttpClient.allows): an action it refuses is a plan error, so
   * the load generator's own sockets obey the same exclude list as every other request.
   */
  allows?: (url: URL, method: string) => boolean;
}

export interface RouteResult {
  name: string;
  method: string;
  identities: string[];
  latency: LatencySummary;
  meanMs: number;
  statusCounts: Record<string, number>;
  /** A few distinct error messages (transport errors and HTTP status lines). */
  errorSamples: string[];
  serverTiming?: Record<string, ServerTimingSummary>;
}

export interface LoadResult {
  model: 'open' | 'closed';
  rate?: number;
  concurrency?: number;
  connections: number;
  startedAt: string;
  warmupMs: number;
  /** Length of the measured window actually run, ms. */
  measuredMs: number;
  /** Requests sent in total (warm-up included) and completed in the measured window. */
  sent: number;
  measured: number;
  errors: number;
  /** Measured completions per second. */
  throughput: number;
  bytes: number;
  overall: LatencySummary & { meanMs: number };
  routes: Record<string, RouteResult>;
  /** Open model: how late the generator itself sent requests (its own health), ms. */
  sendLag?: { p50: number; p99: number; max: number };
  stoppedBy: 'duration' | 'max-requests' | 'aborted';
  /** The overall histogram, only with plan.keepRecorder. */
  recorder?: LatencyRecorder;
  /** Why a number should be read with care (few samples, generator lag, cut-off requests). */
  notes: string[];
}

export class LoadPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoadPlanError';
  }
}

/** Rejects plans that would be unsafe or meaningless; the messages name the flag or key to change. */
export function validatePlan(plan: LoadPlan): void {
  if (plan.actions.length === 0) throw new LoadPlanError('no actions to load: name some with load.actions (e.g. "GET /api/invoices") or --action');
  const hasRate = plan.rate !== undefined;
  const hasConc = plan.concurrency !== undefined;
  if (hasRate === hasConc) throw new LoadPlanError('give exactly one of a rate (--rate, open model) or a concurrency (--concurrency, closed model)');
  if (hasRate && !(plan.rate! > 0 && Number.isFinite(plan.rate!))) throw new LoadPlanError('the rate must be a number of requests per second above 0');
  if (hasConc && !(Number.isInteger(plan.concurrency!) && plan.concurrency! > 0)) throw new LoadPlanError('the concurrency must be a whole number of users above 0');
  if (!(plan.durationMs > 0)) throw new LoadPlanError('the duration must be above 0');
  if (hasRate && plan.rate! > CONSERVATIVE_MAX_RATE && !plan.ownsTarget)
    throw new LoadPlanError(
      `a rate of ${plan.rate} requests/s is above the conservative limit of ${CONSERVATIVE_MAX_RATE}/s: pass ${OWNERSHIP_FLAG} to confirm you own this target (or are allowed to load-test it)`,
    );
  if (hasConc && plan.concurrency! > 1000) throw new LoadPlanError('more than 1000 concurrent users is not supported');
  if (!plan.allowWrites) {
    const write = plan.actions.find((a) => !SAFE_METHODS.has(a.method.toUpperCase()));
    if (write) throw new LoadPlanError(`${write.name} is a write: load runs only GET and HEAD unless you pass --allow-writes`);
  }
  for (const a of plan.actions) {
    if (a.url.protocol !== 'http:' && a.url.protocol !== 'https:') throw new LoadPlanError(`${a.name}: only http(s) URLs can be loaded`);
    if (a.weight !== undefined && !(a.weight > 0)) throw new LoadPlanError(`${a.name}: weight must be above 0`);
    if (plan.allows && !plan.allows(a.url, a.method.toUpperCase())) throw new LoadPlanError(`${a.name}: excluded by api.exclude, so it is never loaded`);
  }
}

/** Connection errors: the request never reached the server, so it has no latency to record. */
const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_TLS_CERT_ALTNAME_INVALID', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN']);

interface RouteState {
  name: string;
  method: string;
  identities: Set<string>;
  rec: LatencyRecorder;
  /** HTTP statuses on the hot path (numbers), merged into statusCounts at the end. */
  statuses: Map<number, number>;
  statusCounts: Record<string, number>;
  errorSamples: Set<string>;
  serverTiming: ServerTimingRecorder;
}

interface Prepared {
  action: LoadAction;
  pool: H1Pool;
  request: H1Request;
  route: RouteState;
}

/** One request in flight: one small object per request instead of a bundle of closures. */
class Exchange implements H1Handler {
  status = 0;
  bytes = 0;
  error: Error | undefined;
  private finished = false;

  constructor(
    readonly p: Prepared,
    readonly origin: number,
    readonly measure: boolean,
    private readonly onFinish: (ex: Exchange) => void,
    private readonly done: (() => void) | undefined,
  ) {}

  onStatus(status: number, serverTiming: string | undefined): void {
    this.status = status;
    if (serverTiming !== undefined && this.measure) this.p.route.serverTiming.record(serverTiming);
  }

  onBody(bytes: number): void {
    this.bytes += bytes;
  }

  onComplete(): void {
    this.end();
  }

  onFail(err: Error): void {
    this.error = err;
    this.end();
  }

  private end(): void {
    if (this.finished) return;
    this.finished = true;
    this.onFinish(this);
    this.done?.();
  }
}

class CutOff extends Error {
  constructor() {
    super('still in flight when the run ended (counted as an error at its elapsed time)');
    this.name = 'CutOff';
  }
}

export async function generateLoad(plan: LoadPlan): Promise<LoadResult> {
  validatePlan(plan);
  const model: 'open' | 'closed' = plan.rate !== undefined ? 'open' : 'closed';
  const timeoutMs = plan.timeoutMs ?? 10_000;
  const warmupMs = plan.warmupMs ?? 0;
  const maxRequests = plan.maxRequests ?? Number.POSITIVE_INFINITY;
  const connections = model === 'closed' ? plan.concurrency! : (plan.connections ?? Math.min(256, Math.max(8, Math.ceil(plan.rate! / 10))));
  const notes: string[] = [];

  const connector = guardedConnector({
    ...(plan.overrides ? { overrides: plan.overrides } : {}),
    ...(plan.resolver ? { resolver: plan.resolver } : {}),
    ...(plan.ca ? { ca: plan.ca } : {}),
    connectTimeoutMs: Math.min(timeoutMs, 5000),
  });
  const pools = new Map<string, H1Pool>();
  const routes = new Map<string, RouteState>();
  const prepared: Prepared[] = plan.actions.map((action) => {
    const origin = action.url.origin;
    let pool = pools.get(origin);
    if (!pool) {
      pool = new H1Pool(action.url, connector, connections, timeoutMs);
      pools.set(origin, pool);
    }
    let route = routes.get(action.name);
    if (!route) {
      route = { name: action.name, method: action.method.toUpperCase(), identities: new Set(), rec: new LatencyRecorder(), statuses: new Map(), statusCounts: {}, errorSamples: new Set(), serverTiming: new ServerTimingRecorder() };
      routes.set(action.name, route);
    }
    if (action.identity) route.identities.add(action.identity);
    return {
      action,
      pool,
      request: serialiseRequest(action.url, action.method.toUpperCase(), { 'user-agent': 'launchready-load', ...(action.headers ?? {}) }),
      route,
    };
  });
  const mix = new WeightedMix(prepared, prepared.map((p) => p.action.weight ?? 1));

  const startedAt = new Date();
  const t0 = performance.now();
  const warmupEnd = t0 + warmupMs;
  const endAt = warmupEnd + plan.durationMs;
  let sent = 0;
  let inFlight = 0;
  let measured = 0;
  let errors = 0;
  let bytes = 0;
  let stoppedBy: LoadResult['stoppedBy'] = 'duration';
  let issuing = true;
  let stopIssuingAt = endAt;
  let aborted = false;
  let cutOff = 0;
  const lag = new LatencyRecorder();

  let resolveDrained: () => void = () => undefined;
  const drained = new Promise<void>((r) => (resolveDrained = r));
  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  const stopIssuing = (why: LoadResult['stoppedBy']): void => {
    if (!issuing) return;
    issuing = false;
    stoppedBy = why;
    stopIssuingAt = Math.min(performance.now(), endAt);
    resolveStopped();
    if (inFlight === 0) resolveDrained();
  };

  const onFinish = (ex: Exchange): void => {
    inFlight -= 1;
    bytes += ex.bytes;
    if (ex.measure) {
      const elapsed = performance.now() - ex.origin;
      const route = ex.p.route;
      const err = ex.error;
      measured += 1;
      if (err === undefined) {
        route.rec.record(elapsed);
        route.statuses.set(ex.status, (route.statuses.get(ex.status) ?? 0) + 1);
        if (ex.status >= 400) {
          errors += 1;
          route.rec.errors += 1;
          if (route.errorSamples.size < 5) route.errorSamples.add(`HTTP ${ex.status}`);
        }
      } else {
        const code = errorCode(err);
        // A request that never reached the server has no latency; one that waited and died does.
        if (!CONNECT_ERRORS.has(code)) route.rec.record(elapsed);
        errors += 1;
        route.rec.errors += 1;
        route.statusCounts[code] = (route.statusCounts[code] ?? 0) + 1;
        if (route.errorSamples.size < 5) route.errorSamples.add(`${code}: ${err.message}`);
      }
    }
    if (ex.error instanceof LoopbackViolation || (ex.error as { cause?: unknown } | undefined)?.cause instanceof LoopbackViolation) {
      // A guard refusal is a configuration problem, not a latency: stop at once.
      notes.push((ex.error instanceof LoopbackViolation ? ex.error : ((ex.error as { cause: Error }).cause)).message);
      stopIssuing('aborted');
    }
    if (inFlight === 0 && !issuing) resolveDrained();
  };

  /** Sends one request; `origin` is when the latency clock starts (intended time or send time). */
  const send = (p: Prepared, origin: number, measure: boolean, done?: () => void): void => {
    sent += 1;
    inFlight += 1;
    const ex = new Exchange(p, origin, measure, onFinish, done);
    p.pool.dispatch(p.request, ex);
  };

  const onAbort = (): void => {
    aborted = true;
    stopIssuing('aborted');
  };
  if (plan.signal?.aborted) onAbort();
  plan.signal?.addEventListener('abort', onAbort, { once: true });

  // Progress, and the duration limit of the closed model (the open schedule checks it itself).
  const progressTimer = setInterval(() => {
    const now = performance.now();
    if (now >= endAt) stopIssuing('duration');
    plan.onProgress?.({ elapsedMs: now - t0, sent, completed: measured, errors, phase: !issuing ? 'drain' : now < warmupEnd ? 'warmup' : 'measure' });
  }, 1000);
  // Timers run on the event loop's cached clock, which can lag performance.now() by however long
  // the current tick has run (setting up TLS contexts, say): a timer set for the whole duration could
  // fire before the last arrivals were due and drop them. It re-arms until the duration has passed.
  let endTimer: NodeJS.Timeout | undefined;
  const armEnd = (): void => {
    const left = endAt - performance.now();
    if (left <= 0) stopIssuing('duration');
    else endTimer = setTimeout(armEnd, Math.ceil(left));
  };
  armEnd();

  if (model === 'open') {
    const interval = 1000 / plan.rate!;
    let i = 0;
    const tick = (): void => {
      if (!issuing) return;
      const now = performance.now();
      for (;;) {
        const intended = t0 + i * interval;
        if (intended > now) break;
        if (intended >= endAt) return stopIssuing('duration');
        if (sent >= maxRequests) return stopIssuing('max-requests');
        i += 1;
        const isMeasured = intended >= warmupEnd;
        if (isMeasured) lag.record(now - intended);
        send(mix.next(), intended, isMeasured);
      }
      const wait = t0 + i * interval - performance.now();
      setTimeout(tick, Math.max(0, wait));
    };
    tick();
  } else {
    // Without the ownership flag the closed model is paced to the conservative ceiling too.
    const minGap = plan.ownsTarget ? 0 : 1000 / CONSERVATIVE_MAX_RATE;
    let nextSlot = t0;
    const user = (): void => {
      if (!issuing) return;
      if (sent >= maxRequests) return stopIssuing('max-requests');
      const now = performance.now();
      if (now >= endAt) return stopIssuing('duration');
      if (minGap > 0) {
        const at = Math.max(now, nextSlot);
        nextSlot = at + minGap;
        if (at - now > 0.5) {
          setTimeout(() => {
            if (!issuing) return;
            const sendAt = performance.now();
            send(mix.next(), sendAt, sendAt >= warmupEnd, user);
          }, at - now);
          return;
        }
      }
      send(mix.next(), now, now >= warmupEnd, () => {
        // Completion callbacks run inside undici's parser: start the next request on a fresh tick
        // only every so often, to keep the stack flat without paying a tick per request.
        if (sent % 64 === 0) setImmediate(user);
        else user();
      });
    };
    for (let u = 0; u < plan.concurrency!; u++) user();
  }

  await stopped;
  clearTimeout(endTimer);
  // In-flight requests get one timeout to finish; after that they are cut off and counted as errors
  // at their elapsed time (a stall at the very end still shows).
  const graceOver = await Promise.race([drained.then(() => false), sleep(aborted ? 0 : timeoutMs).then(() => true)]);
  if (graceOver && inFlight > 0) {
    cutOff = inFlight;
    for (const p of pools.values()) p.destroy(new CutOff());
    await Promise.race([drained, sleep(1000)]);
  }
  clearInterval(progressTimer);
  plan.signal?.removeEventListener('abort', onAbort);
  for (const p of pools.values()) p.close();

  const measuredMs = Math.max(1, stopIssuingAt - warmupEnd);
  // The overall distribution is the sum of the routes' (one record per request on the hot path).
  const overall = new LatencyRecorder();
  for (const r of routes.values()) {
    overall.add(r.rec);
    for (const [status, n] of r.statuses) r.statusCounts[String(status)] = (r.statusCounts[String(status)] ?? 0) + n;
  }
  if (cutOff > 0) notes.push(aborted ? `${cutOff} requests in flight were cut off by the interruption` : `${cutOff} requests were still in flight ${timeoutMs} ms after the run ended and were counted as errors`);
  if (model === 'closed' && !plan.ownsTarget) notes.push(`the ${plan.concurrency} users were paced to at most ${CONSERVATIVE_MAX_RATE} requests/s in total (pass ${OWNERSHIP_FLAG} to let them run flat out)`);
  if (model === 'open' && lag.count > 0 && lag.percentile(99) > Math.max(10, 1000 / plan.rate!)) {
    notes.push(`the generator itself sent 1% of requests more than ${round(lag.percentile(99))} ms late (a busy machine); those delays are included in the latencies`);
  }
  const result: LoadResult = {
    model,
    ...(model === 'open' ? { rate: plan.rate! } : { concurrency: plan.concurrency! }),
    connections,
    startedAt: startedAt.toISOString(),
    warmupMs,
    measuredMs: round(measuredMs),
    sent,
    measured,
    errors,
    throughput: round((measured * 1000) / measuredMs),
    bytes,
    overall: { ...overall.summary(), meanMs: round(overall.meanMs) },
    routes: Object.fromEntries(
      [...routes.values()].map((r) => [
        r.name,
        {
          name: r.name,
          method: r.method,
          identities: [...r.identities],
          latency: r.rec.summary(),
          meanMs: round(r.rec.meanMs),
          statusCounts: r.statusCounts,
          errorSamples: [...r.errorSamples],
          ...(r.serverTiming.size ? { serverTiming: r.serverTiming.summary() } : {}),
        },
      ]),
    ),
    ...(model === 'open' ? { sendLag: { p50: round(lag.percentile(50)), p99: round(lag.percentile(99)), max: round(lag.maxMs) } } : {}),
    stoppedBy: aborted ? 'aborted' : stoppedBy,
    ...(plan.keepRecorder ? { recorder: overall } : {}),
    notes,
  };
  return result;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

function errorCode(err: Error): string {
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  if (err instanceof CutOff) return 'CUT_OFF';
  if (e.name === 'LoopbackViolation') return 'LOOPBACK_GUARD';
  return e.code ?? e.cause?.code ?? e.name ?? 'ERROR';
}
