import { HttpClient } from '../net/http.js';
import { TOOL } from './tool.js';
import { isDevelopmentHost, UsageError } from './audit.js';

export interface Discovery {
  target?: string;
  openapi?: string;
  loginPage?: string;
  health?: string;
  domain?: string;
  notes: string[];
}

const OPENAPI_PATHS = ['/openapi.json', '/swagger.json', '/api/openapi.json', '/api-docs', '/v3/api-docs', '/swagger/v1/swagger.json', '/openapi.yaml'];
const LOGIN_PATHS = ['/login', '/signin', '/auth/login', '/account/login'];
const HEALTH_PATHS = ['/healthz', '/health', '/api/health', '/status', '/_health'];

/** Looks at a running app with a handful of GETs (at most 20) to pre-fill the starter config. */
export async function discover(url: string, opts: { timeoutMs?: number } = {}): Promise<Discovery> {
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new UsageError(`URL ${JSON.stringify(url)} is not a valid URL (expected e.g. https://app.example.com)`);
  }
  const http = new HttpClient({ maxRequests: 20, rate: 10, timeoutMs: opts.timeoutMs ?? 5000, maxBodyBytes: 512 * 1024, userAgent: `${TOOL.name}/${TOOL.version} init` });
  const d: Discovery = { target: base.origin + (base.pathname === '/' ? '' : base.pathname.replace(/\/$/, '')), notes: [] };
  if (!isDevelopmentHost(base.hostname)) d.domain = base.hostname.replace(/^www\./, '');
  try {
    const landing = await http.request({ url: base, followRedirects: 5 });
    if (!landing.response) {
      d.notes.push(`${base.href} did not answer (${landing.error?.code}); fill the rest in by hand`);
      return d;
    }
    const ok = async (path: string, test: (body: string, type: string) => boolean): Promise<boolean> => {
      const ex = await http.request({ url: new URL(path, base) });
      return !!ex.response && ex.response.status === 200 && test(ex.response.text(), ex.response.headers['content-type'] ?? '');
    };
    for (const p of OPENAPI_PATHS) {
      if (await ok(p, (b) => /"(openapi|swagger)"\s*:|^(openapi|swagger):/m.test(b))) {
        d.openapi = p;
        break;
      }
    }
    for (const p of LOGIN_PATHS) {
      if (await ok(p, (b, t) => t.includes('html') && /type=["']?password/i.test(b))) {
        d.loginPage = p;
        break;
      }
    }
    for (const p of HEALTH_PATHS) {
      if (await ok(p, () => true)) {
        d.health = p;
        break;
      }
    }
  } finally {
    await http.close();
  }
  return d;
}

/** The commented starter config: every key explained, defaults are the checklist's pass criteria. */
/** Where the JSON Schema of launchready.yml is for a project that installed launchready (npm ships schema/). */
export const CONFIG_SCHEMA_REF = './node_modules/launchready/schema/launchready.schema.json';

export function starterConfig(d: Discovery): string {
  const lines = [
    // Editors with the YAML language server complete and validate every key from the shipped JSON Schema.
    `# yaml-language-server: $schema=${CONFIG_SCHEMA_REF}`,
    '# launchready.yml — what launchready needs to know about your product.',
    '# Every key is optional; defaults are the launch checklist\'s pass criteria.',
    '# Secrets never go in this file: write ${ENV_VAR} (or ${ENV_VAR:-default}) and export the variable.',
    '',
    `target: ${d.target ?? 'https://app.example.com'}        # base URL of the app/API`,
    '',
    '# Public names to check DNS, redirects, TLS and HSTS for (leave empty for a localhost target).',
    `domains: [${d.domain ? `${d.domain}, www.${d.domain}` : ''}]`,
    '',
    '# Mail authentication (SPF, DKIM, DMARC) for the domain your password-reset mails come from.',
    d.domain ? `mail: { domain: ${d.domain}, dkimSelectors: [] }` : '# mail: { domain: example.com, dkimSelectors: [google, s1] }',
    '',
    '# The repository to scan for secrets and env-var drift.',
    'repo: .',
    '# secrets: { history: true, bundles: [dist], logs: ["logs/*.log"], envFile: .env.production }',
    '',
    'pages:',
    '  landing: /',
    d.loginPage ? `  login: ${d.loginPage}` : '  # login: /login',
    '',
    'api:',
    d.openapi ? `  openapi: ${d.openapi}              # found on the running app` : '  # openapi: ./openapi.json         # a file or a path/URL on the target (Swagger 2.0 / OpenAPI 3.x)',
    '  routes: []                         # additions, e.g. "GET /api/invoices/{id}" or { method: DELETE, path: /api/users/{id}, roles: [admin] }',
    '  exclude: []                        # never sent, e.g. "POST /api/admin/reset" or /api/internal/*',
    '',
    '# Two accounts in two different tenants (organisations) at least, to test tenant isolation.',
    '# Login kinds: json | form | bearer | header | cookie | steps.',
    'identities: {}',
    '#  alice:',
    '#    tenant: acme',
    '#    role: member',
    '#    login: { kind: json, url: /api/login, json: { email: alice@acme.test, password: "${ALICE_PASSWORD}" }, tokenPath: /token }',
    '#  bob:',
    '#    tenant: globex',
    '#    role: member',
    '#    login: { kind: bearer, token: "${BOB_TOKEN}" }',
    '',
    'endpoints:',
    '  # login: /api/login',
    '  # signup: /api/signup',
    '  # passwordReset: /api/password-reset',
    d.health ? `  health: ${d.health}` : '  # health: /healthz',
    '',
    '# webhooks: [{ url: /webhooks/stripe, scheme: stripe, secret: "${STRIPE_WEBHOOK_SECRET}" }]',
    '',
    'thresholds: { p95Ms: 500, lcpMs: 2500, certDaysWarn: 21, certDaysFail: 7 }',
    'budget: { maxRequests: 3000, rate: 50 }',
    '',
    '# handover: { rollback: docs/rollback.md, owners: { dns: ops@example.com } }',
  ];
  return lines.join('\n') + '\n';
}
