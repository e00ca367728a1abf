import type { CheckMeta } from '../engine/check.js';
import { AREA_TITLES, type Area } from '../model/area.js';
import type { Finding } from '../model/finding.js';
import { groupsOf, sprintOf, type Report } from '../model/report.js';
import { sprintVerdict } from '../model/sprint.js';
import { describeLocation, metaIndex } from './describe.js';
import { readFacts } from './facts.js';

/**
 * `--format junit`: JUnit XML so any CI shows the checklist natively. One <testsuite> per scorecard
 * area, one <testcase> per finding (a check at one target place): classname = area, name = check id +
 * location. fail → <failure> with the finding text and the fix; error → <error>; skip → <skipped>;
 * warn passes with the warning in <system-out>. An area no check ran for is one skipped case, and an
 * incomplete run adds an errored "run completeness" case, so a CI never shows green for what was not tested.
 */

/** XML 1.0 allows only these characters; everything else (NUL, ESC, lone surrogates …) is removed. */
// eslint-disable-next-line no-control-regex -- the allowed set is spelled out, control characters included
const XML_INVALID = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(value: unknown): string {
  return String(value ?? '')
    .replace(XML_INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

export function xmlAttr(value: unknown): string {
  return xmlText(value)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

function seconds(ms: number | undefined): string {
  return ((ms ?? 0) / 1000).toFixed(3);
}

function indent(text: string, prefix = '  '): string {
  return text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}

function findingText(f: Finding, meta: CheckMeta | undefined): string {
  const lines = [f.title, `Where: ${describeLocation(f.location)}`, `Severity: ${f.severity} · Check: ${f.check} · Finding id: ${f.id}`];
  if (f.reason) lines.push(`Reason: ${f.reason}`);
  if (meta && f.status !== 'pass' && f.status !== 'skip') lines.push(`Why it matters: ${meta.why}`);
  const e = f.evidence;
  if (e.request) lines.push('Request (redacted):', indent(e.request));
  if (e.response) lines.push('Response (redacted):', indent(e.response));
  if (e.reproduce) lines.push('Reproduce:', indent(e.reproduce));
  if (e.value) lines.push(`Secret: starts with "${e.value.prefix}", ${e.value.length} characters, sha256 ${e.value.sha256}`);
  for (const n of e.notes ?? []) lines.push(`Note: ${n}`);
  if (f.status === 'fail' || f.status === 'warn') lines.push(`Fix: ${f.fix}`);
  if (f.references.length) lines.push(`References: ${f.references.join(', ')}`);
  return lines.join('\n');
}

function testcaseName(f: Finding): string {
  return `${f.check} ${describeLocation(f.location)}`;
}

function testcase(f: Finding, meta: CheckMeta | undefined): string {
  const open = `    <testcase classname="${xmlAttr(f.area)}" name="${xmlAttr(testcaseName(f))}" time="0.000"`;
  const text = xmlText(findingText(f, meta));
  switch (f.status) {
    case 'fail':
      return `${open}>\n      <failure message="${xmlAttr(f.title)}" type="${xmlAttr(f.severity)}">${text}</failure>\n    </testcase>`;
    case 'error':
      return `${open}>\n      <error message="${xmlAttr(f.reason ?? f.title)}" type="error">${text}</error>\n    </testcase>`;
    case 'skip':
      return `${open}>\n      <skipped message="${xmlAttr(f.reason ?? 'not tested')}"/>\n    </testcase>`;
    case 'warn':
      return `${open}>\n      <system-out>${xmlText(`WARNING (${f.severity}): `)}${text}</system-out>\n    </testcase>`;
    default:
      return `${open}/>`;
  }
}

interface Suite {
  name: string;
  cases: string[];
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  timeMs: number;
  properties: Array<[string, string]>;
}

export function renderJunit(report: Report, checksMeta: readonly CheckMeta[] = []): string {
  const metas = metaIndex(checksMeta);
  const suites: Suite[] = [];
  const areas: Area[] = report.scorecard.map((r) => r.area);
  for (const f of report.findings) if (!areas.includes(f.area)) areas.push(f.area);
  for (const area of areas) {
    const findings = report.findings.filter((f) => f.area === area);
    const suite: Suite = {
      name: AREA_TITLES[area] ?? area,
      cases: [],
      tests: 0,
      failures: 0,
      errors: 0,
      skipped: 0,
      timeMs: report.stats.areaDurationsMs[area] ?? 0,
      properties: [['area', area]],
    };
    if (findings.length === 0) {
      suite.cases.push(
        `    <testcase classname="${xmlAttr(area)}" name="${xmlAttr(`${area} (no check ran)`)}" time="0.000">\n      <skipped message="No check of this area ran in this audit: it was not tested."/>\n    </testcase>`,
      );
      suite.tests = 1;
      suite.skipped = 1;
    }
    for (const f of findings) {
      suite.cases.push(testcase(f, metas.get(f.check)));
      suite.tests += 1;
      if (f.status === 'fail') suite.failures += 1;
      else if (f.status === 'error') suite.errors += 1;
      else if (f.status === 'skip') suite.skipped += 1;
    }
    suites.push(suite);
  }

  // The run itself: incomplete reasons are an error, and the baseline's effect is printed.
  const run: Suite = { name: 'launchready run', cases: [], tests: 1, failures: 0, errors: 0, skipped: 0, timeMs: report.durationMs, properties: [] };
  run.properties.push(['target', report.target], ['verdict', report.verdict], ['score', report.score === null ? 'none' : String(report.score)]);
  for (const w of report.waivers ?? []) run.properties.push([`waived:${w.area}`, w.reason]);
  const sprint = sprintOf(report);
  const out: string[] = [
    `Verdict: ${report.verdict} · ${report.score === null ? (report.scoreNote ?? 'no score') : `score ${report.score}/100`} · ${groupsOf(report).length} blockers by root cause (${report.blockers.length} failing findings)`,
    sprintVerdict(sprint),
  ];
  for (const w of report.waivers ?? []) out.push(`Waived ${w.area}: ${w.reason}`);
  for (const s of report.suppressed ?? []) out.push(`Suppressed ${s.id}: ${s.reason}${s.expires ? ` (until ${s.expires})` : ''}`);
  for (const n of readFacts(report).baseline?.notes ?? []) out.push(`Baseline: ${n}`);
  const runOpen = `    <testcase classname="launchready" name="run completeness" time="${seconds(report.durationMs)}">`;
  if (report.incomplete.length > 0) {
    run.errors = 1;
    run.cases.push(
      `${runOpen}\n      <error message="${xmlAttr(`Incomplete: ${report.incomplete.length} part(s) of the checklist could not be tested`)}" type="incomplete">${xmlText(report.incomplete.join('\n'))}</error>\n      <system-out>${xmlText(out.join('\n'))}</system-out>\n    </testcase>`,
    );
  } else {
    run.cases.push(`${runOpen}\n      <system-out>${xmlText(out.join('\n'))}</system-out>\n    </testcase>`);
  }
  suites.push(run);

  const total = suites.reduce(
    (t, s) => ({ tests: t.tests + s.tests, failures: t.failures + s.failures, errors: t.errors + s.errors, skipped: t.skipped + s.skipped }),
    { tests: 0, failures: 0, errors: 0, skipped: 0 },
  );
  const timestamp = Number.isNaN(new Date(report.startedAt).getTime()) ? '' : new Date(report.startedAt).toISOString().slice(0, 19);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlAttr(`launchready ${report.target}`)}" tests="${total.tests}" failures="${total.failures}" errors="${total.errors}" skipped="${total.skipped}" time="${seconds(report.durationMs)}"${timestamp ? ` timestamp="${timestamp}"` : ''}>`,
  ];
  suites.forEach((s, id) => {
    lines.push(
      `  <testsuite name="${xmlAttr(s.name)}" id="${id}" tests="${s.tests}" failures="${s.failures}" errors="${s.errors}" skipped="${s.skipped}" time="${seconds(s.timeMs)}"${timestamp ? ` timestamp="${timestamp}"` : ''}>`,
    );
    if (s.properties.length > 0) {
      lines.push('    <properties>');
      for (const [name, value] of s.properties) lines.push(`      <property name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>`);
      lines.push('    </properties>');
    }
    lines.push(...s.cases, '  </testsuite>');
  });
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
