import type { Config } from '../config/schema.js';
import type { HttpClient } from '../net/http.js';
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
}

/** Handed to checks: facts, never I/O. */
export interface CheckContext {
  config: Config;
  target: TargetInfo;
  options: RunOptions;
  /** The run's clock, so certificate expiry and the like are judged against one instant. */
  now: Date;
}

export interface RunOptions {
  allowWrites: boolean;
  /** Seed for anything randomised (fuzz payloads, throw-away identifiers). */
  seed: number;
}
