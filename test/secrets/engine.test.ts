import { describe, expect, it } from 'vitest';
import { SecretEngine, assignedName } from '../../src/secrets/engine.js';
import { makeSynth } from '../../src/secrets/rules/synth.js';
import { base62, crc32, hasValidBase62Checksum, parsePrivateKeyBlock } from '../../src/secrets/validators.js';
import { KeywordPrefilter } from '../../src/secrets/prefilter.js';

const engine = new SecretEngine();
const s = makeSynth(11);

describe('secret engine', () => {
  it('reports line and column of the secret, not of the match', () => {
    const key = s('sk_live_{{a62:30}}');
    const text = `line one\n\nconst stripe = new Stripe("${key}");\n`;
    const [hit] = engine.scan(text, 'src/pay.js').hits;
    expect(hit?.ruleId).toBe('stripe-secret-key');
    expect(hit?.line).toBe(3);
    expect(hit?.column).toBe(text.split('\n')[2]!.indexOf(key) + 1);
  });

  it('redacts: prefix of at most 4 characters, length and sha256 — never the value', () => {
    const key = s('ghp_{{gh}}');
    const { hits } = engine.scan(`token=${key}`, '.env');
    expect(hits).toHaveLength(1);
    expect(hits[0]!.redacted.prefix.length).toBeLessThanOrEqual(4);
    expect(hits[0]!.redacted.length).toBe(key.length);
    expect(JSON.stringify(hits)).not.toContain(key.slice(4));
  });

  it('honours launchready-ignore on the line and on the line above', () => {
    const key = s('sk_live_{{a62:30}}');
    expect(engine.scan(`k = "${key}" # launchready-ignore -- test key`, 'a.py').hits).toEqual([]);
    expect(engine.scan(`# launchready-ignore\nk = "${key}"`, 'a.py').hits).toEqual([]);
    expect(engine.scan(`# launchready-ignore\n\nk = "${key}"`, 'a.py').hits).toHaveLength(1);
  });

  it('makes a secret in a frontend-exposed variable critical, and leaves publishable keys public by design', () => {
    const [hit] = engine.scan(`NEXT_PUBLIC_OPENAI_KEY=${s('sk-proj-{{b64u:60}}T3BlbkFJ{{b64u:60}}')}`, '.env').hits;
    expect(hit?.severity).toBe('critical');
    expect(hit?.frontendExposed).toBe('NEXT_PUBLIC_OPENAI_KEY');
    const [pk] = engine.scan(`VITE_STRIPE_KEY=${s('pk_live_{{a62:30}}')}`, '.env').hits;
    expect(pk?.publicByDesign).toBe(true);
    expect(pk?.severity).toBe('info');
  });

  it('prefers the specific format over the generic name-based rule on the same value', () => {
    const { hits } = engine.scan(`API_KEY=${s('sk_live_{{a62:30}}')}`, '.env');
    expect(hits.map((h) => h.ruleId)).toEqual(['stripe-secret-key']);
  });

  it('judges Supabase JWTs by their role claim', () => {
    const service = s('{{jwt:{"iss":"supabase","ref":"abcdefghijklmnopqrst","role":"service_role"}}}');
    const anon = s('{{jwt:{"iss":"supabase","ref":"abcdefghijklmnopqrst","role":"anon"}}}');
    expect(engine.scan(`KEY=${service}`, '.env').hits[0]?.severity).toBe('critical');
    expect(engine.scan(`KEY=${anon}`, '.env').hits[0]?.publicByDesign).toBe(true);
  });

  it('skips hashes, UUIDs, SRI and lockfile integrity for name-based rules', () => {
    const text = [
      `checksum: ${s('{{hex:64}}')}`,
      `  "integrity": "sha512-${s('{{b64:86}}')}==",`,
      `request_id = "${s('{{hex:8}}-{{hex:4}}-4{{hex:3}}-8{{hex:3}}-{{hex:12}}')}"`,
      `<script integrity="sha384-${s('{{b64:64}}')}"></script>`,
    ].join('\n');
    expect(engine.scan(text, 'config.yml').hits).toEqual([]);
    expect(engine.scan(`secret: "${s('{{a62:40}}')}"`, 'package-lock.json').hits).toEqual([]);
  });

  it('names the identifier a value is assigned to', () => {
    expect(assignedName('const apiKey = "abc"', 16)).toBe('apiKey');
    expect(assignedName('  "client_secret": "abc"', 19)).toBe('client_secret');
    expect(assignedName('API_KEY=abc', 8)).toBe('API_KEY');
    expect(assignedName('Bearer abc', 7)).toBeUndefined();
  });
});

describe('validators', () => {
  it('checks the CRC32 checksum of GitHub-style tokens', () => {
    const body = 'a'.repeat(10) + 'Zk3pQ9wLm2Xv8Rt5Yb7Nc4Hd1234';
    const token = `ghp_${body.slice(0, 30)}${base62(crc32(body.slice(0, 30)), 6)}`;
    expect(hasValidBase62Checksum(token, 4)).toBe(true);
    expect(hasValidBase62Checksum(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, 4)).toBe(false);
    expect(crc32('123456789')).toBe(0xcbf43926);
  });

  it('parses PEM blocks, including JSON-escaped newlines, and spots encryption', () => {
    expect(parsePrivateKeyBlock('-----BEGIN ENCRYPTED PRIVATE KEY-----\\nMIIB\\n-----END ENCRYPTED PRIVATE KEY-----')?.encrypted).toBe(true);
    expect(parsePrivateKeyBlock('no key')).toBeUndefined();
  });

  it('prefilter finds keywords case-insensitively, overlapping ones included', () => {
    const pf = new KeywordPrefilter(['sk_live_', 'live', 'ghp_']);
    const found = [...pf.scan('const k = "SK_LIVE_abc"')].sort();
    expect(found).toEqual([0, 1]);
    expect(pf.scan('nothing here').size).toBe(0);
  });
});
