import type { CheckMeta } from '../engine/check.js';
import { AREA_TITLES } from '../model/area.js';
import type { Finding } from '../model/finding.js';
import { groupsOf, sprintOf, type Report } from '../model/report.js';
import type { Severity } from '../model/severity.js';
import { describeLocation, isHttpUrl, metaIndex } from './describe.js';
import { readFacts } from './facts.js';

/**
 * `--format sarif`: SARIF 2.1.0 for code-scanning services (GitHub, GitLab, Azure DevOps).
 *
 * - Only `fail` and `warn` findings become results; passes and skips are not problems.
 * - File-located findings (secrets, env preflight, log files) get a physicalLocation with a region;
 *   URL, domain and record findings get logicalLocations, and the URL/domain in `properties`.
 * - `tool.driver.rules` comes from check meta (title, why, what breaks, fix, references).
 * - `partialFingerprints` carries the finding's stable id, so services de-duplicate across runs.
 */

type Level = 'error' | 'warning' | 'note' | 'none';

const LEVEL_BY_SEVERITY: Record<Severity, Level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

/** GitHub's `security-severity` scale (0–10): critical ≥ 9, high ≥ 7, medium ≥ 4, low > 0. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const FINGERPRINT_KEY = 'launchreadyFindingId/v1';

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: Level };
  properties: { tags: string[]; precision: string; 'security-severity': string; area: string; severity: Severity };
}

function ruleName(id: string): string {
  return id
    .split(/[/_-]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** Markdown-safe text for the help markdown (check meta is ours, but keep it inert anyway). */
function md(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, '\\$1');
}

function ruleFromMeta(meta: CheckMeta): SarifRule {
  const helpUri = meta.references.find(isHttpUrl);
  const refs = meta.references.map((r) => (isHttpUrl(r) ? `- <${r}>` : `- ${md(r)}`));
  const tags = ['security', meta.area, ...meta.references.filter((r) => !isHttpUrl(r))];
  const rule: SarifRule = {
    id: meta.id,
    name: ruleName(meta.id),
    shortDescription: { text: meta.title },
    fullDescription: { text: [meta.why, meta.breaks].filter(Boolean).join(' ') },
    help: {
      text: [`Why it matters: ${meta.why}`, meta.breaks ? `What breaks: ${meta.breaks}` : '', `Fix: ${meta.fix}`, meta.references.length ? `References: ${meta.references.join(', ')}` : '']
        .filter(Boolean)
        .join('\n'),
      markdown: [
        `**${md(meta.title)}** (${md(AREA_TITLES[meta.area])})`,
        '',
        `**Why it matters:** ${md(meta.why)}`,
        ...(meta.breaks ? ['', `**What breaks:** ${md(meta.breaks)}`] : []),
        '',
        `**Fix:** ${md(meta.fix)}`,
        ...(refs.length ? ['', '**References:**', ...refs] : []),
      ].join('\n'),
    },
    defaultConfiguration: { level: LEVEL_BY_SEVERITY[meta.severity] },
    properties: { tags: [...new Set(tags)], precision: 'high', 'security-severity': SECURITY_SEVERITY[meta.severity], area: meta.area, severity: meta.severity },
  };
  if (helpUri) rule.helpUri = helpUri;
  return rule;
}

/** A check the caller gave no meta for still gets a rule, from what its findings say. */
function ruleFromFinding(f: Finding): SarifRule {
  return ruleFromMeta({
    id: f.check,
    area: f.area,
    severity: f.severity,
    title: f.title,
    why: `A ${AREA_TITLES[f.area]} check of the launch checklist.`,
    breaks: '',
    fix: f.fix,
    references: f.references,
  });
}

function resultLevel(f: Finding): Level {
  const level = LEVEL_BY_SEVERITY[f.severity];
  return f.status === 'warn' && level === 'error' ? 'warning' : level;
}

/** A repository-relative path as a URI reference (forward slashes, percent-encoded). */
function fileUri(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/^\.\//, '')
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

function resultOf(f: Finding, ruleIndex: number): Record<string, unknown> {
  const loc = f.location;
  const message = [f.title, `Where: ${describeLocation(loc)}.`, `Fix: ${f.fix}`].join('\n');
  const location: Record<string, unknown> = {};
  if (loc.file) {
    const region: Record<string, number> = {};
    if (loc.line && loc.line > 0) region.startLine = loc.line;
    if (loc.line && loc.column && loc.column > 0) region.startColumn = loc.column;
    location.physicalLocation = {
      artifactLocation: { uri: fileUri(loc.file), uriBaseId: '%SRCROOT%' },
      ...(Object.keys(region).length > 0 ? { region } : {}),
    };
  }
  const logical: Array<Record<string, string>> = [];
  if (loc.url) {
    const name = loc.method ? `${loc.method} ${pathOf(loc.url)}` : pathOf(loc.url);
    logical.push({ name, fullyQualifiedName: loc.method ? `${loc.method} ${loc.url}` : loc.url, kind: 'resource' });
  }
  if (loc.domain || (loc.record && !loc.file)) {
    const name = [loc.domain, loc.record].filter(Boolean).join(' ');
    logical.push({ name, fullyQualifiedName: name, kind: 'resource' });
  }
  if (logical.length > 0) location.logicalLocations = logical;
  if (Object.keys(location).length === 0) location.logicalLocations = [{ name: f.check, kind: 'resource' }];

  const properties: Record<string, unknown> = { area: f.area, severity: f.severity, status: f.status };
  if (loc.url) properties.url = loc.url;
  if (loc.method) properties.method = loc.method;
  if (loc.domain) properties.domain = loc.domain;
  if (loc.record) properties.record = loc.record;
  if (loc.detail) properties.detail = loc.detail;
  if (loc.commit) properties.commit = loc.commit;
  if (loc.date) properties.commitDate = loc.date;
  const e = f.evidence;
  const evidence: Record<string, unknown> = {};
  if (e.request) evidence.request = e.request;
  if (e.response) evidence.response = e.response;
  if (e.reproduce) evidence.reproduce = e.reproduce;
  if (e.value) evidence.value = { prefix: e.value.prefix, length: e.value.length, sha256: e.value.sha256 };
  if (e.notes?.length) evidence.notes = e.notes;
  if (Object.keys(evidence).length > 0) properties.evidence = evidence;
  if (f.references.length > 0) properties.references = f.references;

  return {
    ruleId: f.check,
    ruleIndex,
    kind: 'fail',
    level: resultLevel(f),
    message: { text: message },
    locations: [location],
    partialFingerprints: { [FINGERPRINT_KEY]: f.id },
    properties,
  };
}

function automationHost(target: string): string {
  try {
    return new URL(target).host || 'local';
  } catch {
    return 'local';
  }
}

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

export function renderSarif(report: Report, checksMeta: readonly CheckMeta[] = []): string {
  const metas = metaIndex(checksMeta);
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const addRule = (rule: SarifRule): void => {
    if (ruleIndex.has(rule.id)) return;
    ruleIndex.set(rule.id, rules.length);
    rules.push(rule);
  };
  for (const meta of checksMeta) addRule(ruleFromMeta(meta));
  const problems = report.findings.filter((f) => f.status === 'fail' || f.status === 'warn');
  for (const f of problems) if (!metas.has(f.check)) addRule(ruleFromFinding(f));

  const notifications: Array<Record<string, unknown>> = [
    ...report.incomplete.map((reason) => ({ level: 'warning', message: { text: `Not tested: ${reason}` }, descriptor: { id: 'launchready/incomplete' } })),
    ...report.findings
      .filter((f) => f.status === 'error')
      .map((f) => ({
        level: 'error',
        message: { text: `${f.check} could not run at ${describeLocation(f.location)}: ${f.reason ?? 'no reason recorded'}` },
        descriptor: { id: f.check },
      })),
    ...(readFacts(report).baseline?.notes ?? []).map((note) => ({ level: 'note', message: { text: note }, descriptor: { id: 'launchready/baseline' } })),
  ];

  const started = new Date(report.startedAt);
  const invocation: Record<string, unknown> = {
    executionSuccessful: report.verdict !== 'incomplete',
    properties: { verdict: report.verdict, score: report.score, ...(report.scoreNote ? { scoreNote: report.scoreNote } : {}), suppressed: report.suppressed?.length ?? 0 },
  };
  if (!Number.isNaN(started.getTime())) {
    invocation.startTimeUtc = started.toISOString();
    invocation.endTimeUtc = new Date(started.getTime() + Math.max(0, report.durationMs)).toISOString();
  }
  if (notifications.length > 0) invocation.toolExecutionNotifications = notifications;

  const sarif = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: /^\d+\.\d+\.\d+/.test(report.tool.version) ? report.tool.version : undefined,
            rules,
          },
        },
        // GitHub files results under the category before the last slash: one category per audited host.
        automationDetails: { id: `launchready/${automationHost(report.target)}/` },
        invocations: [invocation],
        results: problems.map((f) => resultOf(f, ruleIndex.get(f.check)!)),
        properties: {
          target: report.target,
          verdict: report.verdict,
          score: report.score,
          ...(report.scoreNote ? { scoreNote: report.scoreNote } : {}),
          blockers: report.blockers,
          blockerGroups: groupsOf(report).map((g) => ({ id: g.id, check: g.check, severity: g.severity, title: g.title, findings: g.findings, effortHours: g.effort.hours })),
          sprint: { fits: sprintOf(report).fits, totalHours: sprintOf(report).totalHours, capacityHours: sprintOf(report).capacityHours },
          ...(report.coverage ? { coverage: report.coverage } : {}),
          waivers: report.waivers ?? [],
          suppressed: report.suppressed ?? [],
        },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
