import { ConfigSchema, type ConfigInput } from '../../src/config/schema.js';
import type { Check } from '../../src/engine/check.js';
import { runChecks } from '../../src/engine/runner.js';
import type { Finding } from '../../src/model/finding.js';
import { HttpClient } from '../../src/net/http.js';
import { parseConnectTo, type ConnectOverride } from '../../src/net/overrides.js';

/** `HOST:PORT:127.0.0.1:LOCALPORT` — curl's --connect-to, so SNI and hostname checks stay real. */
export function connectTo(host: string, port: number, localPort: number): ConnectOverride {
  return parseConnectTo(`${host}:${port}:127.0.0.1:${localPort}`);
}

export interface RunOpts {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  checks: Check<any>[];
  config: ConfigInput;
  overrides?: ConnectOverride[];
  ca?: string;
  now?: Date;
  dnsServers?: Array<{ host: string; port: number }>;
  timeoutMs?: number;
}

/** Runs checks through the real runner and HTTP layer, as `audit`/`domain` would, on a public (non-development) target. */
export async function runOn(opts: RunOpts): Promise<{ findings: Finding[]; requests: number; artifacts: Map<string, unknown> }> {
  const config = ConfigSchema.parse(opts.config);
  const http = new HttpClient({
    maxRequests: 200,
    rate: 1000,
    timeoutMs: opts.timeoutMs ?? 3000,
    maxBodyBytes: 512 * 1024,
    overrides: opts.overrides ?? [],
    ...(opts.ca ? { ca: opts.ca } : {}),
  });
  try {
    const result = await runChecks({
      checks: opts.checks,
      config,
      configDir: process.cwd(),
      target: { ...(config.target ? { baseUrl: new URL(config.target) } : {}), isDevelopment: false },
      http,
      options: { allowWrites: false, seed: 1, overrides: opts.overrides ?? [], ...(opts.ca ? { ca: opts.ca } : {}), ...(opts.dnsServers ? { dnsServers: opts.dnsServers } : {}) },
      env: {},
      checkDeadlineMs: 20_000,
      runDeadlineMs: 25_000,
      now: opts.now ?? new Date(),
    });
    return { findings: result.findings, requests: http.stats.requests, artifacts: result.artifacts };
  } finally {
    await http.close();
  }
}

export function byCheck(findings: Finding[], check: string): Finding[] {
  return findings.filter((f) => f.check === check);
}

/** One-line summary for assertion messages. */
export function summary(findings: Finding[]): string {
  return findings.map((f) => `${f.check} ${f.status}/${f.severity}: ${f.title}${f.reason ? ` (${f.reason})` : ''}`).join('\n');
}
