import { setMaxListeners } from 'node:events';
import { Command } from 'commander';
import { UsageError } from '../../app/audit.js';
import { runDomainAudit } from '../../domain/index.js';
import { parseDnsServer } from '../../net/dns/index.js';
import type { Format } from '../../report/index.js';
import { terminalProgress } from '../progress.js';
import { collect, emitReport, failOnOption, failOnValue, formatOption, positiveInt, prepareOut } from '../shared.js';

interface DomainFlags {
  mailDomain?: string;
  dkimSelector?: string[];
  dns?: string;
  ca?: string;
  resolve?: string[];
  connectTo?: string[];
  format: Format;
  out?: string;
  failOn: string;
  timeout?: number;
  www: boolean;
  host?: string[];
  verbose?: boolean;
}

export function domainCommand(): Command {
  return new Command('domain')
    .description('Check a domain as customers reach it: DNS, redirects, TLS and certificates, HSTS, CDN/WAF, and mail authentication (SPF, DKIM, DMARC)')
    .argument('<domain>', 'the domain, e.g. example.com (www.example.com is checked too)')
    .option('--mail-domain <domain>', 'the domain your mail is sent from (default: the apex of DOMAIN)')
    .option('--dkim-selector <selector>', 'a DKIM selector you use (repeatable; common ones are probed too)', collect)
    .option('--dns <server[:port]>', 'DNS server to ask (e.g. 127.0.0.1:5353)')
    .option('--ca <file>', 'extra CA certificates (PEM) to trust')
    .option('--resolve <host:port:address>', "connect to ADDRESS for HOST:PORT (curl's meaning); repeatable", collect)
    .option('--connect-to <host:port:host2:port2>', 'connect to HOST2:PORT2 for HOST:PORT (curl); repeatable', collect)
    .option('--no-www', 'do not check www.DOMAIN')
    .option('--host <host>', 'another hostname to check, e.g. shop.example.com (repeatable): DNS, dangling CNAMEs, TLS', collect)
    .option('--timeout <ms>', 'deadline per connection or request in ms', positiveInt('--timeout'))
    .addOption(formatOption())
    .option('-o, --out <file>', 'write the report to a file')
    .addOption(failOnOption())
    .option('-v, --verbose', 'list every finding in the text report')
    .addHelpText('after', '\nThe public-hostname checks always run here, whatever the names resolve to.\nExample: launchready domain example.com --dkim-selector google')
    .action(async (domain: string, flags: DomainFlags) => {
      prepareOut(flags.out);
      let dnsServers: Array<{ host: string; port: number }> | undefined;
      if (flags.dns) {
        try {
          dnsServers = [parseDnsServer(flags.dns)];
        } catch (err) {
          throw new UsageError((err as Error).message);
        }
      }
      const controller = new AbortController();
      setMaxListeners(0, controller.signal);
      const onSigint = (): void => controller.abort();
      process.once('SIGINT', onSigint);
      const progress = flags.format === 'json' ? undefined : terminalProgress(process.stderr, 500);
      try {
        const report = await runDomainAudit({
          domain,
          ...(flags.mailDomain ? { mailDomain: flags.mailDomain } : {}),
          ...(flags.dkimSelector ? { dkimSelectors: flags.dkimSelector } : {}),
          ...(dnsServers ? { dnsServers } : {}),
          resolve: flags.resolve ?? [],
          connectTo: flags.connectTo ?? [],
          ...(flags.ca ? { caFile: flags.ca } : {}),
          ...(flags.timeout ? { timeoutMs: flags.timeout } : {}),
          includeWww: flags.www,
          ...(flags.host ? { hosts: flags.host } : {}),
          failOn: failOnValue(flags.failOn),
          env: process.env,
          signal: controller.signal,
          ...(progress ? { progress } : {}),
        });
        progress?.done();
        process.exitCode = await emitReport(report, { format: flags.format, ...(flags.out ? { out: flags.out } : {}), verbose: flags.verbose ?? false });
      } finally {
        progress?.done();
        process.off('SIGINT', onSigint);
      }
    });
}
