import type { Report } from '../model/report.js';

/**
 * What a run learned about the live product, for the handover checklist (`--format handover`) and the
 * HTML report. Gatherers fill `report.facts` under these keys; every key is optional, and a topic that
 * was not looked at is simply absent (the handover then says "not checked").
 *
 * Facts never hold a secret value: env vars are names and places, webhooks are URLs and schemes.
 */
export interface ReportFacts {
  /** Every domain and subdomain looked at (`domain-tls`). */
  domains?: DomainFact[];
  /** Certificates seen on the domains' HTTPS endpoints (`domain-tls`). */
  certificates?: CertificateFact[];
  /** Mail authentication of the mail domain(s) (`email`). */
  mail?: MailFact[];
  /** Env vars the code reads, where, and where they are documented or set (`deployment` env preflight). */
  env?: EnvVarFact[];
  /** Webhook endpoints and their signature schemes (`deployment`). */
  webhooks?: WebhookFact[];
  /** Monitors configured or found (`monitoring`). */
  monitors?: MonitorFact[];
  /** What the baseline did this run (`applyBaseline`): expired and unmatched entries. */
  baseline?: BaselineFacts;
}

export interface DnsRecordFact {
  /** A, AAAA, CNAME, MX, TXT, CAA, NS … */
  type: string;
  /** Owner name, e.g. `app.example.com` or `_dmarc.example.com`. */
  name: string;
  /** Record data as text (TXT strings joined), e.g. `203.0.113.7` or `10 mx1.example.com`. */
  value: string;
  ttl?: number;
}

export interface DomainFact {
  name: string;
  resolves: boolean;
  records: DnsRecordFact[];
  /** The canonical host every other host redirects to, when this one is not it. */
  redirectsTo?: string;
  /** The host serves the app itself (not a redirect). */
  canonical?: boolean;
  /** A CDN/WAF recognised in front of it, e.g. `cloudflare`. */
  edge?: string;
  /** Why it does not resolve or could not be checked. */
  note?: string;
}

export interface CertificateFact {
  /** Host (and port when not 443) the certificate was served for. */
  host: string;
  subject: string;
  issuer: string;
  /** Subject alternative names. */
  altNames: string[];
  /** ISO 8601 dates. */
  validFrom: string;
  validTo: string;
  /** Whole days left at the run's instant (negative when expired). */
  daysLeft: number;
  /** Negotiated protocol, e.g. `TLSv1.3`. */
  protocol?: string;
  /** The chain verified against the trust store in use. */
  chainValid?: boolean;
  keyType?: string;
  keyBits?: number;
}

export interface DkimFact {
  selector: string;
  /** Raw record text, when found (public key data, never secret). */
  record?: string;
  keyBits?: number;
  found: boolean;
}

export interface MailFact {
  domain: string;
  mx?: string[];
  /** SPF record text; `null` when looked up and absent. */
  spf?: string | null;
  spfLookups?: number;
  /** DMARC record text; `null` when looked up and absent. */
  dmarc?: string | null;
  /** DMARC policy `none` | `quarantine` | `reject`. */
  dmarcPolicy?: string;
  dkim?: DkimFact[];
  /** MTA-STS / TLS-RPT / BIMI records, when looked up. */
  other?: DnsRecordFact[];
}

export interface EnvVarUse {
  file: string;
  line?: number;
}

export interface EnvVarFact {
  /** Variable name only — never its value. */
  name: string;
  /** Where the code reads it. */
  usedIn: EnvVarUse[];
  /** Where it is documented (`.env.example`, README …); empty when undocumented. */
  documentedIn?: string[];
  /** Where it is set for deployment (an env file, a platform manifest); empty when nowhere. */
  setIn?: string[];
  /** Only needed in some environments (a default exists in code). */
  optional?: boolean;
}

export interface WebhookFact {
  url: string;
  scheme: string;
  /** Signature verification observed: `true` rejects unsigned/forged deliveries; `false` accepts them. */
  verifiesSignature?: boolean;
  /** Header carrying the signature, e.g. `Stripe-Signature`. */
  header?: string;
  note?: string;
}

export interface MonitorFact {
  name: string;
  /** `uptime` | `synthetic-login` | `health` | `certificate` | `latency` | another word. */
  kind: string;
  target: string;
  /** e.g. `1m`. */
  interval?: string;
  /** Where alerts go (channel names or addresses, never webhook secrets). */
  alertsTo?: string[];
  /** Status at the end of the run, if the monitor is live: `up`, `down`, `unknown`. */
  status?: string;
}

export interface BaselineFacts {
  /** Entries whose expiry date has passed: they no longer suppress. */
  expired: Array<{ id: string; reason: string; expires: string; source?: string }>;
  /** Entries that matched no finding of this run (fixed, or the place changed): candidates to delete. */
  unmatched: Array<{ id: string; reason: string; source?: string }>;
  /** Human-readable notes, one per expired or unmatched entry. */
  notes: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function listOf<T>(value: unknown, keep: (item: Record<string, unknown>) => boolean): T[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter((item): item is Record<string, unknown> => isRecord(item) && keep(item)) as T[];
}

const str = (v: unknown): boolean => typeof v === 'string';

/**
 * `report.facts` is filled by many gatherers; read it defensively so a malformed topic drops out of the
 * handover instead of crashing a renderer.
 */
export function readFacts(report: Pick<Report, 'facts'>): ReportFacts {
  const raw = isRecord(report.facts) ? report.facts : {};
  const facts: ReportFacts = {};
  const domains = listOf<DomainFact>(raw.domains, (d) => str(d.name));
  if (domains) facts.domains = domains.map((d) => ({ ...d, records: listOf<DnsRecordFact>(d.records, (r) => str(r.type) && str(r.value)) ?? [] }));
  const certificates = listOf<CertificateFact>(raw.certificates, (c) => str(c.host) && str(c.validTo));
  if (certificates) facts.certificates = certificates.map((c) => ({ ...c, altNames: Array.isArray(c.altNames) ? c.altNames.filter(str) : [] }));
  const mail = listOf<MailFact>(raw.mail, (m) => str(m.domain));
  if (mail) facts.mail = mail.map((m) => ({ ...m, dkim: listOf<DkimFact>(m.dkim, (k) => str(k.selector)) ?? [] }));
  const env = listOf<EnvVarFact>(raw.env, (e) => str(e.name));
  if (env) facts.env = env.map((e) => ({ ...e, usedIn: listOf<EnvVarUse>(e.usedIn, (u) => str(u.file)) ?? [] }));
  const webhooks = listOf<WebhookFact>(raw.webhooks, (w) => str(w.url) && str(w.scheme));
  if (webhooks) facts.webhooks = webhooks;
  const monitors = listOf<MonitorFact>(raw.monitors, (m) => str(m.name) && str(m.kind) && str(m.target));
  if (monitors) facts.monitors = monitors;
  if (isRecord(raw.baseline)) {
    const b = raw.baseline;
    facts.baseline = {
      expired: listOf(b.expired, (e) => str(e.id)) ?? [],
      unmatched: listOf(b.unmatched, (e) => str(e.id)) ?? [],
      notes: Array.isArray(b.notes) ? b.notes.filter((n): n is string => typeof n === 'string') : [],
    };
  }
  return facts;
}
