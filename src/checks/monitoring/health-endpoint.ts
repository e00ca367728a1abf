import { defineCheck } from '../../engine/check.js';
import { findLeaks } from '../input-validation/leak-signatures.js';
import { healthEndpointGatherer } from '../../surface/health.js';

/** What a public health answer must not carry: connection strings, env dumps, internals. */
const OVERSHARING = /(?:postgres(?:ql)?|mysql|mongodb(?:\+srv)?|redis|amqp):\/\/[^\s"']*:[^\s"'@]+@|"(?:env|environment|process\.env)"\s*:\s*\{|"(?:password|secret|private_?key)"\s*:/i;

export const healthEndpoint = defineCheck({
  meta: {
    id: 'monitoring/health-endpoint',
    area: 'monitoring',
    severity: 'medium',
    title: 'A health endpoint answers quickly, without credentials and without internals',
    why: 'Uptime monitors, load balancers and deploy pipelines need one cheap URL that says "this instance works"; without it, outages are noticed by customers first and bad deploys roll out everywhere.',
    breaks: 'No automated check can tell a dead instance from a live one, so alerts and rollbacks depend on someone noticing.',
    fix: 'Serve GET /healthz answering 200 with a small JSON body (e.g. {"status":"ok"}) when the app and its database answer, 503 otherwise; no auth, no secrets, no versions; then set endpoints.health in launchready.yml.',
    references: ['https://microservices.io/patterns/observability/health-check-api.html'],
  },
  requires: { health: healthEndpointGatherer },
  run({ health }, ctx) {
    const loc = (url: string) => ({ url, method: 'GET' });
    if (!health.found) {
      const last = health.attempts[health.attempts.length - 1];
      if (health.configured) {
        const status = last?.response ? `HTTP ${last.response.status}` : `no answer (${last?.error?.code ?? 'error'})`;
        return [{ status: 'fail', title: `The configured health endpoint ${health.configured} does not report healthy (${status})`, location: loc(last?.request.url ?? health.configured), ...(last ? { evidence: ctx.evidence.exchange(last, { bodyLimit: 300 }) } : {}) }];
      }
      return [
        {
          status: 'fail',
          title: `No health endpoint found (tried ${health.attempts.map((a) => new URL(a.request.url).pathname).join(', ')})`,
          location: loc(ctx.target.baseUrl?.href ?? ''),
          evidence: { notes: health.attempts.map((a) => `${new URL(a.request.url).pathname}: ${a.response ? `HTTP ${a.response.status}` : a.error?.code}`) },
        },
      ];
    }
    const ex = health.found;
    const body = ex.response!.text();
    const out = [];
    if (OVERSHARING.test(body) || findLeaks(body).length > 0)
      out.push({ status: 'fail' as const, severity: 'high' as const, title: `The health endpoint ${new URL(ex.request.url).pathname} exposes internals (connection strings, environment or stack details) to anyone`, location: loc(ex.request.url), evidence: ctx.evidence.exchange(ex, { bodyLimit: 400 }), discriminator: 'oversharing' });
    if (ex.timing.totalMs > 2000)
      out.push({ status: 'warn' as const, severity: 'low' as const, title: `The health endpoint took ${Math.round(ex.timing.totalMs)} ms: monitors time out on slow health checks`, location: loc(ex.request.url), discriminator: 'slow' });
    if (out.length === 0) out.push({ status: 'pass' as const, title: `Health endpoint ${new URL(ex.request.url).pathname} answers HTTP ${ex.response!.status}${health.configured ? '' : ' (found by looking: set endpoints.health)'}`, location: loc(ex.request.url) });
    return out;
  },
});
