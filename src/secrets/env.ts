/**
 * Env preflight evidence: which variables the code reads (and where), which are documented in
 * `.env.example` & co, which a deploy environment provides, which `.env` files are committed, and
 * which production settings point at localhost or staging. Names only — never values.
 */

export interface EnvRead {
  name: string;
  file: string;
  line: number;
  /** The code supplies a fallback (`|| 'x'`, `?? x`, `os.getenv('X', 'd')`): missing is not fatal. */
  hasDefault: boolean;
}

export interface EnvFileEntry {
  name: string;
  line: number;
  /** Set to a non-empty value (vs `NAME=` or a commented `# NAME=`). */
  hasValue: boolean;
  commented: boolean;
}

export interface ProductionSetting {
  file: string;
  line: number;
  name: string;
  /** `localhost` (loopback, docker-internal, .local) or `staging` (staging/dev/test/sandbox hosts). */
  points: 'localhost' | 'staging' | 'test-key';
  /** The host (never a credential: user info is stripped), or the key prefix for test keys. */
  host: string;
}

export interface CommittedEnvFile {
  path: string;
  /** Tracked by git (or, outside git, present and not ignored). */
  tracked: boolean;
  /** Only in history: committed once, deleted since (commit that introduced it). */
  historyOnly?: { commit: string; date: string };
  variables: number;
  withValues: number;
}

export interface EnvInventory {
  reads: EnvRead[];
  /** Documentation files found (`.env.example` …), relative paths. */
  docFiles: string[];
  documented: Record<string, string[]>;
  /** The deploy environment, when one was given: where it came from and the names it sets. */
  provided?: { source: string; names: string[]; empty: string[] };
  committedEnvFiles: CommittedEnvFile[];
  productionSettings: ProductionSetting[];
}

/** Variables platforms and runtimes set themselves: never "missing". */
const PLATFORM_VARS =
  /^(NODE_ENV|NODE_OPTIONS|CI|HOME|PATH|PWD|USER|SHELL|TERM|TZ|LANG|LC_\w+|HOSTNAME|TMPDIR|TEMP|TMP|DEBUG|NO_COLOR|FORCE_COLOR|npm_\w+|INIT_CWD|VERCEL\w*|NETLIFY\w*|RENDER\w*|FLY_\w+|HEROKU_\w+|DYNO|RAILWAY_\w+|GITHUB_\w+|GITLAB_\w+|RUNNER_\w+|AWS_REGION|AWS_DEFAULT_REGION|AWS_LAMBDA_\w+|AWS_EXECUTION_ENV|LAMBDA_TASK_ROOT|K_SERVICE|K_REVISION|GOOGLE_CLOUD_PROJECT|FUNCTION_\w+|NEXT_RUNTIME|NEXT_PHASE|__NEXT\w*|VITEST\w*|JEST_WORKER_ID|MODE|DEV|PROD|SSR|BASE_URL|PYTHONPATH|VIRTUAL_ENV|DENO_\w+|BUN_\w+|KUBERNETES_\w+|DOCKER\w*|CODESPACES|GITPOD_\w+|LAUNCHREADY_\w+|CF_PAGES\w*|DENO_DEPLOYMENT_ID)$/;

export function isPlatformVariable(name: string): boolean {
  return PLATFORM_VARS.test(name);
}

const CODE_FILE = /\.(m?[jt]sx?|cjs|cts|mts|vue|svelte|astro|py)$/i;
const NOT_APP_CODE = /(^|\/)(node_modules|dist|build|out|\.next|\.nuxt|\.svelte-kit|coverage|vendor|venv|\.venv|__pycache__|bench|test|tests|__tests__|spec|e2e|fixtures?)(\/|$)|\.(test|spec|d)\.[cm]?[jt]sx?$|(^|\/)test_[^/]*\.py$|_test\.py$|\.config\.[cm]?[jt]s$/i;

export function isAppCodeFile(path: string): boolean {
  return CODE_FILE.test(path) && !NOT_APP_CODE.test(path);
}

const DOC_FILE = /(^|\/)(\.env\.(example|sample|template|dist|defaults|schema|local\.example|example\.local)|(example|sample|template)\.env|env\.(example|sample|template))$/i;
const ENV_SCHEMA_FILE = /(^|\/)(src\/)?(env|env\.schema|env\.server|env\.client|config\/env)\.(m?[jt]s)$/i;
/** A real environment file (not documentation). */
const ENV_FILE = /(^|\/)\.env(\.[\w.-]+)?$/;

export function isEnvDocFile(path: string): boolean {
  return DOC_FILE.test(path);
}
export function isEnvSchemaFile(path: string): boolean {
  return ENV_SCHEMA_FILE.test(path);
}
export function isRealEnvFile(path: string): boolean {
  return ENV_FILE.test(path) && !DOC_FILE.test(path);
}

const PRODUCTION_FILE = /(^|\/)(\.env\.(production|prod)(\.local)?|[^/]*\.(production|prod)\.(ya?ml|json|toml|env|ini|properties)|(config|deploy|k8s|helm)\/[^/]*(production|prod)[^/]*\.(ya?ml|json|toml|env|ini|properties|[cm]?js|ts)|values-(prod|production)[^/]*\.ya?ml|docker-compose\.(prod|production)\.ya?ml|appsettings\.Production\.json|application-(prod|production)\.(ya?ml|properties))$/i;

export function isProductionConfigFile(path: string): boolean {
  return PRODUCTION_FILE.test(path);
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

const NAME = String.raw`[A-Za-z_][A-Za-z0-9_]*`;
const READ_PATTERNS: Array<{ re: RegExp; defaultAfter?: RegExp }> = [
  { re: new RegExp(String.raw`(?:process|Bun)\.env\.(${NAME})`, 'g'), defaultAfter: /^\s*(\|\||\?\?)/ },
  { re: new RegExp(String.raw`(?:process|Bun)\.env\[\s*["'\x60](${NAME})["'\x60]\s*\]`, 'g'), defaultAfter: /^\s*(\|\||\?\?)/ },
  { re: new RegExp(String.raw`import\.meta\.env\.(${NAME})`, 'g'), defaultAfter: /^\s*(\|\||\?\?)/ },
  { re: new RegExp(String.raw`Deno\.env\.get\(\s*["'\x60](${NAME})["'\x60]\s*\)`, 'g'), defaultAfter: /^\s*(\|\||\?\?)/ },
  { re: new RegExp(String.raw`os\.environ\[\s*["'](${NAME})["']\s*\]`, 'g') },
  { re: new RegExp(String.raw`os\.(?:environ\.get|getenv)\(\s*["'](${NAME})["']\s*(,)?`, 'g') },
];

/** Env vars one source file reads. */
export function envReadsIn(text: string, file: string): EnvRead[] {
  if (!/env/.test(text)) return [];
  const out: EnvRead[] = [];
  for (const { re, defaultAfter } of READ_PATTERNS) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      const after = text.slice(m.index + m[0].length, m.index + m[0].length + 8);
      const hasDefault = Boolean(m[2]) || Boolean(defaultAfter?.test(after));
      out.push({ name: m[1]!, file, line: lineOf(text, m.index), hasDefault });
    }
  }
  // const { A, B = 'x', C: c } = process.env
  const destructure = /(?:const|let|var)\s*\{([^}]{1,2000})\}\s*=\s*(?:process\.env|Bun\.env|import\.meta\.env)\b/g;
  let d: RegExpExecArray | null;
  while ((d = destructure.exec(text)) !== null) {
    const line = lineOf(text, d.index);
    for (const part of d[1]!.split(',')) {
      const m = new RegExp(String.raw`^\s*(${NAME})\s*(:\s*${NAME}\s*)?(=)?`).exec(part);
      if (m && !part.trim().startsWith('...')) out.push({ name: m[1]!, file, line, hasDefault: Boolean(m[3]) });
    }
  }
  return out;
}

/** Parses dotenv text: `NAME=value`, `export NAME=value`, and commented `# NAME=` documentation lines. */
export function parseEnvFile(text: string): EnvFileEntry[] {
  const out: EnvFileEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const m = /^\s*(#\s*)?(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(raw);
    if (!m) return;
    const value = m[3]!.replace(/\s+#.*$/, '').trim().replace(/^["']|["']$/g, '');
    out.push({ name: m[2]!, line: i + 1, hasValue: value.length > 0, commented: Boolean(m[1]) });
  });
  return out;
}

/** Names an env schema module declares (`DATABASE_URL: z.string()`, `API_KEY: str()`, `PORT: port()`). */
export function schemaNames(text: string): string[] {
  const names = new Set<string>();
  const re = /^\s*["']?([A-Z][A-Z0-9_]{1,})["']?\s*:\s*(?:z\.|str\(|url\(|port\(|num\(|bool\(|email\(|host\(|json\(|envalid|Joi\.|yup\.|t\.|v\.)/gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) names.add(m[1]!);
  return [...names];
}

const LOCAL_HOST = /^(localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|\[?::1\]?|host\.docker\.internal|[\w-]+\.local|[\w-]+\.localhost)$/i;
const STAGING_HOST = /(^|[.-])(staging|stage|stg|dev|develop|development|test|testing|sandbox|qa|uat|preview|preprod)([.-]|\d|$)/i;
/** Hosts that legitimately contain those words (a sandbox API is a product name, not your staging). */
const STAGING_EXEMPT = /(^|\.)(dev\.to|devpost\.com|test\.com)$|sentry\.io$|ingest\./i;

/** URL-valued settings (and test-mode keys) in a production env/config file that point somewhere wrong. */
export function productionSettingProblems(text: string, file: string): ProductionSetting[] {
  const out: ProductionSetting[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    if (/^\s*(#|\/\/)/.test(raw)) return;
    const nameMatch = /^\s*(?:export\s+)?["']?([A-Za-z_][\w.-]*)["']?\s*[:=]/.exec(raw);
    const name = nameMatch?.[1] ?? '';
    const urlRe = /\b([a-z][a-z0-9+.-]{1,20}):\/\/(?:[^\s@/'"]*@)?(\[[0-9a-f:]+\]|[A-Za-z0-9.-]+)/gi;
    let m: RegExpExecArray | null;
    while ((m = urlRe.exec(raw)) !== null) {
      const host = m[2]!.toLowerCase();
      if (LOCAL_HOST.test(host)) out.push({ file, line: i + 1, name, points: 'localhost', host });
      else if (STAGING_HOST.test(host) && !STAGING_EXEMPT.test(host)) out.push({ file, line: i + 1, name, points: 'staging', host });
    }
    const testKey = /\b(sk_test_|rk_test_|pk_test_)/.exec(raw);
    if (testKey) out.push({ file, line: i + 1, name, points: 'test-key', host: testKey[1]! });
  });
  return out;
}
