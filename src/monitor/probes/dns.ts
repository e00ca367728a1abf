import { describeAnswer, formatRecordData, isDefinitive, type DnsAnswer, type DnsQueryType } from '../../net/dns/types.js';
import type { ProbePlan } from '../config.js';
import { failed, type ProbeContext, type ProbeResult } from './types.js';

type DnsPlan = Extract<ProbePlan, { kind: 'dns' }>;
type MailPlan = Extract<ProbePlan, { kind: 'mail' }>;

/** "name TYPE" → the record values, sorted; NXDOMAIN is recorded as such. */
export type RecordSnapshot = Record<string, string[]>;

interface Query {
  label: string;
  name: string;
  type: DnsQueryType;
  /** Keep only TXT strings that start with this (v=spf1, v=DMARC1). */
  txtPrefix?: string;
}

function valuesOf(a: DnsAnswer, q: Query): string[] {
  if (a.rcode === 'NXDOMAIN') return ['NXDOMAIN'];
  let values = a.records.map((r) => (r.type === 'TXT' || r.type === 'SPF' ? r.data : formatRecordData(r)));
  if (q.txtPrefix) values = values.filter((v) => v.toLowerCase().startsWith(q.txtPrefix!.toLowerCase()));
  return values.sort();
}

export function diffSnapshots(before: RecordSnapshot, after: RecordSnapshot): string[] {
  const out: string[] = [];
  for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const a = JSON.stringify(before[key] ?? []);
    const b = JSON.stringify(after[key] ?? []);
    if (a !== b) out.push(`${key}: ${(before[key] ?? []).join(' | ') || '(none)'} → ${(after[key] ?? []).join(' | ') || '(none)'}`);
  }
  return out;
}

async function snapshotProbe(probeId: string, queries: Query[], ctx: ProbeContext, what: string): Promise<ProbeResult> {
  const at = Date.now();
  const t0 = performance.now();
  const resolver = ctx.resolver();
  const answers = await Promise.all(queries.map((q) => resolver.query(q.name, q.type)));
  const latencyMs = performance.now() - t0;
  const broken = answers.filter((a) => !isDefinitive(a));
  const evidence = answers.map(describeAnswer).join('\n');
  // Broken DNS is an outage of its own, never drift: the baseline stays as it was.
  if (broken.length > 0) return failed(at, `${what}: DNS did not answer: ${broken.map(describeAnswer).join('; ')}`, evidence, { latencyMs });
  const snapshot: RecordSnapshot = {};
  queries.forEach((q, i) => (snapshot[q.label] = valuesOf(answers[i]!, q)));
  const key = `drift:${probeId}`;
  const baseline = await ctx.store.getBaseline(key);
  if (!baseline) {
    await ctx.store.setBaseline(key, snapshot, at);
    return { ok: true, at, latencyMs, httpStatus: null, message: `${what}: baseline recorded (${queries.length} record sets)`, evidence, value: null, conditions: [], attempts: 1 };
  }
  const changes = diffSnapshots(baseline.value as RecordSnapshot, snapshot);
  if (changes.length === 0) return { ok: true, at, latencyMs, httpStatus: null, message: `${what}: unchanged since ${new Date(baseline.recordedAt).toISOString()}`, evidence, value: 0, conditions: [], attempts: 1 };
  return {
    ok: false,
    at,
    latencyMs,
    httpStatus: null,
    message: `${what}: ${changes.length} record set(s) changed since the baseline of ${new Date(baseline.recordedAt).toISOString()}: ${changes.join('; ')} (if intended, run launchready monitor --rebaseline)`,
    evidence,
    value: changes.length,
    conditions: [],
    attempts: 1,
  };
}

/** DNS drift: the probe's names and record types against the baseline recorded on the first run. */
export function runDnsProbe(plan: DnsPlan, ctx: ProbeContext): Promise<ProbeResult> {
  const queries: Query[] = plan.names.flatMap((name) => plan.types.map((type) => ({ label: `${name} ${type}`, name, type: type as DnsQueryType })));
  return snapshotProbe(plan.id, queries, ctx, `DNS of ${plan.names.join(', ')}`);
}

/** Mail drift: MX, SPF, DMARC and each DKIM selector's key against the recorded baseline. */
export function runMailProbe(plan: MailPlan, ctx: ProbeContext): Promise<ProbeResult> {
  const d = plan.domain;
  const queries: Query[] = [
    { label: `${d} MX`, name: d, type: 'MX' },
    { label: `${d} SPF`, name: d, type: 'TXT', txtPrefix: 'v=spf1' },
    { label: `_dmarc.${d} DMARC`, name: `_dmarc.${d}`, type: 'TXT', txtPrefix: 'v=DMARC1' },
    ...plan.dkimSelectors.map((s): Query => ({ label: `${s}._domainkey.${d} DKIM`, name: `${s}._domainkey.${d}`, type: 'TXT' })),
  ];
  return snapshotProbe(plan.id, queries, ctx, `mail records of ${d}`);
}
