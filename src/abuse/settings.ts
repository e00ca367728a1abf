import type { GatherContext } from '../engine/context.js';

/**
 * Bounds of every abuse probe. The defaults are the checklist's (a burst of at most 30 requests per
 * endpoint and mode, a fuzz run of at most a few hundred requests and half a minute); tests and
 * impatient users set them far lower.
 */
export interface AbuseSettings {
  /** Requests per burst (one endpoint, one mode); the burst stops at the first throttle. */
  burstSize: number;
  /** Wall-clock bound of the bursts against one endpoint, ms. */
  burstEndpointMs: number;
  /** Wall-clock bound of all bursts together, ms. */
  burstTotalMs: number;
  /** At most this many sensitive endpoints are burst. */
  maxBurstEndpoints: number;
  /** Requests per group (existing / unknown account) when comparing responses for enumeration. */
  enumerationSamples: number;
  /** A timing difference below this many ms is never called enumeration, whatever the noise. */
  enumerationTimingFloorMs: number;
  /** Write routes the fuzzer visits at most. */
  fuzzMaxRoutes: number;
  /** Requests the fuzzer sends at most (setup and clean-up included). */
  fuzzMaxRequests: number;
  /** Wall-clock bound of the fuzz run, ms. */
  fuzzDeadlineMs: number;
  /** A fuzz request without a complete answer within this many ms is a hang. */
  fuzzRequestTimeoutMs: number;
  /** Length of the "huge string" payload, characters. */
  hugeStringLength: number;
  /** Depth of the "deep nesting" payload. */
  nestingDepth: number;
  /** Path and query parameters the injection probes try at most. */
  injectionMaxSlots: number;
  /** Requests the injection probes send at most. */
  injectionMaxRequests: number;
  /** Wall-clock bound of the injection probes, ms. */
  injectionDeadlineMs: number;
  /** Identifier-taking routes the enumeration probe compares at most (beyond login and reset). */
  enumerationMaxRoutes: number;
}

export const DEFAULT_ABUSE_SETTINGS: AbuseSettings = {
  burstSize: 30,
  burstEndpointMs: 20_000,
  burstTotalMs: 45_000,
  maxBurstEndpoints: 10,
  enumerationSamples: 4,
  enumerationTimingFloorMs: 25,
  fuzzMaxRoutes: 24,
  fuzzMaxRequests: 300,
  fuzzDeadlineMs: 25_000,
  fuzzRequestTimeoutMs: 10_000,
  hugeStringLength: 65_536,
  nestingDepth: 5_000,
  injectionMaxSlots: 16,
  injectionMaxRequests: 240,
  injectionDeadlineMs: 25_000,
  enumerationMaxRoutes: 8,
};

/**
 * The settings of this run: defaults, then an `abuse:` block of the config (when the schema has
 * one), then the run service `abuse` (tests hand small bounds in through RunInput.services).
 */
export function abuseSettings(ctx: GatherContext): AbuseSettings {
  const fromConfig: Partial<AbuseSettings> | undefined = ctx.config.abuse;
  const fromContext = ctx.services.abuse;
  const merged = { ...DEFAULT_ABUSE_SETTINGS, ...(fromConfig ?? {}), ...(fromContext ?? {}) };
  // A hang is judged against the run's own request deadline when that is shorter.
  merged.fuzzRequestTimeoutMs = Math.min(merged.fuzzRequestTimeoutMs, ctx.config.budget.timeoutMs);
  return merged;
}
