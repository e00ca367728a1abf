import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretEngine } from '../../src/secrets/engine.js';
import { makeSynth } from '../../src/secrets/rules/synth.js';
import { cleanup, tempDir } from './helpers.js';

/**
 * Precision and recall cases from issue #16: private keys generated at run time (never committed),
 * AWS session tokens by value, password-like names, known false alarms, and Kubernetes Secrets.
 */

const engine = new SecretEngine();
const s = makeSynth(1616);
const failing = (text: string, path: string) => engine.scan(text, path).hits.filter((h) => !h.publicByDesign && h.severity !== 'info');

/** Every private key format a user may commit, generated now. */
function generatedKeys(dir: string): Array<{ kind: string; pem: string }> {
  const out: Array<{ kind: string; pem: string }> = [];
  for (const [type, bits] of [['ed25519', ''], ['rsa', '2048'], ['ecdsa', '256']] as const) {
    const file = join(dir, `id_${type}`);
    const r = spawnSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', bits] : []), '-N', '', '-C', 'deploy@ci', '-f', file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ssh-keygen ${type}: ${r.stderr}`);
    out.push({ kind: `openssh-${type}`, pem: readFileSync(file, 'utf8').trim() });
  }
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  out.push({ kind: 'pkcs1-rsa', pem: rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString().trim() });
  out.push({ kind: 'pkcs8-rsa', pem: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().trim() });
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  out.push({ kind: 'sec1-ec', pem: ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString().trim() });
  const ed = generateKeyPairSync('ed25519');
  out.push({ kind: 'pkcs8-ed25519', pem: ed.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().trim() });
  return out;
}

describe('private keys are never filtered as placeholders (issue #16 secrets 1)', () => {
  let dir: string;
  let keys: Array<{ kind: string; pem: string }>;
  beforeAll(() => {
    dir = tempDir('keys-');
    keys = generatedKeys(dir);
  });
  afterAll(() => cleanup(dir));

  it('finds every generated key at every indent from 0 to 12 (YAML block scalars, Helm values)', () => {
    const missed: string[] = [];
    for (const { kind, pem } of keys) {
      for (let indent = 0; indent <= 12; indent++) {
        const pad = ' '.repeat(indent);
        const text = indent === 0 ? `${pem}\n` : `tls:\n${' '.repeat(Math.max(0, indent - 2))}key: |\n${pem.split('\n').map((l) => pad + l).join('\n')}\nother: value\n`;
        const hits = failing(text, indent === 0 ? 'deploy/id_key' : 'charts/app/values.yaml');
        if (!hits.some((h) => h.ruleId === 'private-key' && h.severity === 'critical')) missed.push(`${kind}@${indent}`);
      }
    }
    expect(missed).toEqual([]);
  });

  it('finds an OpenSSH key as a JSON string with escaped newlines', () => {
    const ssh = keys.find((k) => k.kind === 'openssh-ed25519')!.pem;
    const hits = failing(JSON.stringify({ deployKey: ssh }), 'config/deploy.json');
    expect(hits.map((h) => h.ruleId)).toContain('private-key');
  });
});

describe('AWS session tokens by value, any name, any length (issue #16 secrets 2)', () => {
  const tokens = [s('IQoJb3JpZ2luX2Vj{{b64:900}}'), s('FwoGZXIvYXdz{{b64:340}}'), s('IQoJb3JpZ2luX2Vj{{b64:250}}==')];
  it.each([
    ['S3_SESSION_TOKEN', (t: string) => `S3_SESSION_TOKEN=${t}\n`, '.env'],
    ['terraform token =', (t: string) => `provider "aws" {\n  region = "eu-west-1"\n  token  = "${t}"\n}\n`, 'infra/main.tf'],
    ['JSON SessionToken', (t: string) => `{"Credentials": {"SessionToken": "${t}", "Expiration": "2026-12-05T00:00:00Z"}}`, 'creds.json'],
    ['bare on a line', (t: string) => `${t}\n`, 'notes.txt'],
  ])('%s', (_name, make, path) => {
    for (const t of tokens) {
      const hits = failing(make(t), path);
      expect(hits.map((h) => h.ruleId), path).toEqual(['aws-session-token']);
      expect(hits[0]!.redacted.length).toBe(t.length);
    }
  });
});

const appPassword = s('{{alpha:16}}').toLowerCase().replace(/(.{4})(?=.)/g, '$1 ');

describe('password-like names (issue #16 secrets 3)', () => {
  const pw = s('{{a62:14}}');
  it.each([
    [`SMTP_PASS=${pw}`, '.env'],
    [`const smtpPass = "${pw}";`, 'src/mail.ts'],
    [`MAIL_PASS: "${pw}"`, 'docker-compose.yml'],
    [`DB_PWD=${pw}`, '.env'],
    [`GPG_PASSPHRASE=${pw}`, '.env'],
    [`signing_passphrase: "${pw}"`, 'config.yml'],
    [`GMAIL_APP_PASSWORD="${appPassword}"`, '.env'],
    [`SMTP_PASSWORD=${appPassword}`, '.env'],
    [`smtp: { user: 'app@acme.io', pass: '${pw}' }`, 'src/mailer.js'],
  ])('%s', (text, path) => {
    const hits = failing(text, path);
    expect(hits.length, text).toBe(1);
  });

  it.each([
    ['const passport = require("passport");', 'src/app.js'],
    ['BYPASS_CACHE=true', '.env'],
    ['compass: "north-north-west"', 'config.yml'],
    ['SMTP_PASS=', '.env'],
    ['smtpPass: process.env.SMTP_PASS,', 'src/mail.ts'],
    ['APP_PASSWORD="xxxx xxxx xxxx xxxx"', '.env'],
    ['passthrough: "enabledForAllRoutes"', 'config.yml'],
  ])('not: %s', (text, path) => {
    expect(failing(text, path)).toEqual([]);
  });
});

describe('known false alarms stay quiet (issue #16 secrets 4)', () => {
  it('shell ${VAR:?message} and "?Something" are not values', () => {
    const sh = [
      ': "${API_TOKEN:?API_TOKEN must be set to deploy}"',
      'export SECRET_KEY="${SECRET_KEY:?Missing}"',
      'DB_PASSWORD=${DB_PASSWORD:?DatabasePasswordRequired}',
      'curl -H "Authorization: Bearer ${GITHUB_TOKEN:?GithubTokenRequired}" https://api.github.com',
      ': "${NPM_TOKEN:?Required_for_publishing to the registry}"',
      'echo "${JWT_SECRET:?Please set JWT_SECRET}" > /dev/null',
    ].join('\n');
    expect(failing(sh, 'node_modules/some-pkg/scripts/release.sh')).toEqual([]);
    expect(failing('const o = { token: "?SomethingElse", secret: "?OptionalValue1" };', 'node_modules/x/index.js')).toEqual([]);
  });

  it('vendor documentation example values (Telegram Bot API docs token) are not leaks', () => {
    expect(failing('new Bot({ botToken: "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11" })', 'node_modules/pino/docs/transports.md')).toEqual([]);
  });

  it('a GitHub-shaped token whose CRC32 does not match is informational at most', () => {
    const hits = engine.scan(`GITHUB_TOKEN=${s('ghp_{{ghbad}}')}\n`, '.env').hits;
    expect(hits).toHaveLength(1);
    expect(hits[0]!.severity).toBe('info');
    const real = engine.scan(`GITHUB_TOKEN=${s('ghp_{{gh}}')}\n`, '.env').hits;
    expect(real[0]!.severity).toBe('critical');
  });

  it('local database URLs whose password is the user name or a default are not reported', () => {
    for (const u of ['postgresql://user:user@127.0.0.1:5432/app', 'postgres://myapp:myapp@localhost/myapp_dev', 'mysql://shop:shop@127.0.0.1:3306/shop']) {
      expect(failing(`DATABASE_URL=${u}\n`, '.env.development'), u).toEqual([]);
    }
    // A real password on a remote host is still critical.
    const remote = failing(`DATABASE_URL=postgres://app:${s('{{a62:24}}')}@db.acme-prod.internal:5432/app\n`, '.env');
    expect(remote.map((h) => h.severity)).toEqual(['critical']);
  });

  it('dependency names with versions are not passwords or keys', () => {
    const pkg = JSON.stringify({ dependencies: { 'pbkdf2-password': '^1.2.1', 'secret-handshake': '~1.1.20', 'api-key-auth': '>=0.2.3', 'passport-local': '1.0.0', 'token-bucket': '^2.0.0-beta.1' } }, null, 2);
    expect(failing(pkg, 'package.json')).toEqual([]);
    expect(failing("'password-hash': '^1.2.2',\n", 'node_modules/x/package.json')).toEqual([]);
  });

  it('publishable keys are informational only, whatever they are assigned to', () => {
    const pk = s('pk_live_{{a62:99}}');
    const mapbox = s('pk.eyJ1Ijoi{{b64u:40}}.{{b64u:22}}');
    const texts = [`STRIPE_KEY=${pk}`, `const stripe = { publishableKey: "${pk}", apiKey: "${pk}" };`, `NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=${pk}`, `MAPBOX_TOKEN=${mapbox}`, `mapboxgl.accessToken = "${mapbox}";`, `secret_token: "${mapbox}"`];
    for (const t of texts) {
      const hits = engine.scan(t, t.includes('const') ? 'src/map.js' : '.env').hits;
      expect(hits.length, t).toBeGreaterThan(0);
      for (const h of hits) expect({ t, rule: h.ruleId, sev: h.severity, pub: h.publicByDesign }).toMatchObject({ sev: 'info', pub: true });
    }
  });
});

describe('Kubernetes Secret manifests: data values are decoded and scanned (issue #16 secrets 5)', () => {
  const b64 = (v: string) => Buffer.from(v).toString('base64');
  const stripe = s('sk_live_{{a62:32}}');
  const dbPass = s('{{a62:20}}');
  const token = s('{{a62:40}}');
  const manifest = [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: app-secrets',
    'type: Opaque',
    'data:',
    `  STRIPE_SECRET_KEY: ${b64(stripe)}`,
    `  DATABASE_PASSWORD: ${b64(dbPass)}`,
    `  api-token: "${b64(token)}"`,
    `  APP_NAME: ${b64('shop-frontend')}`,
    `  ca.crt: ${b64('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')}`,
    '---',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: app-config',
    'data:',
    `  SOME_SETTING: ${b64('just-a-setting-value')}`,
  ].join('\n');

  it('reports each decoded secret at its data line', () => {
    const hits = failing(manifest, 'k8s/secret.yaml');
    expect(hits.map((h) => `${h.ruleId}:${h.line}`).sort()).toEqual(['generic-api-key:9', 'generic-password:8', 'stripe-secret-key:7']);
    for (const h of hits) expect(h.details.join(' ')).toMatch(/base64/);
    expect(hits.find((h) => h.line === 7)!.redacted.length).toBe(stripe.length);
  });

  it('leaves non-secret data, ConfigMaps and non-Kubernetes YAML alone', () => {
    const quiet = ['apiVersion: v1', 'kind: Secret', 'data:', `  APP_NAME: ${b64('shop-frontend')}`, `  LOG_LEVEL: ${b64('debug')}`].join('\n');
    expect(failing(quiet, 'k8s/quiet.yaml')).toEqual([]);
  });
});
