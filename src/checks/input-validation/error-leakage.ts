import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { malformedRequestsGatherer } from '../../surface/malformed.js';
import { findLeaks } from './leak-signatures.js';

const PAYLOAD_WORDS = {
  'bad-path-id': 'a malformed id in the path',
} as const;

export const errorLeakage = defineCheck({
  meta: {
    id: 'input-validation/error-leakage',
    area: 'input-validation',
    severity: 'high',
    title: 'Malformed ids in URLs get a clean 4xx, never a 5xx or internals',
    why: 'How an app fails on garbage tells attackers where to dig: a stack trace or SQL error reveals files, libraries and queries, and a 500 shows input reaches code that did not expect it.',
    breaks: 'Stack traces and SQL errors map your code for an attacker and often precede injection; 5xx on bad input can be turned into outages.',
    fix: 'Validate every request body and parameter at the edge of the handler (a schema: zod, Joi, pydantic) and answer 400 with a short message; install an error handler that logs the detail and returns a generic 500 without stack or SQL text.',
    references: ['OWASP API8:2023', 'OWASP ASVS 7.4.1', 'CWE-209'],
  },
  requires: { attempts: malformedRequestsGatherer },
  run({ attempts }, ctx) {
    const out: FindingDraft[] = [];
    for (const a of attempts) {
      const loc = { url: a.exchange.request.url, method: a.exchange.request.method };
      if (a.exchange.error) {
        out.push({
          status: 'fail',
          severity: 'medium',
          title: `${a.route} dropped the connection on ${PAYLOAD_WORDS[a.payload]} (${a.exchange.error.code})`,
          location: loc,
          discriminator: a.payload,
          evidence: ctx.evidence.exchange(a.exchange),
        });
        continue;
      }
      const r = a.exchange.response!;
      const leaks = findLeaks(r.text());
      if (leaks.length > 0) {
        out.push({
          status: 'fail',
          severity: 'high',
          title: `${a.route} shows ${[...new Set(leaks.map((l) => l.kind.replace('-', ' ')))].join(' and ')} on ${PAYLOAD_WORDS[a.payload]}`,
          location: loc,
          discriminator: `${a.payload}:leak`,
          evidence: { ...ctx.evidence.exchange(a.exchange, { bodyLimit: 800 }), notes: leaks.map((l) => `${l.id}: matched`) },
        });
      }
      if (r.status >= 500) {
        out.push({
          status: 'fail',
          severity: 'medium',
          title: `${a.route} answers HTTP ${r.status} to ${PAYLOAD_WORDS[a.payload]} (expected 4xx)`,
          location: loc,
          discriminator: `${a.payload}:5xx`,
          evidence: ctx.evidence.exchange(a.exchange, { bodyLimit: 300 }),
          fix: 'Validate the input before using it and answer 400 (or 422) with a message saying which field is wrong.',
        });
      }
    }
    return out;
  },
});
