import { lookup as systemLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { Agent, buildConnector, request as undiciRequest, type Dispatcher } from 'undici';
import type { Area } from '../model/area.js';
import { assertLoopbackAllowed, isLoopbackAddress, LoopbackViolation, loopbackOnly } from './loopback-guard.js';
import { applyOverrides, type ConnectOverride } from './overrides.js';
import { isSecretHeader, redactHeaderValue, redactText } from './redact.js';
import { excludedBy, ExcludedRequest } from './exclude.js';
import { TargetDown, TargetHealth, type ExchangeHealth, type HealthSettings, type ProbeResult } from './target-health.js';

/**
 * The one HTTP layer every probe uses. It enforces the run's traffic budget and rate, per-request
 * deadlines and a body cap, records redirects instead of following them blindly, keeps credentials
 * inside the configured origins, applies --resolve/--connect-to/--dns, refuses non-loopback
 * destinations under the loopback guard, and renders redacted evidence.
 */

export interface HostResolver {
  lookup(host: string): Promise<Array<{ address: string; family: 4 | 6 }>>;
}

export interface HttpClientOptions {
  /** Hard cap on requests sent in the whole run (redirect hops count). */
  maxRequests: number;
  /** Requests per second across the run. */
  rate: number;
  /** Whole-request deadline (connect + headers + body), ms. */
  timeoutMs: number;
  /** Bodies are read up to this many bytes; the rest is dropped and the response marked truncated. */
  maxBodyBytes: number;
  connectTimeoutMs?: number;
  overrides?: ConnectOverride[];
  resolver?: HostResolver;
  /** Extra CA certificates (PEM) to trust, from --ca. */
  ca?: string;
  /** Origins (scheme://host:port) credentials may be sent to. */
  scope?: string[];
  userAgent?: string;
  /** Aborts every request in flight (Ctrl-C, run deadline). */
  signal?: AbortSignal;
  /** Called after each request is counted (progress display). */
  onRequest?: (total: number) => void;
  /**
   * `api.exclude`: requests to an in-scope origin whose method and path match are refused
   * (ExcludedRequest) before they are counted or sent, whichever component builds them.
   */
  exclude?: readonly string[];
  /**
   * Exact reads that stay allowed although an exclude pattern covers them: the test mailbox the
   * config names under `endpoints.mailbox` is where launchready reads its own reset and invite
   * emails, not part of the product it probes (one GET path, never a pattern).
   */
  excludeExempt?: ReadonlyArray<{ method: string; path: string }>;
}

export interface HttpRequest {
  method?: string;
  url: string | URL;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Serialised as JSON with a content-type. */
  json?: unknown;
  /** Serialised as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /**
   * The request carries credentials (an identity's token or cookie). The scope guard refuses to
   * send it outside the configured origins, and credentials are stripped on cross-origin redirects.
   */
  credentialed?: boolean;
  /** Which identity made it (evidence and the access matrix). */
  identity?: string;
  /** Which area it is spent on (stats). */
  area?: Area;
  timeoutMs?: number;
  maxBodyBytes?: number;
  /** Follow up to N redirects, recording each hop (default 0: the redirect is the response). */
  followRedirects?: number;
  /** A JavaScript expression that prints the body, for reproducing bodies too large to paste (curl uses it). */
  bodyExpr?: string;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", " (Set-Cookie is in `setCookies`). */
  headers: Record<string, string>;
  setCookies: string[];
  body: Buffer;
  truncated: boolean;
  text(): string;
  /** Parsed JSON or undefined when the body is not JSON. */
  json(): unknown;
}

export interface RedirectHop {
  status: number;
  url: string;
  location: string;
}

export interface HttpExchange {
  request: { method: string; url: string; headers: Record<string, string>; body?: string; identity?: string; bodyExpr?: string };
  /** The run's request number of this request (the budget counter when it was sent). */
  seq?: number;
  /** What the target health guard saw on this request (only when something was wrong). */
  health?: ExchangeHealth;
  response?: HttpResponse;
  /** Hops before the final response, in order. */
  redirects: RedirectHop[];
  timing: { startedAt: number; ttfbMs: number; totalMs: number };
  /** Set when no complete response arrived (timeout, reset, refused, body too slow). */
  error?: { code: string; message: string };
}

/** The run's request budget is spent: callers stop; the run is reported incomplete. */
export class BudgetExhausted extends Error {
  constructor(public readonly limit: number) {
    super(`the request budget of ${limit} requests is spent`);
    this.name = 'BudgetExhausted';
  }
}

/** A bug guard: code tried to send credentials outside the configured origins. */
export class ScopeViolation extends Error {
  constructor(url: string) {
    super(`refused to send credentials to ${url}: not one of the configured origins`);
    this.name = 'ScopeViolation';
  }
}

/** The run found the target unusable (unreachable, hanging, over-size answers): no more traffic goes to it. */
export class TargetUnusable extends Error {
  constructor(
    public readonly origin: string,
    public readonly reason: string,
  ) {
    super(`not sent: the target ${origin} could not be tested (${reason})`);
    this.name = 'TargetUnusable';
  }
}

export class RunAborted extends Error {
  constructor() {
    super('the run was interrupted');
    this.name = 'RunAborted';
  }
}

export interface HttpStats {
  requests: number;
  bytes: number;
  byArea: Partial<Record<Area, number>>;
}

export function originOf(url: string | URL): string {
  return new URL(url).origin;
}

/**
 * A connector that applies --resolve / --connect-to, resolves names with the configured resolver and
 * enforces the loopback guard on the address actually dialled. Exported for the load generator,
 * which needs its own pools but the same rules.
 */
export function guardedConnector(opts: {
  overrides?: ConnectOverride[];
  resolver?: HostResolver;
  ca?: string;
  connectTimeoutMs?: number;
  rejectUnauthorized?: boolean;
}): buildConnector.connector {
  const base = buildConnector({
    timeout: opts.connectTimeoutMs ?? 5000,
    // --ca adds to the trusted roots; it must not replace them, or every public site would fail.
    ...(opts.ca ? { ca: [...rootCertificates, opts.ca] } : {}),
    ...(opts.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
  });
  return (connectOpts, callback) => {
    const defaultPort = connectOpts.protocol === 'https:' ? 443 : 80;
    const port = Number(connectOpts.port) || defaultPort;
    const originalHost = connectOpts.hostname.replace(/^\[|\]$/g, '');
    const target = applyOverrides(opts.overrides ?? [], originalHost, port);
    const servername = connectOpts.servername ?? (isIP(originalHost) ? undefined : originalHost);
    const dial = (address: string): void => {
      try {
        if (loopbackOnly() && !isLoopbackAddress(address)) throw new LoopbackViolation(`${originalHost} (${address})`);
      } catch (err) {
        callback(err as Error, null);
        return;
      }
      base({ ...connectOpts, hostname: address, host: address, port: String(target.port), ...(servername ? { servername } : {}) }, callback);
    };
    if (isIP(target.host)) {
      dial(target.host);
      return;
    }
    const resolve = opts.resolver
      ? opts.resolver.lookup(target.host)
      : systemLookup(target.host, { all: true }).then((list) => list.map((a) => ({ address: a.address, family: a.family as 4 | 6 })));
    resolve.then(
      (addresses) => {
        const first = addresses[0];
        if (!first) callback(Object.assign(new Error(`${target.host} has no address`), { code: 'ENOTFOUND' }), null);
        else dial(first.address);
      },
      (err: Error) => callback(err, null),
    );
  };
}

export class HttpClient {
  readonly stats: HttpStats = { requests: 0, bytes: 0, byArea: {} };
  private readonly secrets = new Set<string>();
  private readonly dispatcher: Dispatcher;
  private nextSlot = 0;
  private readonly scope: Set<string>;
  private readonly observers = new Set<(url: URL) => void>();
  private readonly blocked = new Map<string, string>();
  private guard?: TargetHealth;

  constructor(private readonly options: HttpClientOptions) {
    this.scope = new Set((options.scope ?? []).map((o) => originOf(o)));
    this.dispatcher = new Agent({
      connections: 16,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: guardedConnector({
        ...(options.overrides ? { overrides: options.overrides } : {}),
        ...(options.resolver ? { resolver: options.resolver } : {}),
        ...(options.ca ? { ca: options.ca } : {}),
        connectTimeoutMs: options.connectTimeoutMs ?? Math.min(options.timeoutMs, 5000),
      }),
    });
  }

  get maxRequests(): number {
    return this.options.maxRequests;
  }

  get remaining(): number {
    return Math.max(0, this.options.maxRequests - this.stats.requests);
  }

  /**
   * Takes up to `count` requests from the run's budget for a probe that sends them through its own
   * sockets (the load generator, the browser). They count as spent until `settle` returns the unsent.
   */
  reserve(count: number): number {
    const granted = Math.max(0, Math.min(Math.floor(count), this.remaining));
    this.stats.requests += granted;
    if (granted > 0) this.options.onRequest?.(this.stats.requests);
    return granted;
  }

  /** Closes a reservation: gives back what was not sent and records what was. */
  settle(reserved: number, sent: number, bytes: number, area?: Area): void {
    const used = Math.min(reserved, Math.max(0, sent));
    this.stats.requests -= reserved - used;
    this.stats.bytes += bytes;
    if (area) this.stats.byArea[area] = (this.stats.byArea[area] ?? 0) + used;
  }

  /** Values that must never appear in evidence (tokens, passwords, cookies of identities). */
  registerSecret(value: string | undefined): void {
    if (value && value.length >= 6) this.secrets.add(value);
  }

  get knownSecrets(): ReadonlySet<string> {
    return this.secrets;
  }

  /** Calls `fn` with the URL of every request about to be sent (or refused); returns the unsubscribe. */
  observe(fn: (url: URL) => void): () => void {
    this.observers.add(fn);
    return () => this.observers.delete(fn);
  }

  /** Refuses every later request to `origin` with TargetUnusable(reason): an unusable target gets no more traffic. */
  blockOrigin(origin: string, reason: string): void {
    this.blocked.set(originOf(origin), reason);
  }

  addScope(origin: string): void {
    this.scope.add(originOf(origin));
  }

  inScope(url: string | URL): boolean {
    return this.scope.has(originOf(url));
  }

  /** Whether `api.exclude` lets this request go out (requests to other origins are not the API's). */
  allows(url: string | URL, method = 'GET'): boolean {
    return this.excludedBy(url, method) === undefined;
  }

  private excludedBy(url: string | URL, method: string): string | undefined {
    const ex = this.options.exclude;
    if (!ex?.length) return undefined;
    const u = new URL(url);
    if (!this.scope.has(u.origin)) return undefined;
    if (this.options.excludeExempt?.some((e) => e.method === method.toUpperCase() && e.path === u.pathname)) return undefined;
    let path = u.pathname;
    try {
      path = decodeURI(path);
    } catch {
      /* a malformed escape stays as sent */
    }
    return excludedBy({ method: method.toUpperCase(), path }, ex) ?? (path !== u.pathname ? excludedBy({ method: method.toUpperCase(), path: u.pathname }, ex) : undefined);
  }

  /** The health guard of this run, once `watchTarget` was called. */
  get health(): TargetHealth | undefined {
    return this.guard;
  }

  /**
   * Starts watching the target: requests to `baselineUrl`'s origin are observed, and a target that
   * stops answering makes every later request fail with TargetDown. Returns the guard (calibrate it).
   */
  watchTarget(baselineUrl: URL, settings: Partial<HealthSettings> = {}): TargetHealth {
    this.guard = new TargetHealth(baselineUrl.origin, baselineUrl, (url, timeoutMs) => this.baselineProbe(url, timeoutMs), {
      probeTimeoutMs: Math.min(this.options.timeoutMs, 3000),
      ...settings,
    });
    return this.guard;
  }

  /** One baseline request for the guard: counted in the budget, never observed itself. */
  private async baselineProbe(url: URL, timeoutMs: number): Promise<ProbeResult> {
    try {
      await this.takeSlot(this.options.signal);
    } catch (err) {
      // No budget left to look: the guard cannot tell, so it must not call the target down.
      if (err instanceof BudgetExhausted) return { answered: true, ms: 0 };
      throw err;
    }
    const t0 = performance.now();
    const headers = { 'user-agent': this.options.userAgent ?? 'launchready', accept: 'text/html,application/json;q=0.9,*/*;q=0.8' };
    const result = await this.send('GET', url, headers, undefined, { url, timeoutMs, maxBodyBytes: 64 * 1024 }, t0, false);
    const ms = performance.now() - t0;
    if ('error' in result) return { answered: false, ms, code: result.error.code, message: result.error.message };
    const status = result.response.status;
    const baseline = this.guard?.baseline?.status;
    return { answered: status < 500 || status === baseline, status, ms };
  }

  async close(): Promise<void> {
    await this.dispatcher.close().catch(() => undefined);
  }

  private async takeSlot(signal: AbortSignal | undefined): Promise<void> {
    if (this.stats.requests >= this.options.maxRequests) throw new BudgetExhausted(this.options.maxRequests);
    this.stats.requests += 1;
    this.options.onRequest?.(this.stats.requests);
    const interval = 1000 / this.options.rate;
    const now = Date.now();
    const at = Math.max(now, this.nextSlot);
    this.nextSlot = at + interval;
    const wait = at - now;
    if (wait > 0) {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, wait);
        const onAbort = (): void => {
          clearTimeout(t);
          reject(new RunAborted());
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
  }

  async request(req: HttpRequest): Promise<HttpExchange> {
    const method = (req.method ?? 'GET').toUpperCase();
    let url = new URL(req.url);
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent ?? 'launchready', ...lowerKeys(req.headers ?? {}) };
    let body: string | Buffer | undefined = req.body;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] ??= 'application/json';
    } else if (req.form) {
      body = new URLSearchParams(req.form).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    }
    if (req.credentialed && !this.inScope(url)) throw new ScopeViolation(url.href);
    for (const fn of this.observers) fn(url);
    const unusable = this.blocked.get(url.origin);
    if (unusable !== undefined) throw new TargetUnusable(url.origin, unusable);
    const excluded = this.excludedBy(url, method);
    if (excluded !== undefined) throw new ExcludedRequest(url.href, method, excluded);

    const startedAt = Date.now();
    // The clock starts when the request may leave (after the rate limiter), so pacing is never latency.
    let t0 = performance.now();
    const redirects: RedirectHop[] = [];
    const exchange: HttpExchange = {
      request: {
        method,
        url: url.href,
        headers: { ...headers },
        ...(body !== undefined ? { body: body.toString() } : {}),
        ...(req.identity ? { identity: req.identity } : {}),
        ...(req.bodyExpr ? { bodyExpr: req.bodyExpr } : {}),
      },
      redirects,
      timing: { startedAt, ttfbMs: 0, totalMs: 0 },
    };
    const maxHops = req.followRedirects ?? 0;
    let hopMethod = method;
    let hopBody = body;
    let hopHeaders = headers;
    const guard = this.guard;
    const watched = guard !== undefined && url.origin === guard.origin;
    const finish = async (): Promise<HttpExchange> => {
      if (!watched || exchange.seq === undefined) return exchange;
      const h = await guard.observe(exchange, exchange.seq, req.area);
      if (h) exchange.health = h;
      return exchange;
    };
    for (let hop = 0; ; hop++) {
      if (this.options.signal?.aborted) throw new RunAborted();
      if (guard && new URL(url).origin === guard.origin) await guard.gate();
      await this.takeSlot(this.options.signal);
      if (hop === 0) {
        t0 = performance.now();
        exchange.timing.startedAt = Date.now();
        exchange.seq = this.stats.requests;
      }
      if (req.area) this.stats.byArea[req.area] = (this.stats.byArea[req.area] ?? 0) + 1;
      const result = await this.send(hopMethod, url, hopHeaders, hopBody, req, t0, true);
      if ('error' in result) {
        exchange.error = result.error;
        exchange.timing.totalMs = performance.now() - t0;
        return finish();
      }
      const response = result.response;
      if (hop === 0) exchange.timing.ttfbMs = result.ttfbMs;
      const location = response.headers['location'];
      const nextUrl = location ? new URL(location, url) : undefined;
      if (hop < maxHops && response.status >= 300 && response.status < 400 && nextUrl && this.excludedBy(nextUrl, hopMethod) === undefined) {
        const next = nextUrl;
        redirects.push({ status: response.status, url: url.href, location: next.href });
        if (next.origin !== url.origin) {
          // Credentials never follow a redirect to another origin.
          hopHeaders = Object.fromEntries(Object.entries(hopHeaders).filter(([k]) => k !== 'authorization' && k !== 'cookie' && !isSecretHeader(k)));
        }
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && hopMethod === 'POST')) {
          hopMethod = 'GET';
          hopBody = undefined;
          delete hopHeaders['content-type'];
        }
        url = next;
        continue;
      }
      exchange.response = response;
      exchange.timing.totalMs = performance.now() - t0;
      return finish();
    }
  }

  private async send(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: string | Buffer | undefined,
    req: HttpRequest,
    t0: number,
    guarded: boolean,
  ): Promise<{ response: HttpResponse; ttfbMs: number } | { error: { code: string; message: string } }> {
    const timeoutMs = req.timeoutMs ?? this.options.timeoutMs;
    const maxBody = req.maxBodyBytes ?? this.options.maxBodyBytes;
    const deadline = AbortSignal.timeout(timeoutMs);
    const down = guarded && this.guard && url.origin === this.guard.origin ? this.guard.signal : undefined;
    const signals = [deadline, ...(this.options.signal ? [this.options.signal] : []), ...(down ? [down] : [])];
    const signal = signals.length > 1 ? AbortSignal.any(signals) : deadline;
    try {
      const res = await undiciRequest(url, {
        method: method as Dispatcher.HttpMethod,
        headers,
        ...(body !== undefined ? { body } : {}),
        dispatcher: this.dispatcher,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const ttfbMs = performance.now() - t0;
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        const remaining = maxBody - size;
        if (chunk.length > remaining) {
          if (remaining > 0) chunks.push(chunk.subarray(0, remaining));
          size += Math.max(0, remaining);
          truncated = true;
          res.body.destroy();
          break;
        }
        chunks.push(chunk);
        size += chunk.length;
      }
      this.stats.bytes += size;
      const buf = Buffer.concat(chunks);
      const { headers: flat, setCookies } = flattenHeaders(res.headers);
      return { response: makeResponse(res.statusCode, flat, setCookies, buf, truncated), ttfbMs };
    } catch (err) {
      if (this.options.signal?.aborted) throw new RunAborted();
      if (down?.aborted && this.guard?.down) throw new TargetDown(this.guard.down.afterRequest);
      if (err instanceof LoopbackViolation) throw err;
      const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
      const inner = (e.cause ?? e) as NodeJS.ErrnoException;
      if (inner instanceof LoopbackViolation) throw inner;
      const code = deadline.aborted ? 'TIMEOUT' : (inner.code ?? e.code ?? e.name ?? 'ERROR');
      const message = deadline.aborted ? `no complete response within ${timeoutMs} ms` : inner.message || e.message;
      return { error: { code, message } };
    }
  }

  /** The request as evidence: method, URL and headers with secrets redacted. */
  formatRequest(exchange: HttpExchange, bodyLimit = 400): string {
    const u = new URL(exchange.request.url);
    const lines = [`${exchange.request.method} ${redactText(u.pathname + u.search, this.secrets)}`, `Host: ${u.host}`];
    for (const [k, v] of Object.entries(exchange.request.headers)) {
      if (k === 'user-agent') continue;
      lines.push(`${k}: ${isSecretHeader(k) ? redactHeaderValue(k, v) : redactText(v, this.secrets)}`);
    }
    if (exchange.request.body) lines.push('', excerpt(redactText(exchange.request.body, this.secrets), bodyLimit));
    return lines.join('\n');
  }

  /** The response as evidence: redirects, status, headers and a body excerpt, secrets redacted. */
  formatResponse(exchange: HttpExchange, bodyLimit = 600, headerFilter?: (name: string) => boolean): string {
    const lines: string[] = [];
    for (const hop of exchange.redirects) lines.push(`${hop.status} → ${hop.location}`);
    if (exchange.error) {
      lines.push(`(no response: ${exchange.error.code} — ${exchange.error.message})`);
      return lines.join('\n');
    }
    const r = exchange.response!;
    lines.push(`HTTP ${r.status}`);
    for (const [k, v] of Object.entries(r.headers)) {
      if (headerFilter && !headerFilter(k)) continue;
      lines.push(`${k}: ${isSecretHeader(k) ? redactHeaderValue(k, v) : redactText(v, this.secrets)}`);
    }
    for (const c of r.setCookies) if (!headerFilter || headerFilter('set-cookie')) lines.push(`set-cookie: ${redactHeaderValue('set-cookie', c)}`);
    const text = r.text();
    if (text) lines.push('', excerpt(redactText(text, this.secrets), bodyLimit) + (r.truncated ? '\n[body truncated at the size cap]' : ''));
    return lines.join('\n');
  }

  /** A curl command that reproduces the request; credentials become shell variables the user fills in. */
  curlFor(exchange: HttpExchange): string {
    const parts = ['curl', '-i', '-X', exchange.request.method];
    for (const [k, v] of Object.entries(exchange.request.headers)) {
      if (k === 'user-agent' || k === 'content-length') continue;
      if (!isSecretHeader(k)) {
        parts.push('-H', shellQuote(`${k}: ${v}`));
        continue;
      }
      let header: string;
      if (k === 'authorization') header = `authorization: ${v.split(/\s+/)[0]} $TOKEN`;
      else if (k === 'cookie') header = `cookie: ${v.split(/;\s*/).map((pair) => { const name = pair.split('=')[0] ?? ''; return `${name}=$${envName(name)}`; }).join('; ')}`;
      else header = `${k}: $${envName(k)}`;
      parts.push('-H', `"${header.replace(/["\\`]/g, '\\$&')}"`);
    }
    if (exchange.request.bodyExpr) parts.push('--data-binary', `"$(node -e ${shellQuote(`process.stdout.write(${exchange.request.bodyExpr})`)})"`);
    else if (exchange.request.body) parts.push('--data-raw', shellQuote(redactText(exchange.request.body, this.secrets)));
    parts.push(shellQuote(redactText(exchange.request.url, this.secrets)));
    return parts.join(' ');
  }
}

function envName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_') || 'VALUE';
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): { headers: Record<string, string>; setCookies: string[] } {
  const headers: Record<string, string> = {};
  let setCookies: string[] = [];
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    const name = k.toLowerCase();
    if (name === 'set-cookie') setCookies = Array.isArray(v) ? v : [v];
    else headers[name] = Array.isArray(v) ? v.join(', ') : v;
  }
  return { headers, setCookies };
}

export function makeResponse(status: number, headers: Record<string, string>, setCookies: string[], body: Buffer, truncated = false): HttpResponse {
  let parsed: { value: unknown } | undefined;
  return {
    status,
    headers,
    setCookies,
    body,
    truncated,
    text: () => body.toString('utf8'),
    json: () => {
      if (!parsed) {
        try {
          parsed = { value: JSON.parse(body.toString('utf8')) };
        } catch {
          parsed = { value: undefined };
        }
      }
      return parsed.value;
    },
  };
}

function excerpt(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… [${text.length - limit} more characters]`;
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export { assertLoopbackAllowed, ExcludedRequest, TargetDown };
