/**
 * Secrets developers actually ship for HMAC-signed JWTs, as data (the gitleaks lesson): framework
 * defaults, tutorial values, placeholders, and patterns built from the app's own name. Every word is
 * also tried in its case variants (`secret`, `Secret`, `SECRET`, `SuperSecret` for `super-secret`).
 * `examples` are secrets the dictionary must find (tested); add a line here and every HS* token of
 * every run is tried against it, offline.
 */

export const WEAK_JWT_WORDS: readonly string[] = [
  'secret', 'secret1', 'secret123', 'secretkey', 'secret-key', 'secret_key', 'mysecret', 'my-secret', 'my_secret', 'mysecretkey', 'my-secret-key',
  'your-256-bit-secret', 'your-384-bit-secret', 'your-512-bit-secret', 'your-secret', 'your_secret', 'your-secret-key', 'your_jwt_secret', 'yoursecret',
  'jwt', 'jwtsecret', 'jwt-secret', 'jwt_secret', 'jwt-secret-key', 'jwt_secret_key', 'jwtkey', 'jwt-key', 'jwt_key', 'jwt-token', 'jwttoken',
  'token', 'tokensecret', 'token-secret', 'token_secret', 'access-token-secret', 'access_token_secret', 'refresh-token-secret', 'refresh_secret',
  'auth', 'authsecret', 'auth-secret', 'auth_secret', 'authkey', 'auth-key', 'password', 'password1', 'password123', 'passw0rd', 'pass',
  'changeme', 'change-me', 'change_me', 'changeit', 'change-this', 'change_this', 'changethis', 'change-this-secret', 'replace-me', 'replaceme',
  'default', 'defaultsecret', 'default-secret', 'key', 'private', 'privatekey', 'private-key', 'admin', 'admin123', 'root', 'test', 'testing',
  'test123', 'testsecret', 'test-secret', 'dev', 'development', 'devsecret', 'dev-secret', 'dev_secret', 'local', 'localhost', 'example',
  'example-secret', 'sample', 'demo', 'demo-secret', 'hello', 'helloworld', 'hello-world', 'qwerty', '123456', '1234567890', '12345678',
  '123456789', 'abc123', 'letmein', 'welcome', 'supersecret', 'super-secret', 'super_secret', 'supersecretkey', 'super-secret-key',
  'supersecretjwt', 'topsecret', 'top-secret', 'top_secret', 'verysecret', 'very-secret', 'shhhhh', 'shhh', 'keyboard cat', 'keyboardcat',
  's3cr3t', 's3cret', 'secr3t', 'app', 'app-secret', 'appsecret', 'app_secret', 'app-key', 'app_key', 'appkey', 'api', 'api-secret', 'apisecret',
  'api_secret', 'api-key', 'apikey', 'session', 'session-secret', 'sessionsecret', 'session_secret', 'cookie-secret', 'cookie_secret',
  'signing-key', 'signingkey', 'signing_key', 'sign-key', 'hmac', 'hmac-secret', 'hmacsecret', 'HS256', 'none', 'null', 'undefined', 'gaspar',
  'server-secret', 'server_secret', 'nodejs', 'node', 'express', 'expressjs', 'nestjs', 'flask', 'django-insecure', 'rails', 'laravel', 'spring',
  'springboot', 'fastapi', 'nextjs', 'next-auth', 'nextauth', 'supabase', 'firebase', 'jsonwebtoken', 'random', 'randomsecret', 'notasecret',
  'not-a-secret', 'insecure', 'pleasechangeme', 'please-change-me', 'todo', 'xxx', 'foo', 'bar', 'foobar', 'asdf', 'qwertyuiop', 'master',
];

/** Secrets the dictionary must find (the test signs a token with each and cracks it). */
export const WEAK_JWT_EXAMPLES: readonly string[] = ['secret', 'SuperSecret', 'SUPER_SECRET', 'changeme', 'Changeme', 'JWT_SECRET', 'jwt_secret', 'your-256-bit-secret', 'keyboard cat', 'Secret123'];

/** Values the dictionary must not contain: random-looking secrets a real deployment would use. */
export const WEAK_JWT_NON_EXAMPLES: readonly string[] = ['k7Qv9x2LmP0sRt4WzY8bN1cD3fG6hJ5e', 'Zp4!xQ9#mW2$rT7&'];

const APP_PATTERNS: readonly string[] = ['{app}', '{app}-secret', '{app}_secret', '{app}secret', '{app}-jwt-secret', '{app}_jwt_secret', '{app}-jwt', '{app}_jwt', '{app}jwt', '{app}-key', '{app}_key', '{app}123', '{app}-dev', '{app}-secret-key', '{app}_secret_key', 'secret-{app}', '{app}-token-secret', '{app}-auth'];

/** `super-secret` → `SuperSecret`, `jwt_secret` → `JwtSecret`. */
function pascal(w: string): string {
  return w
    .split(/[-_ ]+/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1).toLowerCase())
    .join('');
}

/** A word and its case variants: as written, lower, UPPER, Capitalised, PascalCase (joined and with its separators). */
export function caseVariants(word: string): string[] {
  const out = new Set<string>([word, word.toLowerCase(), word.toUpperCase(), word[0] ? word[0].toUpperCase() + word.slice(1) : word]);
  if (/[-_ ]/.test(word)) {
    out.add(pascal(word));
    out.add(word.replace(/[^-_ ]+/g, (p) => p[0]!.toUpperCase() + p.slice(1).toLowerCase()));
  }
  return [...out];
}

/**
 * Names the app may go by, to build `{app}-secret` and friends: the token's issuer and audience
 * (usually the app's name), the first label of the target host and of the mail domain.
 */
export function appNameHints(from: { claims?: Record<string, unknown>; host?: string; mailDomain?: string; extra?: readonly string[] }): string[] {
  const out = new Set<string>();
  const add = (v: unknown): void => {
    if (typeof v !== 'string') return;
    let s = v.trim();
    try {
      if (/^https?:\/\//i.test(s)) s = new URL(s).hostname;
    } catch {
      /* plain name */
    }
    const label = s.split('.').find((x) => x && !/^(?:www|api|app|auth|localhost|\d+)$/i.test(x)) ?? '';
    if (/^[A-Za-z][A-Za-z0-9-]{1,30}$/.test(label)) out.add(label.toLowerCase());
    if (/^[A-Za-z][A-Za-z0-9 _-]{1,30}$/.test(s) && !s.includes('.')) out.add(s.toLowerCase().replace(/\s+/g, '-'));
  };
  add(from.claims?.['iss']);
  const aud = from.claims?.['aud'];
  (Array.isArray(aud) ? aud : [aud]).forEach(add);
  if (from.host && !/^\d+\.\d+\.\d+\.\d+$|^\[|^localhost$/i.test(from.host)) add(from.host);
  add(from.mailDomain);
  for (const e of from.extra ?? []) add(e);
  return [...out].slice(0, 6);
}

/** The whole candidate list: app-name patterns first (most specific), then the words, each in its case variants. */
export function weakSecretCandidates(appNames: readonly string[] = []): string[] {
  const out = new Set<string>();
  for (const app of appNames) {
    const forms = new Set([app, app.replace(/-/g, '_'), app.replace(/[-_]/g, '')]);
    for (const a of forms) for (const p of APP_PATTERNS) for (const v of caseVariants(p.replace('{app}', a))) out.add(v);
  }
  for (const w of WEAK_JWT_WORDS) for (const v of caseVariants(w)) out.add(v);
  return [...out];
}
