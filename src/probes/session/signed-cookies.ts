import { createDecipheriv, createHash, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';

/**
 * Offline checks of framework-signed session cookies against a dictionary of secrets. Pure CPU:
 * nothing is sent. A match is proven by recomputing the cookie's own signature (or, for Rails'
 * encrypted cookies, by its GCM tag verifying), never by its shape alone.
 */

export type CookieFormat = 'express' | 'flask' | 'django' | 'rails-signed' | 'rails-encrypted' | 'laravel';

export interface SignedCookie {
  format: CookieFormat;
  /** Checks one candidate secret. */
  matches(secret: string): boolean;
  /** A human description of what the signature covers (no value). */
  scheme: string;
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}

function decodeCookie(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;
const B64URL = /^[A-Za-z0-9_-]+$/;

/** Recognises a signed cookie value; undefined when it is not one of the known framework formats. */
export function parseSignedCookie(rawValue: string): SignedCookie | undefined {
  const v = decodeCookie(rawValue.trim().replace(/^"|"$/g, ''));

  // express-session / cookie-parser (cookie-signature): s:<value>.<base64 HMAC-SHA256, no padding>
  const express = /^s:(.+)\.([A-Za-z0-9+/]{43})$/.exec(v);
  if (express) {
    const [, value = '', sig = ''] = express;
    const got = Buffer.from(sig, 'base64');
    return { format: 'express', scheme: 'cookie-signature (express-session / cookie-parser): HMAC-SHA256 of the session id', matches: (s) => safeEqual(createHmac('sha256', s).update(value).digest(), got) };
  }

  // Flask session (itsdangerous URLSafeTimedSerializer, salt "cookie-session", HMAC-SHA1 key derivation)
  const flask = /^(\.?[A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{4,12})\.([A-Za-z0-9_-]{27})$/.exec(v);
  if (flask) {
    const [, payload = '', ts = '', sig = ''] = flask;
    const got = Buffer.from(sig, 'base64url');
    const signed = `${payload}.${ts}`;
    return {
      format: 'flask',
      scheme: 'itsdangerous (Flask session): HMAC-SHA1 with a key derived from the secret and the salt "cookie-session"',
      matches: (s) => safeEqual(createHmac('sha1', createHmac('sha1', s).update('cookie-session').digest()).update(signed).digest(), got),
    };
  }

  // Django signed_cookies session backend: payload:timestamp:signature (salted_hmac, SHA-256; SHA-1 before 3.1)
  const django = /^(\.?[A-Za-z0-9_-]+):([A-Za-z0-9]{4,12}):([A-Za-z0-9_-]{27}|[A-Za-z0-9_-]{43})$/.exec(v);
  if (django) {
    const [, payload = '', ts = '', sig = ''] = django;
    const got = Buffer.from(sig, 'base64url');
    const algo = got.length === 20 ? 'sha1' : 'sha256';
    const salt = 'django.contrib.sessions.backends.signed_cookiessigner';
    return {
      format: 'django',
      scheme: `django.core.signing (signed_cookies session backend): salted HMAC-${algo.toUpperCase()}`,
      matches: (s) => safeEqual(createHmac(algo, createHash(algo).update(salt + s).digest()).update(`${payload}:${ts}`).digest(), got),
    };
  }

  // Rails: signed cookies (base64--hexdigest, HMAC-SHA1 of the data with the secret, Rails < 5.2 style)
  const railsSigned = /^([A-Za-z0-9+/]+={0,2})--([0-9a-f]{40}|[0-9a-f]{64})$/.exec(v);
  if (railsSigned) {
    const [, data = '', digest = ''] = railsSigned;
    const algo = digest.length === 40 ? 'sha1' : 'sha256';
    const got = Buffer.from(digest, 'hex');
    return {
      format: 'rails-signed',
      scheme: `Rails signed cookie: HMAC-${algo.toUpperCase()} of the data (key = the secret, or derived from secret_key_base with salt "signed cookie")`,
      matches: (s) =>
        safeEqual(createHmac(algo, s).update(data).digest(), got) ||
        safeEqual(createHmac(algo, pbkdf2Sync(s, 'signed cookie', 1000, 64, algo === 'sha1' ? 'sha1' : 'sha256')).update(data).digest(), got),
    };
  }

  // Rails 5.2+: authenticated encrypted cookies (AES-256-GCM): base64(ct)--base64(iv)--base64(tag)
  const railsEnc = /^([A-Za-z0-9+/]+={0,2})--([A-Za-z0-9+/]{16})--([A-Za-z0-9+/]{22}==)$/.exec(v);
  if (railsEnc) {
    const [, ct = '', iv = '', tag = ''] = railsEnc;
    return {
      format: 'rails-encrypted',
      scheme: 'Rails encrypted cookie (AES-256-GCM, key from secret_key_base via PBKDF2, salt "authenticated encrypted cookie")',
      matches: (s) => {
        for (const digest of ['sha256', 'sha1'] as const) {
          try {
            const key = pbkdf2Sync(s, 'authenticated encrypted cookie', digest === 'sha256' ? 1000 : 1000, 32, digest);
            const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
            d.setAuthTag(Buffer.from(tag, 'base64'));
            d.update(Buffer.from(ct, 'base64'));
            d.final();
            return true;
          } catch {
            /* tag did not verify */
          }
        }
        return false;
      },
    };
  }

  // Laravel: base64 JSON {iv, value, mac} with mac = HMAC-SHA256(iv + value, APP_KEY)
  if (B64.test(v) && v.length > 60) {
    let obj: unknown;
    try {
      obj = JSON.parse(Buffer.from(v, 'base64').toString('utf8'));
    } catch {
      obj = undefined;
    }
    const o = obj as { iv?: unknown; value?: unknown; mac?: unknown } | undefined;
    if (o && typeof o.iv === 'string' && typeof o.value === 'string' && typeof o.mac === 'string' && /^[0-9a-f]{64}$/.test(o.mac)) {
      const got = Buffer.from(o.mac, 'hex');
      const data = o.iv + o.value;
      return {
        format: 'laravel',
        scheme: 'Laravel encrypted cookie: HMAC-SHA256 of iv and value with APP_KEY',
        matches: (s) => {
          const keys = [Buffer.from(s)];
          if (s.startsWith('base64:')) keys.push(Buffer.from(s.slice(7), 'base64'));
          return keys.some((k) => k.length > 0 && safeEqual(createHmac('sha256', k).update(data).digest(), got));
        },
      };
    }
  }
  void B64URL;
  return undefined;
}

export interface CrackResult {
  format: CookieFormat;
  scheme: string;
  /** The dictionary secret that verifies it, when one does. */
  secret?: string;
  /** How many candidates were tried. */
  tried: number;
}

/** Tries every candidate secret against one cookie value (offline). */
export function crackSignedCookie(rawValue: string, candidates: readonly string[]): CrackResult | undefined {
  const c = parseSignedCookie(rawValue);
  if (!c) return undefined;
  // PBKDF2-based formats are slow: bound the dictionary for them.
  const list = c.format === 'rails-encrypted' || c.format === 'rails-signed' ? candidates.slice(0, 300) : candidates;
  for (const s of list) if (c.matches(s)) return { format: c.format, scheme: c.scheme, secret: s, tried: list.indexOf(s) + 1 };
  return { format: c.format, scheme: c.scheme, tried: list.length };
}

/** Signs like the framework would (tests and the proof line "re-signed with the guessed secret"). */
export function signExpress(value: string, secret: string): string {
  return `s:${value}.${createHmac('sha256', secret).update(value).digest('base64').replace(/=+$/, '')}`;
}
