import type { AbuseSettings } from '../abuse/settings.js';
import type { Config } from '../config/schema.js';
import type { LoadSettings } from '../load/plan.js';
import type { Resolver } from '../net/dns/types.js';
import type { HostResolver, HttpClient, HttpExchange } from '../net/http.js';
import type { HealthSettings, TargetHealth } from '../net/target-health.js';
import type { MailCheckRequest } from '../mail/message-auth-gatherer.js';
import type { SecretScanRequest } from '../secrets/gatherers.js';
import type { Evidence } from '../model/finding.js';
import type { AccessMatrixRow, LatencySummary } from '../model/report.js';
import type { Gatherer } from './check.js';

/** What the run is pointed at. */
export interface TargetInfo {
  /** Base URL of the app or API; undefined for repo-only or domain-only runs. */
  baseUrl?: URL;
  /**
   * A development target: host `localhost` or a loopback IP literal, with no `domains` configured.
   * Checks marked `publicOnly` are skipped with a reason.
   */
  isDevelopment: boolean;
}

export interface ProgressSink {
  /** A check or gatherer started or ended; `requests` is the run's running total. */
  update(event: { area?: string; activity: string; requests: number }): void;
}

/** Handed to gatherers: the only place with I/O. */
export interface GatherContext {
  config: Config;
  /** Directory relative paths in the config are resolved against. */
  configDir: string;
  target: TargetInfo;
  http: HttpClient;
  /** Aborted on Ctrl-C or when the run's deadline passes. */
  signal: AbortSignal;
  /** Environment values the CLI chose to pass on (gatherers never read process.env). */
  env: Readonly<Record<string, string | undefined>>;
  /** Options from the command line that are not part of the config (e.g. allowWrites). */
  options: RunOptions;
  /** Gather another piece of evidence (memoised for the whole run). */
  gather<T>(gatherer: Gatherer<T>): Promise<T>;
  /** Add rows to the report's access matrix, latency table or handover facts. */
  contribute(part: ReportContribution): void;
  /** What the caller (a command, a test) hands the run beyond the config: typed, never a bag. */
  services: Readonly<RunServices>;
}

/**
 * Services and settings a command or a test gives a run (RunInput.services). Each field has one
 * reader; adding one is a typed change here, not a string key on the context.
 */
export interface RunServices {
  /** Load-phase settings from the `load` command or a test (ownership flag, run counts, caps). */
  loadSettings?: LoadSettings;
  /** The run's name resolver (--dns, tests): connections use `lookup`; DNS checks use it when it also answers queries. */
  resolver?: HostResolver | Resolver;
  /** Abuse bounds on top of the config's `abuse:` block (tests use small ones). */
  abuse?: Partial<AbuseSettings>;
  /** What `launchready scan PATH` asks for; `audit` scans the config's `repo:` instead. */
  secretScan?: SecretScanRequest;
  /** What `launchready mail-check` asks for: the saved message and the SMTP facts known. */
  mailCheck?: MailCheckRequest;
  /** The target health guard of the run (the runner sets it up from the HTTP client). */
  health?: TargetHealth;
  /** Health guard settings (tests shorten the re-check waits); `false` turns the guard off. */
  healthSettings?: Partial<HealthSettings> | false;
}

export interface ReportContribution {
  accessMatrix?: AccessMatrixRow[];
  latency?: Record<string, LatencySummary>;
  facts?: Record<string, unknown>;
}

/** Handed to checks: facts, never I/O. */
export interface CheckContext {
  config: Config;
  target: TargetInfo;
  options: RunOptions;
  /** The run's clock, so certificate expiry and the like are judged against one instant. */
  now: Date;
  /** Turns an HTTP exchange into redacted evidence (request, response, a curl reproduction). */
  evidence: EvidenceFormatter;
}

export interface EvidenceFormatter {
  exchange(ex: HttpExchange, opts?: { bodyLimit?: number; headers?: (name: string) => boolean }): Evidence;
}

export interface RunOptions {
  allowWrites: boolean;
  /** Seed for anything randomised (fuzz payloads, throw-away identifiers). */
  seed: number;
  /** --dns servers, when given. */
  dnsServers?: Array<{ host: string; port: number }>;
  /** --resolve / --connect-to, in the order given. */
  overrides?: import('../net/overrides.js').ConnectOverride[];
  /** --ca file contents (PEM). */
  ca?: string;
}
