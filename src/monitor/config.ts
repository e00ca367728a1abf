import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, locatePath, type LoadedConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { redactText } from '../net/redact.js';
import { parseCondition, type Condition } from './conditions.js';
import { formatDuration } from './duration.js';
import { MonitorSchema, type AlertPolicyConfig, type MonitorConfig, type NotifierConfig, type ProbeConfig } from './schema.js';

/** Intervals below this are refused unless a test explicitly allows them. */
export const MIN_INTERVAL_MS = 5000;
/** Even tests cannot go below this: a probe loop must leave the process time to breathe. */
export const ABSOLUTE_MIN_INTERVAL_MS = 20;

export type ProbeKind = ProbeConfig['kind'];

export interface ErrorRatePolicy {
  windowMs: number;
  baselineMs: number;
  factor: number;
  minErrors: number;
  minRate: number;
  statuses: Array<number | string>;
}

export interface LatencyPolicy {
  p95Ms: number;
  windowMs: number;
  minSamples: number;
}

export interface AlertPolicy {
  failureThreshold: number;
  failureWindow: number;
  /** 0: off. */
  downAfterMs: number;
  successThreshold: number;
  /** 0: no reminders. */
  reAlertEveryMs: number;
  maxReAlerts: number;
  errorRate: ErrorRatePolicy | false;
  latency: LatencyPolicy | false;
  /** TLS probes: alert below this many days left. */
  certDays: number;
}

interface ProbeBase {
  id: string;
  /** One line saying what it checks, e.g. "GET https://app.example.com/". */
  describe: string;
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  jitter: number;
  alerts: AlertPolicy | false;
  /** Notifier names; undefined: all. */
  notify?: string[];
  conditions: Condition[];
  /** Derived from the audit config rather than written under monitor.probes. */
  derived: boolean;
  /** Distinct worker locations that must see a failure before it counts (`launchready worker`; 1 = any one). */
  confirm?: number;
}

export type ProbePlan =
  | (ProbeBase & { kind: 'http'; url: string; method: string; headers: Record<string, string>; json?: unknown; body?: string; identity?: string; followRedirects: number })
  | (ProbeBase & { kind: 'login'; identity: string; resource?: string })
  | (ProbeBase & { kind: 'tls'; host: string; port: number })
  | (ProbeBase & { kind: 'dns'; names: string[]; types: string[] })
  | (ProbeBase & { kind: 'mail'; domain: string; dkimSelectors: string[] })
  | (ProbeBase & { kind: 'webhook'; url: string; scheme: 'stripe' | 'github' | 'slack' | 'hmac'; secret: string; header?: string });

export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  timeoutMs: number;
}

export type NotifierPlan = NotifierConfig & { name: string; retry: RetryPolicy };

export type MaintenanceWindow =
  | { kind: 'once'; from: number; to: number; probes?: string[] }
  | { kind: 'weekly'; days: number[]; startMin: number; endMin: number; probes?: string[] };

export interface MonitorPlan {
  target?: string;
  probes: ProbePlan[];
  notifiers: NotifierPlan[];
  maintenance: MaintenanceWindow[];
  store?: string;
  listen: { host: string; port: number };
  statusPage?: string;
  retention: { rawMs: number; rollupMs: number; bucketMs: number; incidentsMs: number };
  maxRate: number;
  maxRequestsPerHour: number;
  dnsServers: string[];
  /** The audit config the probes draw on (identities, webhooks, thresholds). */
  config: Config;
  dir: string;
}

export interface ResolveOptions {
  /** Tests only: accept intervals below MIN_INTERVAL_MS. */
  allowShortIntervals?: boolean;
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** Finds `path` in the YAML file and returns 1-based line and column (1:1 when it cannot). */
export function locateInYaml(file: string | undefined, path: Array<string | number>, opts: { key?: string } = {}): { line: number; col: number } {
  if (!file) return { line: 1, col: 1 };
  try {
    const lc = new LineCounter();
    const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lc });
    return lc.linePos(locatePath(doc, path, opts.key));
  } catch {
    /* the loader already reported YAML errors */
  }
  return { line: 1, col: 1 };
}

function fail(loaded: LoadedConfig, path: Array<string | number>, problem: string, key?: string): never {
  const { line, col } = locateInYaml(loaded.file, path, key !== undefined ? { key } : {});
  throw new ConfigError(loaded.file ?? 'launchready.yml', line, col, problem);
}

function issueText(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? issue.path.map(String).join('.') : 'monitor';
  if (issue.code === 'unrecognized_keys') return `unknown setting "${issue.keys.join(', ')}" in monitor.${where}`;
  if (issue.code === 'invalid_union') return `monitor.${where}: not one of the accepted forms (${issue.message})`;
  return `monitor.${where}: ${issue.message}`;
}

/** Validates `config.monitor` with MonitorSchema; errors name file:line:col. */
export function parseMonitorSection(loaded: LoadedConfig): MonitorConfig {
  const parsed = MonitorSchema.safeParse(loaded.config.monitor ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = ['monitor', ...(issue.path as Array<string | number>)];
  return fail(loaded, path, issueText(issue), issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined);
}

function mergePolicy(kind: ProbeKind, config: Config, ...layers: Array<AlertPolicyConfig | undefined>): AlertPolicy {
  const t = config.thresholds;
  const quiet = kind === 'dns' || kind === 'mail';
  const base: AlertPolicy = {
    failureThreshold: quiet ? 1 : 3,
    failureWindow: 0,
    downAfterMs: 0,
    successThreshold: quiet ? 1 : 2,
    reAlertEveryMs: 3600_000,
    maxReAlerts: 3,
    errorRate:
      kind === 'http' || kind === 'login'
        ? { windowMs: 5 * 60_000, baselineMs: 60 * 60_000, factor: 3, minErrors: 3, minRate: 0.2, statuses: ['5xx', 401, 403] }
        : false,
    latency: kind === 'http' ? { p95Ms: t.p95Ms, windowMs: 5 * 60_000, minSamples: 5 } : false,
    certDays: t.certDaysWarn,
  };
  for (const l of layers) {
    if (!l) continue;
    if (l.failureThreshold !== undefined) base.failureThreshold = l.failureThreshold;
    if (l.failureWindow !== undefined) base.failureWindow = l.failureWindow;
    if (l.downAfter !== undefined) base.downAfterMs = l.downAfter;
    if (l.successThreshold !== undefined) base.successThreshold = l.successThreshold;
    if (l.reAlertEvery !== undefined) base.reAlertEveryMs = l.reAlertEvery;
    if (l.maxReAlerts !== undefined) base.maxReAlerts = l.maxReAlerts;
    if (l.certDays !== undefined) base.certDays = l.certDays;
    if (l.errorRate === false) base.errorRate = false;
    else if (l.errorRate && (kind === 'http' || kind === 'login')) {
      const prev = base.errorRate || { windowMs: 5 * 60_000, baselineMs: 60 * 60_000, factor: 3, minErrors: 3, minRate: 0.2, statuses: ['5xx', 401, 403] };
      base.errorRate = {
        windowMs: l.errorRate.window ?? prev.windowMs,
        baselineMs: l.errorRate.baseline ?? prev.baselineMs,
        factor: l.errorRate.factor ?? prev.factor,
        minErrors: l.errorRate.minErrors ?? prev.minErrors,
        minRate: l.errorRate.minRate ?? prev.minRate,
        statuses: l.errorRate.statuses ?? prev.statuses,
      };
    }
    if (l.latency === false) base.latency = false;
    else if (l.latency && kind === 'http') {
      const prev = base.latency || { p95Ms: t.p95Ms, windowMs: 5 * 60_000, minSamples: 5 };
      base.latency = { p95Ms: l.latency.p95 ?? prev.p95Ms, windowMs: l.latency.window ?? prev.windowMs, minSamples: l.latency.minSamples ?? prev.minSamples };
    }
  }
  if (base.failureWindow < base.failureThreshold) base.failureWindow = base.failureThreshold;
  return base;
}

function conditionsOf(list: string[] | undefined, fallback: string[]): Condition[] {
  return (list && list.length > 0 ? list : fallback).map((c) => parseCondition(c));
}

function absolute(target: string | undefined, url: string, loaded: LoadedConfig, path: Array<string | number>): string {
  try {
    return new URL(url, target).href;
  } catch {
    return fail(loaded, path, target ? `"${url}" is not a URL or a path` : `"${url}" is a path but no target: is set (write a full URL, or set target:)`);
  }
}

function parseListen(v: number | string | undefined): { host: string; port: number } {
  if (v === undefined) return { host: '127.0.0.1', port: 9464 };
  if (typeof v === 'number' || /^\d+$/.test(v)) return { host: '127.0.0.1', port: Number(v) };
  const i = v.lastIndexOf(':');
  return { host: v.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(v.slice(i + 1)) };
}

/**
 * The monitor's plan: the probes (derived from the audit config unless `defaults: false`, then the
 * ones written under monitor.probes, which win on a name clash), alert policies, notifiers and
 * maintenance windows, every duration in milliseconds. Throws ConfigError located in the YAML.
 */
export function resolveMonitorPlan(loaded: LoadedConfig, opts: ResolveOptions = {}): MonitorPlan {
  const config = loaded.config;
  const m = parseMonitorSection(loaded);
  const target = config.target;
  const minInterval = opts.allowShortIntervals ? ABSOLUTE_MIN_INTERVAL_MS : MIN_INTERVAL_MS;
  const checkInterval = (ms: number, path: Array<string | number>): number => {
    if (ms < minInterval) fail(loaded, path, `interval ${formatDuration(ms)} is too short: the minimum is ${formatDuration(minInterval)} (probes that fast hammer the product and cry wolf)`);
    return ms;
  };
  const interval = checkInterval(m.interval ?? 30_000, ['monitor', 'interval']);
  // A request gets half the interval (1–10 s); a run that overruns its slot skips the next one.
  const timeout = m.timeout ?? Math.min(10_000, Math.max(1000, interval / 2));
  const retries = m.retries ?? 1;
  const jitter = m.jitter ?? 0.1;

  const probes: ProbePlan[] = [];
  const base = (name: string, kind: ProbeKind, p: Partial<ProbeConfig> | undefined, path: Array<string | number>, derived: boolean): ProbeBase => {
    const intervalMs = p?.interval !== undefined ? checkInterval(p.interval, [...path, 'interval']) : interval;
    const out: ProbeBase = {
      id: name,
      describe: '',
      intervalMs,
      timeoutMs: p?.timeout ?? timeout,
      retries: p?.retries ?? retries,
      jitter,
      alerts: p?.alerts === false ? false : mergePolicy(kind, config, m.alerts, p?.alerts || undefined),
      conditions: [],
      derived,
      confirm: p?.confirm ?? m.confirm ?? 1,
    };
    if (p?.notify) out.notify = p.notify;
    return out;
  };

  // Derived probes: the checklist's pass criteria, for whatever the audit config names.
  if (m.defaults !== false) {
    const path = ['monitor'];
    if (target) {
      const landing = config.pages?.landing ?? '/';
      probes.push({ ...base('homepage', 'http', undefined, path, true), kind: 'http', url: new URL(landing, target).href, method: 'GET', headers: {}, followRedirects: 3, conditions: conditionsOf(undefined, ['[STATUS] < 400']) });
      const loginPage = config.pages?.login;
      if (loginPage && loginPage !== landing) {
        probes.push({ ...base('login-page', 'http', undefined, path, true), kind: 'http', url: new URL(loginPage, target).href, method: 'GET', headers: {}, followRedirects: 3, conditions: conditionsOf(undefined, ['[STATUS] == 200']) });
      }
      const health = config.endpoints['health'];
      if (health) {
        probes.push({ ...base('health', 'http', undefined, path, true), kind: 'http', url: new URL(health, target).href, method: 'GET', headers: {}, followRedirects: 0, conditions: conditionsOf(undefined, ['[STATUS] == 200']) });
      }
      const loginIdentity = Object.entries(config.identities).find(([, id]) => ['json', 'form', 'steps'].includes(id.login.kind));
      if (loginIdentity) {
        const [name, id] = loginIdentity;
        probes.push({ ...base('synthetic-login', 'login', undefined, path, true), kind: 'login', identity: name, ...(id.verify ? { resource: id.verify } : {}), conditions: conditionsOf(undefined, ['[STATUS] < 300']) });
      }
      const u = new URL(target);
      if (u.protocol === 'https:') {
        probes.push({ ...base('certificate', 'tls', undefined, path, true), kind: 'tls', host: u.hostname, port: Number(u.port) || 443, conditions: conditionsOf(undefined, ['[CONNECTED] == true', '[CERTIFICATE_VALID] == true', '[CERTIFICATE_EXPIRATION] > 0']) });
      }
    }
    if (config.domains.length > 0) {
      probes.push({ ...base('dns', 'dns', undefined, path, true), kind: 'dns', names: [...config.domains], types: ['A', 'AAAA', 'CNAME', 'NS'], conditions: [] });
    }
    if (config.mail) {
      probes.push({ ...base('mail-records', 'mail', undefined, path, true), kind: 'mail', domain: config.mail.domain, dkimSelectors: [...config.mail.dkimSelectors], conditions: [] });
    }
  }

  // Probes written in the config.
  const written = m.probes ?? [];
  const seen = new Set<string>();
  for (const [i, p] of written.entries()) {
    const path = ['monitor', 'probes', i];
    const name = p.name ?? `${p.kind}-${i + 1}`;
    if (seen.has(name)) fail(loaded, [...path, 'name'], `two probes are named "${name}": give each a unique name`);
    seen.add(name);
    const b = base(name, p.kind, p, path, false);
    let plan: ProbePlan;
    switch (p.kind) {
      case 'http': {
        if (p.identity && !config.identities[p.identity]) fail(loaded, [...path, 'identity'], `identity "${p.identity}" is not defined under identities:`);
        if (p.identity && !target) fail(loaded, [...path, 'identity'], 'an authenticated probe needs target: (the base URL its identity logs in to)');
        const fallback: string[] = [];
        if (p.expect) {
          const e = p.expect;
          if (e.status !== undefined) fallback.push(`[STATUS] == ${Array.isArray(e.status) ? `any(${e.status.join(', ')})` : e.status}`);
          if (e.bodyContains !== undefined) fallback.push(`[BODY] contains ${e.bodyContains}`);
          for (const [ptr, v] of Object.entries(e.json ?? {})) fallback.push(`[BODY]${ptr.startsWith('/') ? ptr : `/${ptr}`} == ${v === null ? 'null' : String(v)}`);
          if (e.maxLatency !== undefined) fallback.push(`[RESPONSE_TIME] < ${e.maxLatency}`);
        }
        if (fallback.length === 0 || !fallback.some((c) => c.startsWith('[STATUS]'))) fallback.unshift(p.identity ? '[STATUS] < 300' : '[STATUS] < 400');
        plan = {
          ...b,
          kind: 'http',
          url: absolute(target, p.url, loaded, [...path, 'url']),
          method: (p.method ?? 'GET').toUpperCase(),
          headers: p.headers ?? {},
          ...(p.json !== undefined ? { json: p.json } : {}),
          ...(p.body !== undefined ? { body: p.body } : {}),
          ...(p.identity ? { identity: p.identity } : {}),
          followRedirects: p.followRedirects ?? 0,
          conditions: conditionsOf(p.conditions, p.expect ? fallback : fallback.slice(0, 1)),
        };
        break;
      }
      case 'login': {
        if (!config.identities[p.identity]) fail(loaded, [...path, 'identity'], `identity "${p.identity}" is not defined under identities:`);
        if (!target) fail(loaded, path, 'a login probe needs target: (the base URL the identity logs in to)');
        const resource = p.resource ?? config.identities[p.identity]!.verify;
        plan = { ...b, kind: 'login', identity: p.identity, ...(resource ? { resource } : {}), conditions: conditionsOf(p.conditions, ['[STATUS] < 300']) };
        break;
      }
      case 'tls': {
        const hp = /^(.*?)(?::(\d+))?$/.exec(p.host.replace(/^https?:\/\//, '').replace(/\/.*$/, ''))!;
        plan = {
          ...b,
          kind: 'tls',
          host: hp[1]!.replace(/^\[|\]$/g, ''),
          port: hp[2] ? Number(hp[2]) : 443,
          conditions: conditionsOf(p.conditions, ['[CONNECTED] == true', '[CERTIFICATE_VALID] == true', '[CERTIFICATE_EXPIRATION] > 0']),
        };
        break;
      }
      case 'dns':
        plan = { ...b, kind: 'dns', names: p.names, types: p.types ?? ['A', 'AAAA', 'CNAME', 'NS'] };
        break;
      case 'mail':
        plan = { ...b, kind: 'mail', domain: p.domain, dkimSelectors: p.dkimSelectors ?? config.mail?.dkimSelectors ?? [] };
        break;
      case 'webhook': {
        const hook = config.webhooks.find((w) => w.url === p.webhook);
        if (!hook) fail(loaded, [...path, 'webhook'], `no entry with url "${p.webhook}" under webhooks: (the check signs a test delivery with that entry's scheme and secret)`);
        if (!hook.secret) fail(loaded, [...path, 'webhook'], `webhooks entry "${p.webhook}" has no secret: the test delivery cannot be signed`);
        plan = {
          ...b,
          kind: 'webhook',
          url: absolute(target, hook.url, loaded, [...path, 'webhook']),
          scheme: hook.scheme,
          secret: hook.secret,
          ...(hook.header ? { header: hook.header } : {}),
          conditions: conditionsOf(p.conditions, ['[STATUS] < 300']),
        };
        break;
      }
    }
    const existing = probes.findIndex((x) => x.id === name);
    if (existing >= 0) probes.splice(existing, 1, plan);
    else probes.push(plan);
  }
  for (const p of probes) p.describe = describeProbe(p);

  const notifiers: NotifierPlan[] = [];
  for (const [i, n] of (m.notifiers ?? []).entries()) {
    const name = n.name ?? ((m.notifiers ?? []).filter((x) => x.kind === n.kind).length > 1 ? `${n.kind}-${i + 1}` : n.kind);
    if (notifiers.some((x) => x.name === name)) fail(loaded, ['monitor', 'notifiers', i, 'name'], `two notifiers are named "${name}"`);
    notifiers.push({
      ...n,
      name,
      retry: { attempts: n.attempts ?? 6, backoffMs: n.backoff ?? 2000, maxBackoffMs: n.maxBackoff ?? 5 * 60_000, timeoutMs: n.timeout ?? 10_000 },
    });
  }
  for (const [i, p] of written.entries()) {
    for (const [j, name] of (p.notify ?? []).entries()) {
      if (!notifiers.some((n) => n.name === name)) fail(loaded, ['monitor', 'probes', i, 'notify', j], `no notifier named "${name}" (names: ${notifiers.map((n) => n.name).join(', ') || 'none configured'})`);
    }
  }
  if (probes.length === 0) fail(loaded, ['monitor'], 'nothing to monitor: set target: (the default probes derive from it) or list monitor.probes');

  const maintenance: MaintenanceWindow[] = (m.maintenance ?? []).map((w) =>
    'from' in w
      ? { kind: 'once', from: Date.parse(w.from), to: Date.parse(w.to), ...(w.probes ? { probes: w.probes } : {}) }
      : {
          kind: 'weekly',
          days: w.days.map((d) => DAYS.indexOf(d)),
          startMin: Number(w.start.slice(0, 2)) * 60 + Number(w.start.slice(3)),
          endMin: Number(w.end.slice(0, 2)) * 60 + Number(w.end.slice(3)),
          ...(w.probes ? { probes: w.probes } : {}),
        },
  );

  const perHour = probes.reduce((sum, p) => sum + Math.ceil(3600_000 / p.intervalMs) * (1 + p.retries) * (p.kind === 'login' ? 4 : p.kind === 'dns' || p.kind === 'mail' ? 0 : 1), 0);
  const plan: MonitorPlan = {
    probes,
    notifiers,
    maintenance,
    listen: parseListen(m.listen),
    retention: {
      rawMs: m.retention?.raw ?? 48 * 3600_000,
      rollupMs: m.retention?.rollups ?? 90 * 86_400_000,
      bucketMs: m.retention?.bucket ?? 3600_000,
      incidentsMs: m.retention?.incidents ?? 180 * 86_400_000,
    },
    maxRate: m.maxRate ?? 500,
    // Room for twice the planned traffic plus notifier deliveries; beyond it probes report errors.
    maxRequestsPerHour: m.maxRequestsPerHour ?? Math.max(1000, perHour * 2 + 1000),
    dnsServers: m.dns ?? [],
    config,
    dir: loaded.dir,
  };
  if (target) plan.target = target;
  if (m.store) plan.store = m.store;
  if (m.statusPage) plan.statusPage = m.statusPage;
  return plan;
}

export function describeProbe(p: ProbePlan): string {
  switch (p.kind) {
    case 'http':
      return `${p.method} ${redactText(p.url)}${p.identity ? ` as ${p.identity}` : ''}`;
    case 'login':
      return `log in as ${p.identity}${p.resource ? ` and load ${p.resource}` : ''}`;
    case 'tls':
      return `TLS certificate of ${p.host}:${p.port}`;
    case 'dns':
      return `DNS ${p.types.join('/')} of ${p.names.join(', ')} against the recorded baseline`;
    case 'mail':
      return `MX, SPF, DMARC${p.dkimSelectors.length ? ', DKIM' : ''} of ${p.domain} against the recorded baseline`;
    case 'webhook':
      return `signed ${p.scheme} test delivery to ${p.url}`;
  }
}

/** Whether `probeId` is inside a maintenance window at `now` (UTC for weekly windows). */
export function inMaintenance(windows: MaintenanceWindow[], probeId: string, now: number): boolean {
  for (const w of windows) {
    if (w.probes && !w.probes.includes(probeId)) continue;
    if (w.kind === 'once') {
      if (now >= w.from && now < w.to) return true;
      continue;
    }
    const d = new Date(now);
    const minute = d.getUTCHours() * 60 + d.getUTCMinutes();
    const day = d.getUTCDay();
    if (w.startMin <= w.endMin) {
      if (w.days.includes(day) && minute >= w.startMin && minute < w.endMin) return true;
    } else if ((w.days.includes(day) && minute >= w.startMin) || (w.days.includes((day + 6) % 7) && minute < w.endMin)) {
      // A window that crosses midnight belongs to the day it starts on.
      return true;
    }
  }
  return false;
}
