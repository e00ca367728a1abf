import { fingerprint, type Finding, type Status } from '../../src/model/finding.js';
import type { Area } from '../../src/model/area.js';
import { blockersOf, scorecardOf, scoreOf, verdictOf, type Report } from '../../src/model/report.js';
import type { Severity } from '../../src/model/severity.js';

/**
 * Two audits of one target whose differences are known exactly, for the compare page and API:
 *
 *   finding                     run 1 (older)   run 2 (newer)   comparison
 *   session cookie HttpOnly     fail high       pass            fixed
 *   CSP missing                 fail medium     fail medium     still open
 *   Referrer-Policy             warn low        (absent)        not re-tested
 *   error leakage on /api/x     pass            fail high       new
 *   committed Stripe key        fail critical   fail critical   still open
 *   user enumeration            (absent)        fail medium     new
 */
export const TARGET = 'https://portal.example.test/';

export function finding(check: string, area: Area, severity: Severity, status: Status, title: string, url: string, extra: Partial<Finding> = {}): Finding {
  const location = { url, method: 'GET' };
  return {
    id: fingerprint(check, location),
    check,
    area,
    severity,
    status,
    title,
    location,
    evidence: { request: `GET ${url}\nCookie: <redacted>`, response: 'HTTP/1.1 200 OK\ncontent-type: text/html' },
    fix: `Fix for ${title}`,
    references: ['OWASP ASVS 3.4.1', 'https://owasp.org/www-project-secure-headers/'],
    ...extra,
  };
}

export const F = {
  cookie: (s: Status) => finding('session/cookie-flags', 'session', 'high', s, 'Cookie "sid" is readable by JavaScript (no HttpOnly)', `${TARGET}login`),
  csp: (s: Status) => finding('edge/security-headers', 'edge', 'medium', s, 'Landing page: no Content-Security-Policy header', TARGET),
  referrer: (s: Status) => finding('edge/security-headers', 'edge', 'low', s, 'Landing page: no Referrer-Policy header', `${TARGET}?referrer`),
  leak: (s: Status) => finding('input-validation/error-leakage', 'input-validation', 'high', s, 'POST /api/invoices answers 500 with a stack trace', `${TARGET}api/invoices`),
  secret: (s: Status) =>
    finding('secrets/committed-secret', 'secrets', 'critical', s, 'Stripe live secret key committed in src/config.ts', `${TARGET}#repo`, {
      evidence: { value: { prefix: 'sk_l', length: 32, sha256: 'a'.repeat(64) }, notes: ['found in src/config.ts line 3'] },
    }),
  enumeration: (s: Status) => finding('authentication/user-enumeration', 'authentication', 'medium', s, 'Login says whether an account exists', `${TARGET}api/login`),
};

export function reportOf(findings: Finding[], startedAt: string, target = TARGET): Report {
  return {
    tool: { name: 'launchready', version: '0.1.0' },
    target,
    startedAt,
    durationMs: 4200,
    verdict: verdictOf(findings, 'high', []),
    incomplete: [],
    score: scoreOf(findings),
    scorecard: scorecardOf(findings),
    findings,
    blockers: blockersOf(findings),
    accessMatrix: [],
    latency: {},
    stats: { requests: 321, bytes: 12345, areaDurationsMs: { session: 1200 } },
  };
}

export function runOne(): Report {
  return reportOf([F.cookie('fail'), F.csp('fail'), F.referrer('warn'), F.leak('pass'), F.secret('fail')], '2026-11-20T10:00:00.000Z');
}

export function runTwo(): Report {
  return reportOf([F.cookie('pass'), F.csp('fail'), F.leak('fail'), F.secret('fail'), F.enumeration('fail')], '2026-11-22T10:00:00.000Z');
}

/** A clean run of another target (ready). */
export function readyRun(): Report {
  return reportOf([finding('edge/security-headers', 'edge', 'low', 'pass', 'Headers set', 'https://ok.example.test/')], '2026-11-21T09:00:00.000Z', 'https://ok.example.test/');
}
