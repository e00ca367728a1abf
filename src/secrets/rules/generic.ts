import { no, ok, type RuleTable } from './helpers.js';
import type { MatchContext, Validation } from '../types.js';
import { UUID_RE, charClasses, decodeBase64Url, decodeJwt, looksLikeHexDigest, shannonEntropy } from '../validators.js';

/** Files where a bare (unquoted) value after `NAME=` / `name:` is a literal, not an expression. */
const CONFIG_FILE =
  /(^|\/)(\.env[^/]*|[^/]*\.env|[^/]*\.(ya?ml|ini|cfg|conf|config|toml|properties|tfvars|hcl|sh|bash|zsh|txt|md|npmrc|yarnrc|pypirc|netrc|service|plist|xml|log|env\.[a-z]+)|Dockerfile[^/]*|Procfile|\.?npmrc|\.netrc|\.pgpass|credentials|config)$/i;

/** Test code and fixtures: low-entropy strings there are fixtures, not credentials. */
const TEST_PATH = /(^|\/)(tests?|__tests__|spec|specs|fixtures?|__fixtures__|mocks?|__mocks__|testdata|e2e|cypress|playwright)(\/|$)|\.(test|spec)\.[a-z]+$|_test\.(go|py)$|(^|\/)test_[^/]+\.py$/i;

/** Names that hold something other than a secret although they contain a secret-ish word. */
const NOT_SECRET_NAME =
  /(public|publishable|pub[_-]?key|anon|site[_-]?key|client[_-]?id|_id$|[-_.]?(url|uri|endpoint|host|path|file|dir|name|type|header|field|length|len|size|count|expir\w*|ttl|timeout|policy|prompt|label|placeholder|hint|regex|pattern|format|version|algorithm|alg|mode|method|provider|kind|style|strength|column|param|prefix|suffix|env|var|variable|input|selector|id)s?$|hash|digest|checksum|sha\d*|md5|integrity|fingerprint|tokenizer|(^|[-_.])(limit|count|max|min|lifetime|validity|reset|forgot|confirm|required|enabled|visible|rotation|storage)([-_.]|$))/i;
/** The same words as camelCase parts (`passwordMinLength`, `tokenExpiresIn`). */
const NOT_SECRET_CAMEL = /[a-z](Limit|Count|Max|Min|Lifetime|Validity|Reset|Forgot|Confirm|Required|Enabled|Visible|Rotation|Storage|Length|Url|Uri|Path|File|Name|Type|Header|Field|Id|Ids|Hash|Prefix|Suffix|Expir\w*|Ttl|Timeout)/;

/** Sixteen letters as an app password is shown: `abcd efgh ijkl mnop` (examples are built at run time). */
function grouped(letters: string): string {
  return letters.toLowerCase().replace(/(.{4})(?=.)/g, '$1 ');
}

/** `password`, `DB_PWD`, `GPG_PASSPHRASE`, `SMTP_PASS`, `smtpPass`, `pass` — not `passport`, `bypass`, `compass`. */
export function isPasswordName(name: string): boolean {
  return /passw(or)?d|passwd|pwd|passphrase|(^|[^a-z])pass([^a-z]|$)/i.test(name) || /[a-z0-9]Pass([A-Z_.-]|$)/.test(name);
}

const STRONG_NAME = /secret|passw(or)?d|passwd|pwd|token|api[_-]?key|apikey|private[_-]?key|credential/i;

const TRIVIAL = /^(password|passw0rd|changeme|secret|admin|root|test|testing|example|default|none|null|nil|undefined|true|false|yes|no|on|off|string|required|optional|hidden|redacted|empty|todo|tbd|n\/a|dev|development|local|production|staging)$|^(password|passw0rd|pa55word|secret|admin|test|changeme|qwerty|letmein|welcome|abc)[-_]?\d{0,4}!?$/i;

/** An expression, a reference or a word rather than a literal secret. */
function notSecretName(name: string): boolean {
  return NOT_SECRET_NAME.test(name) || NOT_SECRET_CAMEL.test(name);
}

function looksLikeCodeOrWord(value: string): boolean {
  if (/^(\$|%|@|#|&|\*|<|\{|\[|\(|!|-|\?)/.test(value) || /[}]$/.test(value)) return true; // ${VAR}, $VAR, %(x)s, @Value, <token>, {{x}}, ${VAR:?message}
  if (/^[\^~]?(?:[<>]=?|=)?\s*v?\d+(\.\d+){1,3}([-+][\w.-]+)?$/.test(value)) return true; // a version range: "pbkdf2-password": "^1.2.1"
  if (/process\.env|os\.environ|getenv|import\.meta|env\(|secrets\.|vars\.|config\.|settings\.|^[\w$.]+\(|\)$|:\/\/|\\n/.test(value)) return true;
  if (/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+$/.test(value)) return true; // dotted reference
  if (/^[a-z]+([A-Z][a-z]+)+$/.test(value)) return true; // camelCase words
  if (/^[A-Z][a-z]+([A-Z][a-z]+)+$/.test(value)) return true; // PascalCase words
  if (/^[A-Za-z]+([_.-][A-Za-z]+)+$/.test(value)) return true; // snake/kebab words
  if (/[[\]]/.test(value)) return true; // indexing: form['password']
  if (/^urn:|^[a-z]+:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return true; // urn:uuid:… identifiers
  if (isWordy(value)) return true; // words, not random characters
  if (/^\d+(\.\d+)?$/.test(value)) return true;
  if (/^(\.{0,2}\/|~\/|[A-Za-z]:\\)/.test(value) || /\.(pem|key|json|txt|crt|p12|pfx|jks|ya?ml|env|js|ts|py)$/i.test(value)) return true;
  return false;
}

/** Letters only, split into word-like parts with vowels where words have them: prose or an identifier. */
function isWordy(value: string): boolean {
  if (!/^[A-Za-z_.-]+$/.test(value)) return false;
  const parts = value.split(/[_.-]|(?<=[a-z])(?=[A-Z])/).filter(Boolean);
  const letters = parts.join('');
  const vowels = (letters.match(/[aeiouy]/gi) ?? []).length;
  const mean = letters.length / Math.max(1, parts.length);
  return vowels / Math.max(1, letters.length) >= 0.25 && mean >= 3;
}

function quoted(ctx: MatchContext): boolean {
  return Boolean(ctx.groups.q);
}

/** Shared judgement of a value assigned to a secret-ish name. */
export function judgeAssignedValue(value: string, ctx: MatchContext, opts: { minLength: number; minEntropy: number; weakOk: boolean }): Validation {
  const name = ctx.name ?? '';
  if (!quoted(ctx) && !CONFIG_FILE.test(ctx.path)) return no('unquoted value in code: an expression');
  if (TRIVIAL.test(value)) return no('a default word');
  if (looksLikeCodeOrWord(value)) return no('an expression or reference');
  if (value.length < opts.minLength) return no('too short');
  const entropy = shannonEntropy(value);
  const isTest = TEST_PATH.test(ctx.path);
  if (UUID_RE.test(value) && !STRONG_NAME.test(name)) return no('a UUID');
  if (looksLikeHexDigest(value) && !STRONG_NAME.test(name)) return no('a hash digest');
  if (isTest && entropy < 3.5) return no('a low-entropy fixture value in test code');
  if (isTest && /pass|secret|test|demo|hunter|wrong|invalid|correct|letmein|qwerty|admin|user|fake|dummy|sample|example|fixture|mock/i.test(value))
    return no('a readable fixture value in test code');
  if (!opts.weakOk) {
    const threshold = /^[0-9a-f]+$/i.test(value) ? Math.min(opts.minEntropy, 3.0) : opts.minEntropy;
    if (entropy < threshold) return no('low entropy');
    if (charClasses(value) < 2 && !/^[0-9a-f]+$/i.test(value)) return no('one character class');
  } else if (charClasses(value) < 2 && entropy < 3) {
    return no('a plain word');
  }
  return ok();
}

const SEP = String.raw`["'\x60\]]?\s{0,3}(?:=|:=|=>|:|\?=)\s{0,3}(?<q>["'\x60]?)`;
const VALUE = String.raw`(?<secret>[^\s"'\x60;,<>]{8,300})\k<q>(?![^\s"'\x60;,)}\]])`;

/** Secrets recognised by the name they are assigned to, not by their format. Lowest overlap priority. */
export const genericRules: RuleTable = [
  {
    id: 'jwt-signing-secret',
    title: 'JWT / session signing secret',
    keywords: ['jwt', 'session_secret', 'session-secret', 'sessionsecret', 'cookie_secret', 'cookiesecret', 'auth_secret', 'authsecret', 'secret_key', 'secretkey', 'app_key', 'signing', 'hmac', 'encryption_key', 'encryptionkey', 'token_secret', 'tokensecret', 'app_secret', 'appsecret'],
    pattern: new RegExp(
      String.raw`(?:jwt[_.-]?(?:secret|signing[_-]?key|key|token[_-]?secret|secret[_-]?key)|session[_-]?secret|cookie[_-]?secret|(?:next)?auth[_-]?secret|secret[_-]?key(?:[_-]?base)?|app[_-]?key|signing[_-]?(?:key|secret)|hmac[_-]?(?:key|secret)|encryption[_-]?key|token[_-]?secret|app[_-]?secret)[\w.-]{0,20}?${SEP}${VALUE}`,
      'i',
    ),
    validate: (value, ctx) => {
      const name = ctx.name ?? '';
      if (notSecretName(name.replace(/secret[_-]?key[_-]?base/i, ''))) return no('names something other than the secret');
      const v = value.replace(/^base64:/, '');
      const judged = judgeAssignedValue(v, ctx, { minLength: 8, minEntropy: 2.5, weakOk: true });
      if (!judged.valid) return judged;
      const weak = shannonEntropy(v) < 3.2 || v.length < 16;
      return ok([weak ? 'short or guessable: anyone can forge sessions or tokens with it' : 'anyone holding it can forge sessions or tokens']);
    },
    severity: 'critical',
    generic: true,
    priority: 2,
    examples: {
      truePositives: ['JWT_SECRET={{a62:32}}', "const jwtSecret = '{{b64:44}}';", 'SECRET_KEY_BASE={{hex:128}}', "SECRET_KEY = 'django-insecure-{{b64u:50}}'", 'APP_KEY=base64:{{b64:43}}=', 'NEXTAUTH_SECRET="{{b64:32}}"'],
      trueNegatives: ['JWT_SECRET=${JWT_SECRET}', 'jwtSecret: process.env.JWT_SECRET,', 'JWT_SECRET=changeme', "jwt.sign(payload, JWT_SECRET, { expiresIn: '1h' })", 'JWT_SECRET_LENGTH=64', "SECRET_KEY = os.environ['SECRET_KEY']", 'JWT_SECRET=<generate with openssl rand -hex 32>'],
    },
  },
  {
    id: 'hardcoded-env-fallback',
    title: 'Secret hard-coded as the fallback of an environment variable',
    keywords: ['process.env', 'getenv', 'environ.get', 'env.get'],
    pattern:
      /(?:process\.env\.(?<n1>\w*(?:SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|PRIVATE_KEY|CREDENTIALS?)\w*)\s*(?:\|\||\?\?)\s*|(?:os\.getenv|os\.environ\.get|Deno\.env\.get)\(\s*["'](?<n2>\w*(?:SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|PRIVATE_KEY|CREDENTIALS?)\w*)["']\s*,\s*)(?<q>["'`])(?<secret>[^"'`\s]{8,300})\k<q>/i,
    validate: (value, ctx) => judgeAssignedValue(value, { ...ctx, name: ctx.groups.n1 ?? ctx.groups.n2 ?? '' }, { minLength: 8, minEntropy: 2.5, weakOk: true }),
    severity: 'high',
    generic: true,
    priority: 2,
    examples: {
      truePositives: ["const secret = process.env.JWT_SECRET || '{{a62:24}}';", "api_key = os.getenv('STRIPE_API_KEY', '{{a62:32}}')"],
      trueNegatives: ["const secret = process.env.JWT_SECRET || '';", "process.env.API_KEY ?? 'your-api-key-here'", "os.getenv('DB_PASSWORD', 'postgres')"],
    },
  },
  {
    id: 'authorization-header',
    title: 'Credential in an Authorization / API-key header',
    keywords: ['authorization', 'bearer', 'x-api-key', 'api-key', 'x-auth-token', 'basic '],
    pattern: new RegExp(
      String.raw`(?:authorization["']?\s{0,3}[:=,]\s{0,3}["']?\s{0,3}(?:bearer|token|basic)|bearer|(?:x-api-key|api-key|x-auth-token|x-access-token)["']?\s{0,3}[:=,])\s{1,3}(?<q>["'\x60]?)(?<secret>[A-Za-z0-9_\-.=+/~]{16,2000})(?![A-Za-z0-9_\-.=+/~])`,
      'i',
    ),
    validate: (value, ctx) => {
      if (/basic\s+$/i.test(ctx.match.slice(0, ctx.match.length - value.length - (ctx.groups.q?.length ?? 0)))) {
        const decoded = Buffer.from(value, 'base64').toString('latin1');
        if (!/^[\x20-\x7e]+:[\x20-\x7e]{4,}$/.test(decoded)) return no('not base64 of user:password');
        const pw = decoded.slice(decoded.indexOf(':') + 1);
        if (/^(password|pass|secret|test|changeme)$/i.test(pw)) return no('documentation password');
        return ok(['Basic credentials (base64 of user:password)']);
      }
      if (looksLikeCodeOrWord(value)) return no('an expression');
      if (decodeJwt(value)) return ok(['a JWT bearer token']);
      if (shannonEntropy(value) < 3.5 || charClasses(value) < 2) return no('low entropy');
      return ok();
    },
    severity: 'high',
    generic: true,
    priority: 2,
    examples: {
      truePositives: ['curl -H "Authorization: Bearer {{a62:40}}" https://api.acme.io/v1/me', "headers: { 'X-API-Key': '{{a62:32}}' }", (s) => `Authorization: Basic ${Buffer.from(`svc:${s('{{a62:20}}')}`).toString('base64')}`],
      trueNegatives: ['Authorization: Bearer ${TOKEN}', "headers: { Authorization: `Bearer ${token}` }", 'Authorization: Bearer <token>', 'Authorization: Basic dXNlcjpwYXNzd29yZA=='],
    },
  },
  {
    id: 'jwt-token',
    title: 'Hard-coded JWT',
    keywords: ['eyj'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,})(?![A-Za-z0-9_-])/,
    validate: (token) => {
      const jwt = decodeJwt(token);
      if (!jwt) return no('not a JWT');
      if (jwt.payload.sub === '1234567890' && jwt.payload.name === 'John Doe') return no('the jwt.io example token');
      const details: string[] = [];
      if (typeof jwt.payload.exp === 'number') details.push(`expires ${new Date(jwt.payload.exp * 1000).toISOString().slice(0, 10)}`);
      else details.push('never expires');
      if (jwt.header.alg === 'none') return no('unsigned JWT');
      const sig = decodeBase64Url(token.split('.')[2] ?? '');
      if (sig && /^[\x20-\x7e]+$/.test(sig.toString('latin1'))) return no('the signature is readable text: a deliberately fake token');
      return ok(details);
    },
    severity: 'medium',
    priority: 1,
    examples: {
      truePositives: ['const SERVICE_TOKEN = "{{jwt:{"sub":"svc-billing","scope":"admin","iat":1700000000}}}";'],
      trueNegatives: ['eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'],
    },
  },
  {
    id: 'generic-password',
    title: 'Hard-coded password',
    keywords: ['pass', 'pwd'],
    pattern: new RegExp(String.raw`(?:passw(?:or)?d|passwd|pwd|passphrase|pass)[\w.-]{0,25}?${SEP}(?<secret>[^\s"'\x60;,<>]{6,200})\k<q>(?![^\s"'\x60;,)}\]])`, 'i'),
    validate: (value, ctx) => {
      const name = ctx.name ?? '';
      if (!isPasswordName(name)) return no('the name is not a password (passport, bypass, compass)');
      if (notSecretName(name) && !/^(pass(word)?|passwd|pwd)$/i.test(name)) return no('names something other than a password');
      if (/^(user|username|login|email)$/i.test(value)) return no('a field name');
      return judgeAssignedValue(value, ctx, { minLength: 6, minEntropy: 2.2, weakOk: true });
    },
    severity: 'high',
    generic: true,
    priority: 2,
    examples: {
      truePositives: ['DB_PASSWORD={{a62:16}}', 'smtp_password: "{{a62:8}}!7"', '<password>{{a62:14}}</password>'.replace('<password>', 'password=').replace('</password>', ''), '"password": "Xk9#{{a62:10}}"'],
      trueNegatives: ['DB_PASSWORD=', 'password: ${DB_PASSWORD}', "password = request.form['password']", 'PASSWORD_MIN_LENGTH=12', '"password": "password"', "if (password === confirmPassword)", 'password: process.env.DB_PASSWORD'],
    },
  },
  {
    id: 'app-password',
    title: 'App password (four groups of four letters: Google, Microsoft, Apple)',
    keywords: ['pass', 'pwd'],
    pattern: new RegExp(String.raw`(?:passw(?:or)?d|passwd|pwd|pass)[\w.-]{0,25}?["'\x60\]]?\s{0,3}(?:=|:=|=>|:)\s{0,3}(?<q>["'\x60]?)(?<secret>[a-z]{4} [a-z]{4} [a-z]{4} [a-z]{4})\k<q>(?![A-Za-z0-9])`, 'i'),
    entropy: 2.5,
    validate: (_value, ctx) => (isPasswordName(ctx.name ?? '') ? ok(['an app password signs in to the mailbox or account with no second factor']) : no('not assigned to a password')),
    severity: 'high',
    generic: true,
    priority: 1,
    examples: {
      truePositives: [(s) => `GMAIL_APP_PASSWORD="${grouped(s('{{alpha:16}}'))}"`, (s) => `smtp: { pass: '${grouped(s('{{alpha:16}}'))}' }`],
      trueNegatives: ['APP_PASSWORD="xxxx xxxx xxxx xxxx"', 'password: "this is my text"'],
    },
  },
  {
    id: 'generic-api-key',
    title: 'Hard-coded secret, token or API key',
    keywords: ['secret', 'token', 'api_key', 'apikey', 'api-key', 'access_key', 'accesskey', 'access-key', 'private_key', 'privatekey', 'credential', 'auth_key', 'authkey', 'client_key'],
    pattern: new RegExp(
      String.raw`(?:secret|token|api[_.-]?key|access[_.-]?key|private[_.-]?key|credentials?|auth[_.-]?key|client[_.-]?key)[\w.-]{0,25}?${SEP}${VALUE}`,
      'i',
    ),
    validate: (value, ctx) => {
      const name = ctx.name ?? '';
      if (notSecretName(name)) return no('names something other than a secret');
      if (/csrf|xsrf/i.test(name)) return no('a CSRF token');
      return judgeAssignedValue(value, ctx, { minLength: 16, minEntropy: 3.3, weakOk: false });
    },
    severity: 'high',
    generic: true,
    priority: 2,
    examples: {
      truePositives: ['API_KEY={{a62:32}}', "const clientSecret = '{{b64u:40}}';", 'access_token: {{a62:40}}', '"secret": "{{hex:32}}"', 'WEBHOOK_SECRET={{a62:24}}'],
      trueNegatives: [
        'API_KEY=your_api_key_here',
        "apiKey: process.env.API_KEY",
        'token: ${{ secrets.GITHUB_TOKEN }}',
        'secret_hash: {{hex:64}}',
        'request_token_url = "https://api.twitter.com/oauth/request_token"',
        'csrf_token: {{a62:32}}',
        'const tokenType = "access_token_response";',
        'secretName: my-app-secrets',
        "token_id: '{{hex:8}}-{{hex:4}}-{{hex:4}}-{{hex:4}}-{{hex:12}}'",
        'const token = getAccessToken(clientCredentials);',
      ],
    },
  },
];
