import { Command } from 'commander';
import type { FailOn } from '../../model/severity.js';
import type { Report } from '../../model/report.js';
import type { Format } from '../../report/index.js';
import { emitReport, failOnOption, failOnValue, formatOption } from '../shared.js';

/**
 * `launchready mail-check message.eml` (or `-` / stdin): authenticates one real message as a receiver
 * does — SPF for the connecting IP from the Received chain, DKIM, DMARC alignment, ARC — and reports
 * pass/fail per mechanism with the fix. Heavy modules (mailauth, the runner, the resolver) load inside
 * the handler only.
 */

export interface MailCheckOptions {
  /** The raw message (RFC 5322 bytes). */
  raw: Buffer;
  /** Where it came from, for evidence. */
  source: string;
  ip?: string;
  helo?: string;
  sender?: string;
  dnsServers?: Array<{ host: string; port: number }>;
  failOn: FailOn;
  signal?: AbortSignal;
  now?: Date;
  timeoutMs?: number;
}

/** A message is header lines, a blank line, a body: refuse anything else before any lookup (exit 2). */
function assertMessage(raw: Buffer, source: string): void {
  const head = raw.subarray(0, 65536).toString('latin1');
  if (raw.length === 0) throw usage(`${source}: empty input — save the raw message (.eml, "Show original" / "View source") and pass its path`);
  if (!/^[\x21-\x39\x3b-\x7e]+:/.test(head) || !/^from:/im.test(head)) throw usage(`${source}: not an email message (expected raw headers such as "From:" and "Received:" — save the original message, not its rendered text)`);
}

function usage(message: string): Error {
  const err = new Error(message);
  err.name = 'UsageError';
  return err;
}

export async function runMailCheck(opts: MailCheckOptions): Promise<Report> {
  assertMessage(opts.raw, opts.source);
  const startedAt = opts.now ?? new Date();
  const [{ TOOL }, { ConfigSchema }, { runChecks }, model, { HttpClient }, { deliverabilityChecks }] = await Promise.all([
    import('../../app/tool.js'),
    import('../../config/schema.js'),
    import('../../engine/runner.js'),
    import('../../model/report.js'),
    import('../../net/http.js'),
    import('../../checks/email/deliverability.js'),
  ]);
  if (opts.ip !== undefined) {
    const { isIP } = await import('node:net');
    if (!isIP(opts.ip)) throw usage(`--ip ${JSON.stringify(opts.ip)} is not an IP address`);
  }
  const config = ConfigSchema.parse({});
  const http = new HttpClient({ maxRequests: 1, rate: 1, timeoutMs: 1000, maxBodyBytes: 1024 });
  try {
    const result = await runChecks({
      checks: deliverabilityChecks,
      config,
      configDir: process.cwd(),
      target: { isDevelopment: false },
      http,
      options: { allowWrites: false, seed: 1, ...(opts.dnsServers ? { dnsServers: opts.dnsServers } : {}), ...(opts.timeoutMs ? { dnsTimeoutMs: opts.timeoutMs } : {}) },
      env: {},
      ...(opts.signal ? { signal: opts.signal } : {}),
      checkDeadlineMs: 60_000,
      runDeadlineMs: 90_000,
      now: startedAt,
      services: { mailCheck: { raw: opts.raw, source: opts.source, ...(opts.ip ? { ip: opts.ip } : {}), ...(opts.helo ? { helo: opts.helo } : {}), ...(opts.sender ? { sender: opts.sender } : {}) } },
    });
    const findings = result.findings;
    return {
      tool: TOOL,
      target: opts.source,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      verdict: model.verdictOf(findings, opts.failOn, result.incomplete),
      incomplete: result.incomplete,
      score: model.scoreOf(findings),
      scorecard: model.scorecardOf(findings, ['email']),
      findings,
      blockers: model.blockersOf(findings),
      accessMatrix: [],
      latency: {},
      stats: { requests: 0, bytes: 0, areaDurationsMs: result.areaDurationsMs },
    };
  } finally {
    await http.close();
  }
}

interface MailCheckFlags {
  ip?: string;
  helo?: string;
  sender?: string;
  dns?: string;
  format: Format;
  out?: string;
  failOn: string;
  verbose?: boolean;
}

async function readInput(file: string): Promise<{ raw: Buffer; source: string }> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return { raw: Buffer.concat(chunks), source: 'stdin' };
  }
  const { readFile } = await import('node:fs/promises');
  try {
    return { raw: await readFile(file), source: file };
  } catch {
    throw usage(`${file}: file not found or unreadable`);
  }
}

export function mailCheckCommand(): Command {
  return new Command('mail-check')
    .description('Check that a real message your app sent authenticates as receivers see it: SPF for the sending server, DKIM, DMARC alignment, ARC')
    .argument('[message]', 'the raw message (.eml, "show original"); - or nothing reads stdin', '-')
    .option('--ip <address>', 'the IP that delivered the message (default: read from the Received chain)')
    .option('--helo <name>', 'the HELO/EHLO name of that server')
    .option('--sender <address>', 'the envelope sender / MAIL FROM (default: the Return-Path header)')
    .option('--dns <server[:port]>', 'DNS server to ask (e.g. 127.0.0.1:5353)')
    .addOption(formatOption())
    .option('-o, --out <file>', 'write the report to a file')
    .addOption(failOnOption())
    .option('-v, --verbose', 'list every finding in the text report')
    .addHelpText('after', '\nSend a password-reset mail from your app to any mailbox, save the original message, then:\n  launchready mail-check reset.eml\n  cat reset.eml | launchready mail-check')
    .action(async (file: string, flags: MailCheckFlags) => {
      let dnsServers: Array<{ host: string; port: number }> | undefined;
      if (flags.dns) {
        const { parseDnsServer } = await import('../../net/dns/index.js');
        try {
          dnsServers = [parseDnsServer(flags.dns)];
        } catch (err) {
          throw usage((err as Error).message);
        }
      }
      const input = await readInput(file);
      const report = await runMailCheck({
        ...input,
        ...(flags.ip ? { ip: flags.ip } : {}),
        ...(flags.helo ? { helo: flags.helo } : {}),
        ...(flags.sender ? { sender: flags.sender } : {}),
        ...(dnsServers ? { dnsServers } : {}),
        failOn: failOnValue(flags.failOn),
      });
      process.exitCode = await emitReport(report, { format: flags.format, ...(flags.out ? { out: flags.out } : {}), verbose: flags.verbose ?? false });
    });
}
