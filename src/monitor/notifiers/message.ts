import type { RuleId } from '../rules.js';

/** What every notification carries (the JSON body of the generic webhook, verbatim). */
export interface AlertPayload {
  /** The outbox id: stable across retries, so a receiver can drop a repeated delivery. */
  id: string;
  event: 'alert' | 'recovery' | 'reminder';
  probe: string;
  kind: string;
  /** What the probe checks, e.g. "GET https://app.example.com/". */
  check: string;
  rule: RuleId;
  incident: string;
  title: string;
  /** What failed (or what is fine again), one line. */
  summary: string;
  /** When the trouble started (ISO). */
  since: string;
  /** When this notification was decided (ISO). */
  at: string;
  /** For recoveries and reminders: how long it has been (e.g. "4m30s"). */
  duration?: string;
  /** The last failing check's request and response, redacted. */
  evidence: string;
  statusPage: string;
  target?: string;
}

const RULE_WORDS: Record<RuleId, string> = {
  down: 'is DOWN',
  'error-rate': 'has an error-rate spike',
  latency: 'is slow (p95 over threshold)',
  'cert-expiry': 'has a certificate about to expire',
};

export function titleFor(event: AlertPayload['event'], probe: string, rule: RuleId): string {
  if (event === 'recovery') return `[RESOLVED] ${probe} ${rule === 'down' ? 'is back up' : `no longer ${RULE_WORDS[rule].replace(/^(is|has) /, '')}`}`;
  return `${event === 'reminder' ? '[STILL FAILING] ' : '[ALERT] '}${probe} ${RULE_WORDS[rule]}`;
}

export function plainText(p: AlertPayload): string {
  const lines = [
    p.title,
    '',
    p.event === 'recovery' ? `Recovered: ${p.summary}` : `What failed: ${p.summary}`,
    `Check: ${p.check}`,
    `${p.event === 'recovery' ? 'Was failing since' : 'Failing since'}: ${p.since}${p.duration ? ` (${p.duration})` : ''}`,
    `Status page: ${p.statusPage}`,
  ];
  if (p.evidence && p.event !== 'recovery') lines.push('', 'Last evidence (redacted):', p.evidence);
  lines.push('', `incident ${p.incident} · notification ${p.id}`);
  return lines.join('\n');
}

/** Slack mrkdwn: the title bold, evidence in a code block (capped: Slack truncates long messages). */
export function slackText(p: AlertPayload): string {
  const evidence = p.evidence && p.event !== 'recovery' ? `\n\`\`\`${p.evidence.slice(0, 1500).replace(/```/g, "'''")}\`\`\`` : '';
  return (
    `*${p.title}*\n` +
    `${p.event === 'recovery' ? 'Recovered' : 'What failed'}: ${p.summary}\n` +
    `Check: ${p.check}\n` +
    `Since: ${p.since}${p.duration ? ` (${p.duration})` : ''}\n` +
    `<${p.statusPage}|Status page>${evidence}`
  );
}
