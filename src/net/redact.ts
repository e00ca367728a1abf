import { createHash } from 'node:crypto';
import type { RedactedValue } from '../model/finding.js';

/** A secret as it may appear anywhere: at most 4 characters of prefix, its length and a sha256. */
export function redactedValue(value: string): RedactedValue {
  return {
    prefix: value.slice(0, Math.min(4, Math.floor(value.length / 4))),
    length: value.length,
    sha256: createHash('sha256').update(value).digest('hex'),
  };
}

/** Inline form for evidence text: `eyJh…[redacted, 180 chars, sha256:1a2b3c4d]`. */
export function redactInline(value: string): string {
  const r = redactedValue(value);
  return `${r.prefix}…[redacted, ${r.length} chars, sha256:${r.sha256.slice(0, 8)}]`;
}

const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'x-auth-token',
  'x-csrf-token',
  'x-xsrf-token',
  'stripe-signature',
  'x-hub-signature-256',
  'x-slack-signature',
  'x-signature',
]);

export function isSecretHeader(name: string): boolean {
  const n = name.toLowerCase();
  return SECRET_HEADERS.has(n) || /token|secret|signature|api-?key|session/.test(n);
}

/** Keeps the scheme word and cookie names so the evidence still says what was sent. */
export function redactHeaderValue(name: string, value: string): string {
  const n = name.toLowerCase();
  if (n === 'authorization' || n === 'proxy-authorization') {
    const m = /^(\S+)\s+(.+)$/.exec(value);
    return m ? `${m[1]} ${redactInline(m[2]!)}` : redactInline(value);
  }
  if (n === 'cookie') {
    return value
      .split(/;\s*/)
      .map((pair) => {
        const eq = pair.indexOf('=');
        return eq < 0 ? pair : `${pair.slice(0, eq)}=${redactInline(pair.slice(eq + 1))}`;
      })
      .join('; ');
  }
  if (n === 'set-cookie') {
    const [first = '', ...attrs] = value.split(/;\s*/);
    const eq = first.indexOf('=');
    const head = eq < 0 ? first : `${first.slice(0, eq)}=${first.slice(eq + 1) === '' ? '' : redactInline(first.slice(eq + 1))}`;
    return [head, ...attrs].join('; ');
  }
  return redactInline(value);
}

const JWT_RE = /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const SECRET_FIELD_RE =
  /("(?:[A-Za-z_]*(?:token|secret|password|passwd|api_?key|apikey|session|csrf)[A-Za-z_]*)"\s*:\s*")((?:[^"\\]|\\.){1,4096})(")/gi;
const QUERY_SECRET_RE = /([?&](?:[A-Za-z_]*(?:token|secret|password|key|session|sig|signature)[A-Za-z_]*)=)([^&#\s"']+)/gi;

/**
 * Redacts secrets inside free text (bodies, URLs): every value the run knows is secret, JWTs, JSON
 * fields named like secrets, and secret-named query parameters.
 */
export function redactText(text: string, knownSecrets: Iterable<string> = []): string {
  let out = text;
  for (const s of knownSecrets) {
    if (s.length >= 6 && out.includes(s)) out = out.split(s).join(redactInline(s));
  }
  out = out.replace(JWT_RE, (m) => redactInline(m));
  out = out.replace(SECRET_FIELD_RE, (_m, a: string, v: string, c: string) => (v.includes('[redacted') ? `${a}${v}${c}` : `${a}${redactInline(v)}${c}`));
  out = out.replace(QUERY_SECRET_RE, (_m, a: string, v: string) => (v.includes('[redacted') ? `${a}${v}` : `${a}${redactInline(v)}`));
  return out;
}
