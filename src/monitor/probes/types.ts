import type { Logger } from 'pino';
import type { Config } from '../../config/schema.js';
import type { Session } from '../../identity/session.js';
import type { HttpClient } from '../../net/http.js';
import type { Resolver } from '../../net/dns/types.js';
import type { Store } from '../../store/types.js';
import type { ConditionResult } from '../conditions.js';

/** What one probe run found. Messages and evidence are already redacted. */
export interface ProbeResult {
  ok: boolean;
  at: number;
  latencyMs: number | null;
  httpStatus: number | null;
  /** One line: what failed, or what was fine. */
  message: string;
  /** Redacted request/response (or records, certificate facts) that prove it. */
  evidence: string;
  /** Probe-specific number: certificate days left for TLS probes. */
  value: number | null;
  conditions: ConditionResult[];
  /** Attempts made (1 + retries used). */
  attempts: number;
}

export interface ProbeContext {
  http(): HttpClient;
  store: Store;
  config: Config;
  target?: string;
  resolver(): Resolver;
  /** Extra CA certificates (PEM) the TLS probe trusts. */
  ca?: string;
  /** Logged-in sessions of identities used by authenticated API probes, reused across runs. */
  sessions: Map<string, Session>;
  logger: Logger;
  signal: AbortSignal;
}

export function failed(at: number, message: string, evidence = '', extra: Partial<ProbeResult> = {}): ProbeResult {
  return { ok: false, at, latencyMs: null, httpStatus: null, message, evidence, value: null, conditions: [], attempts: 1, ...extra };
}
