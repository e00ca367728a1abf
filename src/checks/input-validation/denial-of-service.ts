import { targetHealthGatherer } from '../../abuse/health-events.js';
import { defineCheck, type FindingDraft } from '../../engine/check.js';
import type { HealthEvent } from '../../net/target-health.js';

const SYMPTOM: Record<HealthEvent['symptom'], string> = {
  timeout: 'it did not answer in time',
  refused: 'connections were refused',
  reset: 'the connection was dropped',
  unavailable: 'a gateway error',
  latency: 'its latency jumped',
  error: 'a connection error',
};

function recheckLine(e: HealthEvent): string {
  return e.rechecks
    .map((r) => `+${r.atMs} ms: ${r.healthy ? 'healthy' : 'not healthy'} (${r.status !== undefined ? `HTTP ${r.status}` : (r.code ?? 'no answer')}, ${r.ms} ms)`)
    .join('; ');
}

export const denialOfService = defineCheck({
  meta: {
    id: 'input-validation/denial-of-service',
    area: 'input-validation',
    severity: 'high',
    title: 'No single request hangs or crashes the app',
    why: 'If one request can stall the event loop (a catastrophic regular expression, an unbounded parser) or crash the process, anyone can take the product offline for every customer with a loop of curl commands.',
    breaks: 'One attacker, or one unlucky customer, makes the whole app stop answering until it is restarted by hand or by a supervisor — again and again.',
    fix: 'Bound every input before work starts (body size, string length, nesting depth, array length); replace regular expressions with nested quantifiers by linear ones (or a length check first, or RE2); catch errors per request so a bad body never kills the process; run more than one process behind a supervisor and a health check.',
    references: ['CWE-400', 'CWE-1333', 'CWE-248', 'OWASP API4:2023', 'https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS'],
    phase: 'final',
  },
  requires: { health: targetHealthGatherer },
  run({ health }, ctx) {
    const out: FindingDraft[] = [];
    for (const e of health.events) {
      const u = new URL(e.suspect.request.url);
      const route = `${e.suspect.request.method} ${u.pathname}`;
      const ev = ctx.evidence.exchange(e.suspect, { bodyLimit: 300 });
      const how = e.recovered
        ? `the target stopped answering normally for ${(e.outageMs / 1000).toFixed(1)} s after request ${e.afterRequest} (${route}), then recovered`
        : e.interrupted
          ? `the target stopped answering after request ${e.afterRequest} (${route}) and had not recovered when the run ended ${(e.outageMs / 1000).toFixed(1)} s later`
          : `the target stopped answering after request ${e.afterRequest} (${route}) and had not recovered ${(e.outageMs / 1000).toFixed(1)} s later`;
      out.push({
        status: 'fail',
        severity: 'high',
        title: `${route} ${e.recovered || e.interrupted ? 'took the app down' : 'took the app down for good'}: ${how}`,
        location: { url: `${u.origin}${u.pathname}`, method: e.suspect.request.method },
        discriminator: `${e.afterRequest}`,
        evidence: {
          ...ev,
          notes: [
            `first sign on request ${e.seenOnRequest}: ${SYMPTOM[e.symptom]} (${e.symptomDetail})`,
            health.baseline ? `baseline ${health.baseline.url}: HTTP ${health.baseline.status} in ${health.baseline.medianMs} ms before` : 'no baseline was timed before',
            `re-checks of the baseline: ${recheckLine(e)}`,
            e.recovered ? 'launchready stopped escalating that kind of probe and went on' : e.interrupted ? 'the run ended while launchready was still waiting for the target' : 'launchready stopped the run here: nothing after this request was tested',
          ],
        },
      });
    }
    return out;
  },
});
