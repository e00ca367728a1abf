import type { Area } from '../model/area.js';
import type { HttpExchange } from './http.js';

/**
 * The target health guard. The run keeps an eye on the target: a cheap baseline request (the
 * health endpoint or the landing page) is timed at the start, and every request to the target is
 * watched for the signs of a server in trouble — a timeout, a refused or dropped connection, a
 * gateway error, a latency far above the baseline. On such a sign the guard holds all traffic to
 * the target and re-checks the baseline: when the baseline is fine the slowness belonged to that
 * one request (the probe judges it); when the baseline is slow or failing too, the request that
 * preceded the trouble took the target down — a denial-of-service event — and the guard waits and
 * re-checks with back-off. A target that comes back is noted and the run goes on (the probe family
 * that caused it stops escalating); a target that stays down stops the run: every later request
 * fails with `TargetDown`, and the run is incomplete "after request N".
 */

export type Symptom = 'timeout' | 'refused' | 'reset' | 'unavailable' | 'latency' | 'error';

export interface HealthSettings {
  /** A response slower than max(factor × baseline median, baseline median + floor) is a latency jump. */
  latencyFactor: number;
  latencyFloorMs: number;
  /** Waits before each re-check after the first (immediate) one, ms; after the last one the target is down. */
  recheckDelaysMs: number[];
  /** Deadline of one baseline request, ms. */
  probeTimeoutMs: number;
  /** Baseline requests at calibration. */
  calibrationSamples: number;
}

export const DEFAULT_HEALTH_SETTINGS: HealthSettings = {
  latencyFactor: 8,
  latencyFloorMs: 1000,
  recheckDelaysMs: [500, 1500, 3000, 5000],
  probeTimeoutMs: 3000,
  calibrationSamples: 3,
};

export interface ProbeResult {
  /** A response arrived (any status below 500, or the status the baseline had). */
  answered: boolean;
  status?: number;
  ms: number;
  code?: string;
  message?: string;
}

export interface Recheck {
  /** ms since the symptom was seen. */
  atMs: number;
  healthy: boolean;
  status?: number;
  ms: number;
  code?: string;
}

export interface HealthEvent {
  /** The run's request number (budget counter) of the request that preceded the trouble. */
  afterRequest: number;
  /** That request and what it got. */
  suspect: HttpExchange;
  /** What was seen on the request that showed the trouble (may be a later one than the suspect). */
  symptom: Symptom;
  symptomDetail: string;
  /** The request number that showed the symptom. */
  seenOnRequest: number;
  area?: Area;
  rechecks: Recheck[];
  recovered: boolean;
  /** The run ended (deadline, Ctrl-C) while the guard was still waiting for the target. */
  interrupted?: boolean;
  /** How long the target did not answer normally: until the first healthy re-check, or until the guard gave up. */
  outageMs: number;
}

/** What the guard says about one exchange (set on `exchange.health`). */
export interface ExchangeHealth {
  symptom: Symptom;
  /** The baseline was fine right after: the trouble was this request's own. */
  targetHealthy: boolean;
  /** Set when this request caused (or showed) a denial-of-service event. */
  event?: HealthEvent;
}

export class TargetDown extends Error {
  constructor(public readonly afterRequest: number) {
    super(`the target stopped answering after request ${afterRequest}`);
    this.name = 'TargetDown';
  }
}

export type BaselineProbe = (url: URL, timeoutMs: number) => Promise<ProbeResult>;

export function symptomOf(ex: HttpExchange, jumpMs: number | undefined, baselineStatus?: number): { symptom: Symptom; detail: string } | undefined {
  if (ex.error) {
    const code = ex.error.code;
    if (code === 'TIMEOUT' || /TIMEOUT/.test(code)) return { symptom: 'timeout', detail: ex.error.message };
    if (code === 'ECONNREFUSED') return { symptom: 'refused', detail: 'connection refused' };
    if (/ECONNRESET|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED|SocketError|ECONNABORTED/.test(code)) return { symptom: 'reset', detail: `connection dropped (${code})` };
    return { symptom: 'error', detail: `${code}: ${ex.error.message}` };
  }
  const r = ex.response;
  if (r && (r.status === 502 || r.status === 503 || r.status === 504) && baselineStatus !== r.status) return { symptom: 'unavailable', detail: `HTTP ${r.status}` };
  if (jumpMs !== undefined && ex.timing.totalMs > jumpMs) return { symptom: 'latency', detail: `${Math.round(ex.timing.totalMs)} ms` };
  return undefined;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export class TargetHealth {
  readonly settings: HealthSettings;
  baseline?: { status: number; samplesMs: number[]; medianMs: number };
  readonly events: HealthEvent[] = [];
  /** Set when the target stopped answering for good. */
  down?: HealthEvent;
  private checking?: Promise<ExchangeHealth>;
  private readonly controller = new AbortController();
  private lastGood?: { seq: number; exchange: HttpExchange };
  private readonly downListeners: Array<(e: HealthEvent) => void> = [];
  private runSignal?: AbortSignal;

  constructor(
    readonly origin: string,
    readonly baselineUrl: URL,
    private readonly probe: BaselineProbe,
    settings: Partial<HealthSettings> = {},
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void> = defaultSleep,
  ) {
    this.settings = { ...DEFAULT_HEALTH_SETTINGS, ...settings };
  }

  /** Aborted when the target is declared down: in-flight requests end at once. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  onDown(listener: (e: HealthEvent) => void): void {
    this.downListeners.push(listener);
  }

  /** The run's own end (deadline, Ctrl-C): the guard stops waiting for the target then. */
  stopOn(signal: AbortSignal): void {
    this.runSignal = signal;
  }

  /** A latency above this is a jump (undefined until calibrated). */
  get jumpMs(): number | undefined {
    if (!this.baseline) return undefined;
    const b = this.baseline.medianMs;
    return Math.max(b * this.settings.latencyFactor, b + this.settings.latencyFloorMs);
  }

  /** Times the baseline request a few times. A target that does not answer stays uncalibrated (the start-of-run checks report that). */
  async calibrate(signal?: AbortSignal): Promise<void> {
    const samples: number[] = [];
    let status: number | undefined;
    for (let i = 0; i < this.settings.calibrationSamples; i++) {
      if (signal?.aborted) return;
      const r = await this.probe(this.baselineUrl, this.settings.probeTimeoutMs);
      if (!r.answered || r.status === undefined) return;
      status ??= r.status;
      samples.push(r.ms);
    }
    if (samples.length && status !== undefined) this.baseline = { status, samplesMs: samples, medianMs: median(samples) };
  }

  /** Requests to the target wait while a re-check runs, so a struggling server gets room to recover. */
  async gate(): Promise<void> {
    while (this.checking) await this.checking.catch(() => undefined);
    if (this.down) throw new TargetDown(this.down.afterRequest);
  }

  /** Called by the HTTP client after each request to the target. */
  async observe(ex: HttpExchange, seq: number, area?: Area): Promise<ExchangeHealth | undefined> {
    if (this.down) return undefined;
    const s = symptomOf(ex, this.jumpMs, this.baseline?.status);
    if (!s) {
      if (!this.lastGood || this.lastGood.seq < seq) this.lastGood = { seq, exchange: ex };
      return undefined;
    }
    // The guard has an opinion only about a target that answered at least once.
    if (!this.baseline && !this.lastGood) return undefined;
    if (this.checking) {
      const shared = await this.checking.catch(() => undefined);
      return shared ? { symptom: s.symptom, targetHealthy: shared.targetHealthy } : undefined;
    }
    const p = this.recheck(ex, seq, s, area);
    this.checking = p;
    try {
      return await p;
    } finally {
      this.checking = undefined;
    }
  }

  private healthyProbe(r: ProbeResult): boolean {
    if (!r.answered) return false;
    const jump = this.jumpMs;
    return jump === undefined || r.ms <= jump;
  }

  private async recheck(ex: HttpExchange, seq: number, s: { symptom: Symptom; detail: string }, area?: Area): Promise<ExchangeHealth> {
    const t0 = performance.now();
    const rechecks: Recheck[] = [];
    const once = async (): Promise<boolean> => {
      const r = await this.probe(this.baselineUrl, this.settings.probeTimeoutMs);
      const healthy = this.healthyProbe(r);
      rechecks.push({ atMs: Math.round(performance.now() - t0), healthy, ms: Math.round(r.ms), ...(r.status !== undefined ? { status: r.status } : {}), ...(r.code ? { code: r.code } : {}) });
      return healthy;
    };
    if (await once()) return { symptom: s.symptom, targetHealthy: true };
    // A refused connection never reached the server: the request before it is the suspect.
    const suspect = s.symptom === 'refused' && this.lastGood ? this.lastGood : { seq, exchange: ex };
    const event: HealthEvent = {
      afterRequest: suspect.seq,
      suspect: suspect.exchange,
      symptom: s.symptom,
      symptomDetail: s.detail,
      seenOnRequest: seq,
      ...(area ? { area } : {}),
      rechecks,
      recovered: false,
      outageMs: 0,
    };
    this.events.push(event);
    for (const wait of this.settings.recheckDelaysMs) {
      await this.sleep(wait, this.runSignal);
      if (this.runSignal?.aborted) {
        // The run is over: the outage is reported as seen so far, without calling the target down.
        event.interrupted = true;
        event.outageMs = Math.round(performance.now() - t0);
        return { symptom: s.symptom, targetHealthy: false, event };
      }
      if (await once()) {
        event.recovered = true;
        event.outageMs = rechecks[rechecks.length - 1]!.atMs;
        return { symptom: s.symptom, targetHealthy: false, event };
      }
    }
    event.outageMs = Math.round(performance.now() - t0);
    this.down = event;
    this.controller.abort(new TargetDown(event.afterRequest));
    for (const l of this.downListeners) l(event);
    return { symptom: s.symptom, targetHealthy: false, event };
  }
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
