import { NotApplicable, defineCheck, type FindingDraft } from '../../engine/check.js';
import type { Severity } from '../../model/severity.js';
import { repoScanGatherer } from '../../secrets/gatherers.js';
import type { LogLeakKind } from '../../secrets/sources/logs.js';

const WHAT: Record<LogLeakKind, { title: string; severity: Severity; fix: string }> = {
  credential: { title: 'API credentials', severity: 'critical', fix: 'Rotate the credential, then stop logging request/config objects whole: log an allow-list of fields.' },
  password: { title: 'passwords', severity: 'critical', fix: 'Never log request bodies of login, signup or password-change routes; add a redaction list (password, token, secret, authorization) to the logger (pino `redact`, winston format).' },
  'token-in-url': { title: 'tokens in URLs (query strings)', severity: 'high', fix: 'Move tokens from query strings to headers or POST bodies, and strip query strings from access logs.' },
  'bearer-token': { title: 'bearer tokens (Authorization headers)', severity: 'high', fix: 'Redact the Authorization header in request logging.' },
  'session-id': { title: 'session identifiers', severity: 'high', fix: 'Redact Cookie/Set-Cookie headers and session ids; a logged session id lets anyone with log access take over the session.' },
  email: { title: 'email addresses (PII)', severity: 'medium', fix: 'Log a user id instead of the email address, or hash it; keep PII out of logs under GDPR data-minimisation.' },
  phone: { title: 'phone numbers (PII)', severity: 'medium', fix: 'Log a user id instead of the phone number, or mask all but the last digits.' },
  'card-number': { title: 'payment card numbers', severity: 'critical', fix: 'Never log card numbers (PCI DSS 3.4): mask to the last 4 digits at the source and purge existing logs.' },
};

/** Secrets and PII in log files (`--logs GLOB`): counted per file and kind, first place located, redacted. */
export const logLeaks = defineCheck({
  meta: {
    id: 'logging/log-leaks',
    area: 'logging',
    severity: 'high',
    title: 'Logs hold no passwords, tokens or raw PII',
    why: 'Logs are copied to many places (log platforms, support tickets, laptops) with weaker access control than the database.',
    breaks: 'Anyone who can read logs can log in as users, replay tokens, or collect personal data you must protect.',
    fix: 'Redact secrets and PII in the logger (an allow-list of fields), rotate what leaked, and purge the affected logs.',
    references: ['OWASP ASVS 5.0 V16.2 (log content)', 'CWE-532', 'OWASP Logging Cheat Sheet'],
  },
  requires: { scan: repoScanGatherer },
  run({ scan }) {
    if (!scan.logs) throw new NotApplicable('no log files were given: run launchready scan --logs "logs/**/*.log"');
    if (scan.logs.files.length === 0) throw new NotApplicable(`no log file matched ${scan.logs.globs.join(', ')}`);
    const out: FindingDraft[] = [];
    for (const file of scan.logs.files) {
      for (const leak of file.leaks) {
        const what = WHAT[leak.kind];
        out.push({
          status: 'fail',
          severity: what.severity,
          title: `${file.path} contains ${what.title}: ${leak.count} occurrence${leak.count === 1 ? '' : 's'}`,
          location: { file: file.path, line: leak.firstLine, column: leak.firstColumn },
          evidence: { value: leak.sample, notes: [`kind: ${leak.kind}${leak.ruleId ? ` (${leak.ruleId})` : ''}`, `${leak.count} in ${file.lines} lines; first at line ${leak.firstLine}`] },
          fix: what.fix,
          discriminator: `${leak.kind}:${leak.ruleId ?? ''}`,
        });
      }
    }
    return out;
  },
});
