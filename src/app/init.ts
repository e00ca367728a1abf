import { HttpClient } from '../net/http.js';
import { ChromiumUnavailable, crawl, type CrawlResult } from '../surface/crawl.js';
import { isApiCall } from '../surface/recorded.js';
import { templatize } from '../surface/object-ids.js';
import { TOOL } from './tool.js';
import { isDevelopmentHost, UsageError } from './audit.js';

export interface Discovery {
  target?: string;
  openapi?: string;
  loginPage?: string;
  health?: string;
  domain?: string;
  /** Flows found by crawling the app (login, logout, signup, passwordReset, invite). */
  endpoints?: Partial<Record<InitEndpoint, string>>;
  webhooks?: string[];
  /** API routes the crawl saw the front end call or name ("GET /api/orders/{orderId}"). */
  routes?: string[];
  /** What the crawl did (pages, requests, seconds). */
  crawl?: { pages: number; requests: number; ms: number };
  notes: string[];
}

export type InitEndpoint = 'login' | 'logout' | 'signup' | 'passwordReset' | 'invite';
const INIT_ENDPOINTS: readonly InitEndpoint[] = ['login', 'logout', 'signup', 'passwordReset', 'invite'];

const ENDPOINT_PATTERNS: Record<InitEndpoint, RegExp> = {
  login: /(?:^|\/)(?:log-?in|sign-?in|sessions?|authenticate|auth\/token|token)$/i,
  logout: /(?:^|\/)(?:log-?out|sign-?out)$/i,
  signup: /(?:^|\/)(?:sign-?up|register|registrations?)$/i,
  passwordReset: /(?:forgot|reset|recover)[-_/]?(?:password)?|password[-_/](?:forgot|reset|recover)/i,
  invite: /invit(?:e|ation)s?(?:$|\/)/i,
};

/**
 * What an anonymous crawl says about the app's flows and API: forms by kind (their action when they
 * post to the server), links by purpose, endpoints the pages' scripts call or name, recorded calls.
 */
export function flowsFromCrawl(c: CrawlResult, base: URL): { endpoints: Partial<Record<InitEndpoint, string>>; webhooks: string[]; routes: string[] } {
  const endpoints: Partial<Record<InitEndpoint, string>> = {};
  const sameOrigin = (u: string): string | undefined => {
    try {
      const x = new URL(u, base);
      return x.origin === base.origin ? x.pathname : undefined;
    } catch {
      return undefined;
    }
  };
  const kindKey: Record<string, InitEndpoint> = { login: 'login', logout: 'logout', signup: 'signup', 'password-reset': 'passwordReset', invite: 'invite' };
  // A form that posts to the server names the endpoint itself.
  for (const f of c.forms) {
    const key = f.kind ? kindKey[f.kind] : undefined;
    const path = sameOrigin(f.action);
    if (key && path && f.method !== 'GET') endpoints[key] ??= path;
  }
  // Script-called endpoints and recorded calls (a form driven by script posts with fetch).
  const called = [
    ...c.scriptEndpoints.map((e) => ({ method: e.method, path: e.path })),
    ...c.calls.filter((x) => isApiCall(x, base.origin)).map((x) => ({ method: x.method, path: templatize(new URL(x.url).pathname).template })),
  ];
  for (const key of INIT_ENDPOINTS) {
    if (endpoints[key]) continue;
    const hit = called.find((e) => e.method !== 'GET' && ENDPOINT_PATTERNS[key].test(e.path));
    if (hit) endpoints[key] = hit.path;
  }
  if (!endpoints.logout) {
    const link = c.links.find((l) => l.kind === 'logout');
    if (link) endpoints.logout = sameOrigin(link.url);
  }
  const webhooks = [...new Set(called.filter((e) => /webhooks?(?:\/|$)|\/hooks\//i.test(e.path)).map((e) => e.path))];
  const routes = [...new Set(called.filter((e) => !/\.(?:html?|js|css)$/i.test(e.path)).map((e) => `${e.method} ${e.path}`))].slice(0, 40);
  return { endpoints: Object.fromEntries(Object.entries(endpoints).filter(([, v]) => v)) as Partial<Record<InitEndpoint, string>>, webhooks, routes };
}

const OPENAPI_PATHS = ['/openapi.json', '/swagger.json', '/api/openapi.json', '/api-docs', '/v3/api-docs', '/swagger/v1/swagger.json', '/openapi.yaml'];
const LOGIN_PATHS = ['/login', '/signin', '/auth/login', '/account/login'];
const HEALTH_PATHS = ['/healthz', '/health', '/api/health', '/status', '/_health'];

/** Looks at a running app with a handful of GETs (at most 20) to pre-fill the starter config. */
export async function discover(url: string, opts: { timeoutMs?: number; crawl?: boolean; crawlSeconds?: number; executablePath?: string } = {}): Promise<Discovery> {
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new UsageError(`URL ${JSON.stringify(url)} is not a valid URL (expected e.g. https://app.example.com)`);
  }
  // 20 GETs for the well-known paths, and a crawl allowance of at most 150 browser requests.
  const http = new HttpClient({ maxRequests: 470, rate: 10, timeoutMs: opts.timeoutMs ?? 5000, maxBodyBytes: 512 * 1024, userAgent: `${TOOL.name}/${TOOL.version} init` });
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
    const isHtml = /html/i.test(landing.response.headers['content-type'] ?? '');
    if (opts.crawl !== false && isHtml) await crawlForInit(d, base, http, opts);
    else if (opts.crawl !== false) d.notes.push(`${base.href} is not an HTML page, so no front end was crawled for login/signup/reset flows and API routes`);
  } finally {
    await http.close();
  }
  return d;
}

async function crawlForInit(d: Discovery, base: URL, http: HttpClient, opts: { crawlSeconds?: number; executablePath?: string }): Promise<void> {
  let c: CrawlResult;
  try {
    c = await crawl({ base, http, settings: { maxPages: 15, maxDepth: 2, seconds: opts.crawlSeconds ?? 30, maxRequests: 150 }, identities: [], exclude: [], allowWrites: false, ...(opts.executablePath ? { executablePath: opts.executablePath } : {}) });
  } catch (err) {
    d.notes.push(err instanceof ChromiumUnavailable ? `no crawl: ${err.message}` : `the crawl failed: ${(err as Error).message.split('\n')[0]}`);
    return;
  }
  d.crawl = { pages: c.pages.length, requests: c.requests, ms: c.ms };
  const flows = flowsFromCrawl(c, base);
  d.endpoints = flows.endpoints;
  if (flows.webhooks.length) d.webhooks = flows.webhooks;
  if (flows.routes.length) d.routes = flows.routes;
  if (!d.loginPage) {
    const loginForm = c.forms.find((f) => f.kind === 'login' && !f.identity);
    if (loginForm) d.loginPage = new URL(loginForm.page).pathname;
  }
  const missing = INIT_ENDPOINTS.filter((k) => !flows.endpoints[k]);
  if (!flows.webhooks.length) missing.push('webhooks' as InitEndpoint);
  if (missing.length) d.notes.push(`the crawl (${c.pages.length} pages anonymously) found no ${missing.join(', ')} endpoint: fill ${missing.length > 1 ? 'them' : 'it'} in by hand if the app has ${missing.length > 1 ? 'them' : 'it'}; a logged-in crawl runs during audit once identities are configured`);
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
    ...(d.routes?.length
      ? ['  routes:                            # seen by the crawl (add roles: [admin] where only admins may call one)', ...d.routes.map((r) => `    - ${JSON.stringify(r)}`)]
      : ['  routes: []                         # additions, e.g. "GET /api/invoices/{id}" or { method: DELETE, path: /api/users/{id}, roles: [admin] }']),
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
    `endpoints:${d.crawl ? '                         # login/signup/reset/invite/logout: found by crawling the app' : ''}`,
    d.endpoints?.login ? `  login: ${d.endpoints.login}` : '  # login: /api/login',
    d.endpoints?.logout ? `  logout: ${d.endpoints.logout}` : '  # logout: /api/logout',
    d.endpoints?.signup ? `  signup: ${d.endpoints.signup}` : '  # signup: /api/signup',
    d.endpoints?.passwordReset ? `  passwordReset: ${d.endpoints.passwordReset}` : '  # passwordReset: /api/password-reset',
    d.endpoints?.invite ? `  invite: ${d.endpoints.invite}` : '  # invite: /api/invites',
    d.health ? `  health: ${d.health}` : '  # health: /healthz',
    '',
    ...(d.webhooks?.length
      ? ['# Webhook receivers the crawl saw named; set each scheme and secret:', ...d.webhooks.map((w) => `# webhooks: [{ url: ${w}, scheme: stripe, secret: "\${WEBHOOK_SECRET}" }]`)]
      : ['# webhooks: [{ url: /webhooks/stripe, scheme: stripe, secret: "${STRIPE_WEBHOOK_SECRET}" }]']),
    '',
    'thresholds: { p95Ms: 500, lcpMs: 2500, certDaysWarn: 21, certDaysFail: 7 }',
    'budget: { maxRequests: 3000, rate: 50 }',
    '',
    '# Areas that do not apply to this product. An area that was neither tested nor waived keeps the',
    '# verdict at "incomplete"; a waived one does not (its checks still run) and its reason is printed in',
    '# every report. Areas: see docs/verdict.md.',
    '# waive: { email: "this product sends no mail", domain-tls: "audited on a local staging copy" }',
    '',
    '# handover: { rollback: docs/rollback.md, owners: { dns: ops@example.com } }',
  ];
  return lines.join('\n') + '\n';
}
