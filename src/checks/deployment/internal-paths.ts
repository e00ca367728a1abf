import { defineCheck, type FindingDraft } from '../../engine/check.js';
import type { Area } from '../../model/area.js';
import { internalPathsGatherer, type InternalPathHit, type InternalPathsEvidence } from '../../surface/internal-paths/probe.js';
import type { InternalPathArea } from '../../surface/internal-paths/templates.js';

/**
 * Known internal paths (environment files, VCS metadata, debug consoles, metrics, logs, backups, keys,
 * API docs and admin UIs) judged from one probe of the target, one check per area so each finding
 * lands in the right scorecard row. A hit indistinguishable from a random path's answer (a catch-all
 * server) is never a finding; templates that could not be sent are listed as not tested.
 */

const META: Record<InternalPathArea, { id: string; title: string; why: string; breaks: string; severity: 'critical' | 'high' | 'medium' }> = {
  deployment: {
    id: 'deployment/exposed-internal-paths',
    title: 'No VCS metadata, backups, debug consoles or database tools are served',
    why: 'A deployed .git directory, a backup archive or a debug console hands the source, the data or code execution to whoever requests a well-known path; scanners try these paths within hours of a launch.',
    breaks: 'anyone can download the code or data, or run code on the server',
    severity: 'critical',
  },
  secrets: {
    id: 'secrets/exposed-secret-files',
    title: 'No environment file, key or credential file is served',
    why: 'Files like .env, private keys and cloud credential files are the first paths scanners request; one download gives away every secret in them.',
    breaks: 'anyone can take the database password, API keys or signing keys',
    severity: 'critical',
  },
  logging: {
    id: 'logging/exposed-debug-pages',
    title: 'No debug page, metrics, status page or log file is public',
    why: 'Debug pages, metrics and logs describe the system from the inside (routes, versions, users, errors) and sometimes carry tokens.',
    breaks: 'an attacker maps the system and reads data meant for operators',
    severity: 'high',
  },
  authorization: {
    id: 'authorization/unauthenticated-admin-surface',
    title: 'Admin UIs, API consoles and schema introspection need a login',
    why: 'An admin area, an API console or GraphQL introspection open to visitors shows (or lets them use) functions meant for staff.',
    breaks: 'visitors see or use admin functions and the full API map',
    severity: 'high',
  },
};

function finding(h: InternalPathHit): FindingDraft {
  const severity = h.escalated?.severity ?? h.severity;
  return {
    status: 'fail',
    severity,
    title: `${h.name} is public at ${h.path}${h.escalated ? ` — ${h.escalated.why}` : ''}`,
    location: { url: h.url, method: 'GET', detail: h.id },
    discriminator: h.id,
    evidence: {
      request: `GET ${h.path}`,
      response: `HTTP ${h.status}${h.contentType ? ` ${h.contentType}` : ''}, ${h.length} bytes, sha256:${h.bodySha256.slice(0, 16)} (body not shown)`,
      notes: [`matched: ${h.matched.join('; ')}`, `impact: ${h.impact}`, 'a random path on the same host answered differently (not a catch-all page)'],
      ...(h.secret ? { value: h.secret } : {}),
    },
    fix: h.fix,
  };
}

export function judgeInternalPaths(e: InternalPathsEvidence, area: InternalPathArea): FindingDraft[] {
  const out = e.hits.filter((h) => h.area === area).map(finding);
  const untested = e.notTested.filter((n) => !n.reason.startsWith('excluded'));
  if (untested.length) {
    out.push({
      status: 'skip',
      title: `${untested.length} known internal path(s) not tested`,
      location: { url: e.origin },
      reason: untested
        .slice(0, 10)
        .map((n) => `${n.path}: ${n.reason}`)
        .join('; '),
      discriminator: 'not-tested',
    });
  }
  return out;
}

function makeCheck(area: InternalPathArea) {
  const m = META[area];
  return defineCheck({
    meta: {
      id: m.id,
      area: area as Area,
      severity: m.severity,
      title: m.title,
      why: m.why,
      breaks: m.breaks,
      fix: 'Serve only the build output directory; block dot-files and internal paths at the web server or CDN; turn debug modes off in production.',
      references: ['https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/02-Configuration_and_Deployment_Management_Testing/04-Review_Old_Backup_and_Unreferenced_Files_for_Sensitive_Information', 'OWASP API8:2023 Security Misconfiguration', 'CWE-538', 'CWE-215'],
    },
    requires: { paths: internalPathsGatherer },
    run: ({ paths }) => judgeInternalPaths(paths, area),
  });
}

export const exposedInternalPaths = makeCheck('deployment');
export const exposedSecretFiles = makeCheck('secrets');
export const exposedDebugPages = makeCheck('logging');
export const unauthenticatedAdminSurface = makeCheck('authorization');
export const internalPathChecks = [exposedInternalPaths, exposedSecretFiles, exposedDebugPages, unauthenticatedAdminSurface];
