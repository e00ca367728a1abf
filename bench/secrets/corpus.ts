/**
 * Generator of a labelled secrets corpus: realistic files in several languages and config formats,
 * each planted secret recorded with its file and line, plus hard negatives (placeholders, vendor
 * example keys, hashes, UUIDs, SRI/lockfile integrity, test fixtures, public keys) that must not be
 * reported. Every key-shaped value is built at run time from random bytes, so this file holds none.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { base62, crc32 } from '../../src/secrets/validators.js';
import { prng, randomString } from '../../src/secrets/rules/synth.js';

export interface Label {
  file: string;
  /** 1-based line of the secret (first line for multi-line keys). */
  line: number;
  /** Last line of a multi-line secret. */
  endLine: number;
  family: string;
  value: string;
}

export interface Corpus {
  dir: string;
  files: string[];
  labels: Label[];
  bytes: number;
}

const A62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const B64 = A62 + '+/';
const B64U = A62 + '_-';
const UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export class Rand {
  private readonly r: () => number;
  constructor(seed: number) {
    this.r = prng(seed);
  }
  next(): number {
    return this.r();
  }
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }
  s(alphabet: string, n: number): string {
    return randomString(this.r, alphabet, n);
  }
  hex(n: number): string {
    return this.s(HEX, n);
  }
  a62(n: number): string {
    return this.s(A62, n);
  }
  uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${this.pick(['8', '9', 'a', 'b'])}${this.hex(3)}-${this.hex(12)}`;
  }
  password(): string {
    const specials = '!@#$%^&*-_=+';
    let p = this.s(A62, 10 + this.int(8));
    p = p.slice(0, 3) + this.pick([...specials]) + p.slice(3) + this.int(100);
    return p;
  }
}

/** A secret family: a realistic variable name and a value generator. */
interface Family {
  name: string;
  vars: string[];
  value(r: Rand): string;
}

function ghToken(prefix: string, r: Rand): string {
  const body = r.a62(30);
  return `${prefix}${body}${base62(crc32(body), 6)}`;
}
function b64url(s: string): string {
  return Buffer.from(s).toString('base64url');
}
function jwt(payload: object, r: Rand): string {
  return `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(JSON.stringify(payload))}.${r.s(B64U, 43)}`;
}

export const FAMILIES: Family[] = [
  { name: 'aws-access-key-id', vars: ['AWS_ACCESS_KEY_ID', 'aws_access_key_id', 'accessKeyId'], value: (r) => `AKIA${r.s(UP, 16)}` },
  { name: 'aws-secret', vars: ['AWS_SECRET_ACCESS_KEY', 'aws_secret_access_key', 'secretAccessKey'], value: (r) => r.s(B64, 40) },
  { name: 'github-classic', vars: ['GITHUB_TOKEN', 'GH_TOKEN', 'githubToken'], value: (r) => ghToken('ghp_', r) },
  { name: 'github-fine-grained', vars: ['GITHUB_PAT', 'GH_PAT'], value: (r) => `github_pat_${r.a62(22)}_${r.a62(59)}` },
  { name: 'github-oauth', vars: ['GITHUB_OAUTH_TOKEN'], value: (r) => ghToken('gho_', r) },
  { name: 'gitlab-pat', vars: ['GITLAB_TOKEN', 'CI_JOB_PAT'], value: (r) => `glpat-${r.s(B64U, 20)}` },
  { name: 'slack-bot', vars: ['SLACK_BOT_TOKEN', 'slackToken'], value: (r) => `xoxb-${r.s('0123456789', 12)}-${r.s('0123456789', 13)}-${r.a62(24)}` },
  { name: 'slack-webhook', vars: ['SLACK_WEBHOOK_URL', 'slack_webhook'], value: (r) => `https://hooks.slack.com/services/T${r.s(UP, 8)}/B${r.s(UP, 10)}/${r.a62(24)}` },
  { name: 'stripe-live', vars: ['STRIPE_SECRET_KEY', 'stripeKey', 'STRIPE_API_KEY'], value: (r) => `sk_live_${r.a62(24 + r.int(76))}` },
  { name: 'stripe-restricted', vars: ['STRIPE_RESTRICTED_KEY'], value: (r) => `rk_live_${r.a62(24 + r.int(76))}` },
  { name: 'stripe-webhook', vars: ['STRIPE_WEBHOOK_SECRET'], value: (r) => `whsec_${r.a62(32)}` },
  { name: 'sendgrid', vars: ['SENDGRID_API_KEY', 'sendgridKey'], value: (r) => `SG.${r.s(B64U, 22)}.${r.s(B64U, 43)}` },
  { name: 'twilio-api-key', vars: ['TWILIO_API_KEY'], value: (r) => `SK${r.hex(32)}` },
  { name: 'twilio-auth-token', vars: ['TWILIO_AUTH_TOKEN'], value: (r) => r.hex(32) },
  { name: 'mailgun', vars: ['MAILGUN_API_KEY'], value: (r) => `key-${r.hex(32)}` },
  { name: 'openai', vars: ['OPENAI_API_KEY', 'openaiKey'], value: (r) => `sk-proj-${r.s(B64U, 74)}T3BlbkFJ${r.s(B64U, 74)}` },
  { name: 'openai-legacy', vars: ['OPENAI_API_KEY'], value: (r) => `sk-${r.a62(20)}T3BlbkFJ${r.a62(20)}` },
  { name: 'anthropic', vars: ['ANTHROPIC_API_KEY'], value: (r) => `sk-ant-api03-${r.s(B64U, 93)}AA` },
  { name: 'google-api-key', vars: ['GOOGLE_API_KEY', 'GEMINI_API_KEY', 'YOUTUBE_API_KEY'], value: (r) => `AIza${r.s(B64U, 35)}` },
  { name: 'google-oauth-secret', vars: ['GOOGLE_CLIENT_SECRET'], value: (r) => `GOCSPX-${r.s(B64U, 28)}` },
  { name: 'npm', vars: ['NPM_TOKEN'], value: (r) => ghToken('npm_', r) },
  { name: 'pypi', vars: ['PYPI_TOKEN', 'TWINE_PASSWORD'], value: (r) => `pypi-AgEIcHlwaS5vcmc${r.s(B64U, 120)}` },
  { name: 'db-postgres', vars: ['DATABASE_URL'], value: (r) => `postgres://app_${r.s('abcdefghijklmnop', 4)}:${r.a62(24)}@db-${r.hex(6)}.eu-west-1.rds.amazonaws.com:5432/prod` },
  { name: 'db-mongo', vars: ['MONGODB_URI', 'MONGO_URL'], value: (r) => `mongodb+srv://admin:${r.a62(16)}@cluster0.${r.s('abcdefghijklmnopqrstuvwxyz0123456789', 5)}.mongodb.net/app?retryWrites=true&w=majority` },
  { name: 'db-redis', vars: ['REDIS_URL'], value: (r) => `rediss://default:${r.a62(32)}@eu1-${r.s('abcdefghijklmnopqrstuvwxyz', 6)}-12345.upstash.io:6379` },
  { name: 'db-mysql', vars: ['MYSQL_URL'], value: (r) => `mysql://shop:${r.password()}@10.0.${r.int(250)}.${r.int(250)}:3306/shop` },
  { name: 'jwt-secret', vars: ['JWT_SECRET', 'jwtSecret', 'JWT_SIGNING_KEY', 'SESSION_SECRET', 'NEXTAUTH_SECRET'], value: (r) => r.s(B64, 32 + r.int(32)) },
  { name: 'django-secret', vars: ['SECRET_KEY'], value: (r) => `django-insecure-${r.s(A62 + '!@#%^&*(-_=+)', 50)}` },
  { name: 'generic-api-key', vars: ['API_KEY', 'apiKey', 'PAYMENTS_API_KEY', 'partner_api_key', 'X_API_KEY'], value: (r) => r.a62(32 + r.int(16)) },
  { name: 'generic-secret', vars: ['CLIENT_SECRET', 'clientSecret', 'WEBHOOK_SECRET', 'app_secret'], value: (r) => r.s(B64U, 40) },
  { name: 'generic-password', vars: ['DB_PASSWORD', 'SMTP_PASSWORD', 'password', 'adminPassword', 'REDIS_PASSWORD'], value: (r) => r.password() },
  { name: 'supabase-service', vars: ['SUPABASE_SERVICE_ROLE_KEY'], value: (r) => jwt({ iss: 'supabase', ref: r.s('abcdefghijklmnopqrstuvwxyz', 20), role: 'service_role', iat: 1700000000, exp: 2015000000 }, r) },
  { name: 'discord-bot', vars: ['DISCORD_TOKEN'], value: (r) => `${Buffer.from(`1${r.s('0123456789', 17)}`).toString('base64').replace(/=+$/, '')}.${r.s(B64U, 6)}.${r.s(B64U, 38)}` },
  { name: 'telegram', vars: ['TELEGRAM_BOT_TOKEN'], value: (r) => `${r.s('123456789', 10)}:AA${r.s(B64U, 33)}` },
  { name: 'shopify', vars: ['SHOPIFY_ACCESS_TOKEN'], value: (r) => `shpat_${r.hex(32)}` },
  { name: 'square', vars: ['SQUARE_ACCESS_TOKEN'], value: (r) => `EAAA${r.s(B64U, 60)}` },
  { name: 'digitalocean', vars: ['DIGITALOCEAN_TOKEN'], value: (r) => `dop_v1_${r.hex(64)}` },
  { name: 'huggingface', vars: ['HF_TOKEN'], value: (r) => `hf_${r.s('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 34)}` },
  { name: 'groq', vars: ['GROQ_API_KEY'], value: (r) => `gsk_${r.a62(52)}` },
  { name: 'linear', vars: ['LINEAR_API_KEY'], value: (r) => `lin_api_${r.a62(40)}` },
  { name: 'doppler', vars: ['DOPPLER_TOKEN'], value: (r) => `dp.st.prd.${r.a62(43)}` },
  { name: 'vault', vars: ['VAULT_TOKEN'], value: (r) => `hvs.${r.s(B64U, 91)}` },
  { name: 'datadog', vars: ['DD_API_KEY', 'DATADOG_API_KEY'], value: (r) => r.hex(32) },
  { name: 'heroku', vars: ['HEROKU_API_KEY'], value: (r) => `HRKU-AA${r.s(B64U, 58)}` },
  { name: 'azure-storage', vars: ['AZURE_STORAGE_CONNECTION_STRING'], value: (r) => `DefaultEndpointsProtocol=https;AccountName=acme${r.s('abcdefghijklmnopqrstuvwxyz', 6)};AccountKey=${r.s(B64, 86)}==;EndpointSuffix=core.windows.net` },
  { name: 'mailchimp', vars: ['MAILCHIMP_API_KEY'], value: (r) => `${r.hex(32)}-us${1 + r.int(20)}` },
  { name: 'databricks', vars: ['DATABRICKS_TOKEN'], value: (r) => `dapi${r.hex(32)}` },
  { name: 'newrelic', vars: ['NEW_RELIC_API_KEY'], value: (r) => `NRAK-${r.s('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 27)}` },
  { name: 'resend', vars: ['RESEND_API_KEY'], value: (r) => `re_${r.a62(8)}_${r.a62(24)}` },
  { name: 'brevo', vars: ['BREVO_API_KEY'], value: (r) => `xkeysib-${r.hex(64)}-${r.a62(16)}` },
  { name: 'replicate', vars: ['REPLICATE_API_TOKEN'], value: (r) => `r8_${r.a62(37)}` },
  { name: 'postman', vars: ['POSTMAN_API_KEY'], value: (r) => `PMAK-${r.hex(24)}-${r.hex(34)}` },
  { name: 'sentry', vars: ['SENTRY_AUTH_TOKEN'], value: (r) => `sntryu_${r.hex(64)}` },
  { name: 'terraform', vars: ['TFE_TOKEN'], value: (r) => `${r.a62(14)}.atlasv1.${r.s(B64U, 67)}` },
  { name: 'pulumi', vars: ['PULUMI_ACCESS_TOKEN'], value: (r) => `pul-${r.hex(40)}` },
];

let keyCache: string[] | undefined;
/** Real PEM private keys (generated once per run) — the only way to test DER parsing honestly. */
function realPrivateKeys(): string[] {
  if (keyCache) return keyCache;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
  const pk8 = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  keyCache = [rsa, ec, pk8];
  return keyCache;
}

type Lang = 'env' | 'yaml' | 'json' | 'js' | 'ts' | 'py' | 'go' | 'java' | 'rb' | 'php' | 'tf' | 'sh' | 'docker' | 'md' | 'properties';
const EXT: Record<Lang, string> = { env: '.env', yaml: '.yml', json: '.json', js: '.js', ts: '.ts', py: '.py', go: '.go', java: '.java', rb: '.rb', php: '.php', tf: '.tf', sh: '.sh', docker: '', md: '.md', properties: '.properties' };

function snake(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}
function camel(name: string): string {
  const s = snake(name).replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  return s;
}

/** One assignment line in a language. */
function assign(lang: Lang, name: string, value: string): string {
  switch (lang) {
    case 'env':
      return `${name.toUpperCase()}=${value}`;
    case 'yaml':
      return `  ${snake(name)}: "${value}"`;
    case 'json':
      return `  "${camel(name)}": "${value}",`;
    case 'js':
      return `const ${camel(name)} = '${value}';`;
    case 'ts':
      return `  ${camel(name)}: "${value}",`;
    case 'py':
      return `${name.toUpperCase()} = "${value}"`;
    case 'go':
      return `\t${camel(name)} := "${value}"`;
    case 'java':
      return `    private static final String ${name.toUpperCase()} = "${value}";`;
    case 'rb':
      return `  config.${snake(name)} = '${value}'`;
    case 'php':
      return `    '${snake(name)}' => '${value}',`;
    case 'tf':
      return `  ${snake(name)} = "${value}"`;
    case 'sh':
      return `export ${name.toUpperCase()}="${value}"`;
    case 'docker':
      return `ENV ${name.toUpperCase()}=${value}`;
    case 'md':
      return `    ${name.toUpperCase()}=${value}`;
    case 'properties':
      return `app.${snake(name).replace(/_/g, '.')}=${value}`;
  }
}

const FILLER: Record<Lang, string[]> = {
  env: ['NODE_ENV=production', 'PORT=3000', 'LOG_LEVEL=info', 'APP_URL=https://app.acme-corp.com', 'FEATURE_FLAGS=billing,invoices', '# Payments', 'TZ=UTC'],
  yaml: ['service:', '  name: billing-api', '  replicas: 3', '  image: ghcr.io/acme/billing:1.42.0', 'database:', '  pool: 10', '  host: db.internal', 'logging:', '  level: info'],
  json: ['{', '  "name": "billing-api",', '  "version": "1.42.0",', '  "region": "eu-west-1",', '  "timeoutMs": 5000,', '  "retries": 3,', '}'],
  js: ["import express from 'express';", 'const app = express();', "app.get('/health', (req, res) => res.json({ ok: true }));", 'export function total(items) {', '  return items.reduce((s, i) => s + i.amount, 0);', '}', "const token = req.headers['authorization'];", 'const apiKey = process.env.API_KEY;'],
  ts: ["import { z } from 'zod';", 'export const Invoice = z.object({ id: z.string(), amount: z.number() });', 'export interface Config {', '  region: string;', '}', 'export const config = {', '  retries: 3,', "  password: process.env.DB_PASSWORD ?? '',", '};'],
  py: ['import os', 'from fastapi import FastAPI', 'app = FastAPI()', '@app.get("/health")', 'def health():', '    return {"ok": True}', 'DB_PASSWORD = os.environ["DB_PASSWORD"]', 'api_key = os.getenv("PARTNER_API_KEY")'],
  go: ['package main', 'import "net/http"', 'func main() {', '\thttp.HandleFunc("/health", health)', '\ttoken := os.Getenv("API_TOKEN")', '}'],
  java: ['package com.acme.billing;', 'public class Settings {', '    private final String region = "eu-west-1";', '    private String password = System.getenv("DB_PASSWORD");', '}'],
  rb: ['Rails.application.configure do', '  config.cache_classes = true', "  config.secret_key_base = ENV['SECRET_KEY_BASE']", 'end'],
  php: ['<?php', 'return [', "    'driver' => 'mysql',", "    'password' => env('DB_PASSWORD'),", '];'],
  tf: ['resource "aws_db_instance" "main" {', '  engine = "postgres"', '  password = var.db_password', '}'],
  sh: ['#!/usr/bin/env bash', 'set -euo pipefail', 'curl -fsS https://api.acme-corp.com/health', 'echo "deploying $VERSION"'],
  docker: ['FROM node:20-alpine', 'WORKDIR /app', 'COPY . .', 'RUN npm ci --omit=dev', 'CMD ["node", "server.js"]'],
  md: ['# Setup', '', 'Copy `.env.example` to `.env` and fill in the values:', '', '    API_KEY=your_api_key_here', ''],
  properties: ['server.port=8080', 'spring.datasource.url=jdbc:postgresql://db:5432/app', 'spring.datasource.password=${DB_PASSWORD}', 'logging.level.root=INFO'],
};

/** Lines that look like secrets to a naive scanner but are not: each must stay unreported. */
function hardNegatives(r: Rand): Array<{ lang: Lang; line: string }> {
  const sha256 = r.hex(64);
  return [
    { lang: 'env', line: 'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE' },
    { lang: 'env', line: 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    { lang: 'env', line: 'STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx' },
    { lang: 'env', line: 'OPENAI_API_KEY=sk-proj-your-key-here' },
    { lang: 'env', line: 'API_KEY=YOUR_API_KEY' },
    { lang: 'env', line: 'JWT_SECRET=changeme' },
    { lang: 'env', line: 'GITHUB_TOKEN=<token>' },
    { lang: 'yaml', line: '  token: ${{ secrets.GITHUB_TOKEN }}' },
    { lang: 'yaml', line: `  password: \${DB_PASSWORD}` },
    { lang: 'js', line: 'const secret = process.env.JWT_SECRET;' },
    { lang: 'py', line: 'SECRET_KEY = os.environ.get("SECRET_KEY")' },
    { lang: 'json', line: `  "integrity": "sha512-${r.s(B64, 86)}==",` },
    { lang: 'md', line: `<script src="https://cdn.acme.com/app.js" integrity="sha384-${r.s(B64, 64)}" crossorigin="anonymous"></script>` },
    { lang: 'yaml', line: `  checksum: ${sha256}` },
    { lang: 'json', line: `  "sha": "${r.hex(40)}",` },
    { lang: 'env', line: `BUILD_COMMIT=${r.hex(40)}` },
    { lang: 'json', line: `  "etag": "${r.hex(32)}",` },
    { lang: 'json', line: `  "id": "${r.uuid()}",` },
    { lang: 'js', line: `const requestId = '${r.uuid()}';` },
    { lang: 'yaml', line: `  tenant_id: ${r.uuid()}` },
    { lang: 'js', line: "const password = 'password';" },
    { lang: 'ts', line: "  it('rejects a wrong password', () => login('alice', 'wrong-password'));" },
    { lang: 'js', line: 'const token = jwt.sign(payload, JWT_SECRET);' },
    { lang: 'js', line: "const tokenType = 'access_token';" },
    { lang: 'md', line: 'Authorization: Bearer <your-token>' },
    { lang: 'md', line: 'curl -H "Authorization: Bearer $TOKEN" https://api.acme-corp.com/v1/me' },
    { lang: 'js', line: 'const example = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";' },
    { lang: 'env', line: 'DATABASE_URL=postgres://postgres:postgres@localhost:5432/dev' },
    { lang: 'env', line: 'DATABASE_URL=postgresql://user:password@localhost:5432/mydb' },
    { lang: 'md', line: '-----BEGIN PUBLIC KEY-----' },
    { lang: 'js', line: `const logo = "data:image/png;base64,${r.s(B64, 120)}";` },
    { lang: 'ts', line: `const CACHE_KEY_PREFIX = 'invoices:v2:';` },
    { lang: 'ts', line: "const PASSWORD_MIN_LENGTH = 12;" },
    { lang: 'js', line: "const csrfTokenHeader = 'x-csrf-token';" },
    { lang: 'env', line: 'SENTRY_DSN=https://' + r.hex(32) + '@o123456.ingest.sentry.io/456789' },
    { lang: 'env', line: 'NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=pk_live_' + r.a62(24) },
    { lang: 'yaml', line: `  api_key: "********"` },
    { lang: 'py', line: 'password = request.form["password"]' },
    { lang: 'go', line: '\tsecretName := "billing-api-secrets"' },
    { lang: 'ts', line: `  publicKey: "${r.s(B64, 44)}",` },
  ];
}

function fileFor(lang: Lang, index: number, r: Rand): string {
  const base: Record<Lang, string[]> = {
    env: ['.env', '.env.production', 'deploy/.env.staging', 'services/api/.env'],
    yaml: ['config/app', 'k8s/deployment', 'docker-compose', '.github/workflows/deploy', 'charts/api/values'],
    json: ['config/default', 'appsettings', 'firebase', 'settings/local'],
    js: ['src/server', 'src/lib/payments', 'scripts/seed', 'src/config', 'lib/mailer'],
    ts: ['src/config', 'src/services/billing', 'src/lib/ai', 'app/api/route', 'src/integrations/slack'],
    py: ['app/settings', 'app/services/payments', 'scripts/backfill', 'worker/tasks'],
    go: ['cmd/api/main', 'internal/config/config'],
    java: ['src/main/java/com/acme/Settings'],
    rb: ['config/initializers/stripe', 'config/environments/production'],
    php: ['config/services', 'config/database'],
    tf: ['infra/main', 'infra/rds'],
    sh: ['scripts/deploy', 'bin/release'],
    docker: ['Dockerfile', 'api/Dockerfile'],
    md: ['README', 'docs/setup', 'docs/runbook'],
    properties: ['src/main/resources/application'],
  };
  const b = r.pick(base[lang]);
  const ext = EXT[lang];
  if (lang === 'env') return `${b}${index ? `-${index}` : ''}`.replace(/\.env-(\d+)$/, '.env.$1');
  return `${b}-${index}${ext}`;
}

const LANGS: Lang[] = ['env', 'yaml', 'json', 'js', 'ts', 'py', 'go', 'java', 'rb', 'php', 'tf', 'sh', 'docker', 'md', 'properties'];

/** Builds the tree corpus under `dir`: `files` files, about half carrying one to three secrets. */
export function generateCorpus(dir: string, opts: { files: number; seed: number; fillerLines?: number }): Corpus {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const r = new Rand(opts.seed);
  const labels: Label[] = [];
  const files: string[] = [];
  let bytes = 0;
  const negatives = hardNegatives(r);
  for (let i = 0; i < opts.files; i++) {
    const lang = LANGS[i % LANGS.length]!;
    const rel = fileFor(lang, i, r);
    const lines: string[] = [];
    const filler = FILLER[lang];
    const n = opts.fillerLines ?? 30;
    const plant = i % 2 === 0 ? 1 + r.int(3) : 0;
    const plantAt = new Set(Array.from({ length: plant }, () => 1 + r.int(n - 2)));
    for (let l = 0; l < n; l++) {
      if (plantAt.has(l)) {
        if (r.int(25) === 0 && (lang === 'md' || lang === 'yaml' || lang === 'env')) {
          const pem = r.pick(realPrivateKeys()).trimEnd().split('\n');
          const start = lines.length + 1;
          if (lang === 'yaml') {
            lines.push('  tls_key: |');
            lines.push(...pem.map((p) => `    ${p}`));
            labels.push({ file: rel, line: start + 1, endLine: start + pem.length, family: 'private-key', value: pem.join('\n') });
          } else {
            lines.push(...pem);
            labels.push({ file: rel, line: start, endLine: start + pem.length - 1, family: 'private-key', value: pem.join('\n') });
          }
          continue;
        }
        const fam = r.pick(FAMILIES);
        const value = fam.value(r);
        const name = r.pick(fam.vars);
        lines.push(assign(lang, name, value));
        labels.push({ file: rel, line: lines.length, endLine: lines.length, family: fam.name, value });
      } else if (r.int(6) === 0) {
        const neg = negatives[r.int(negatives.length)]!;
        lines.push(neg.line);
      } else lines.push(filler[l % filler.length]!);
    }
    const text = `${lines.join('\n')}\n`;
    const abs = join(dir, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
    files.push(rel);
    bytes += Buffer.byteLength(text);
  }
  // Hard-negative-only files: lockfile integrity, test fixtures, vendor docs.
  const lock = { name: 'app', lockfileVersion: 3, packages: Object.fromEntries(Array.from({ length: 200 }, (_, k) => [`node_modules/pkg-${k}`, { version: '1.0.0', resolved: `https://registry.npmjs.org/pkg-${k}/-/pkg-${k}-1.0.0.tgz`, integrity: `sha512-${r.s(B64, 86)}==` }])) };
  const extra: Array<[string, string]> = [
    ['package-lock.json', JSON.stringify(lock, null, 2)],
    ['test/fixtures/users.test.ts', ["const users = [", "  { email: 'alice@acme.test', password: 'correct-horse-battery' },", "  { email: 'bob@acme.test', password: 'password123' },", '];', "const token = 'test-token';", `const sessionId = '${r.uuid()}';`].join('\n')],
    ['docs/aws.md', ['Example credentials from the AWS docs:', '', '    aws_access_key_id = AKIAIOSFODNN7EXAMPLE', '    aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'].join('\n')],
    ['go.sum', Array.from({ length: 100 }, (_, k) => `github.com/acme/mod${k} v1.2.${k} h1:${r.s(B64, 43)}=`).join('\n')],
  ];
  for (const [rel, text] of extra) {
    const abs = join(dir, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
    files.push(rel);
    bytes += Buffer.byteLength(text);
  }
  return { dir, files, labels, bytes };
}
