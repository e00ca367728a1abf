import type { Config, IdentityConfig } from '../config/schema.js';
import { loginCredentials, loginWithCredentials } from '../identity/session.js';
import { isExcluded, parseRouteString, type Route } from '../surface/routes.js';
import { sampleFromSchema, schemaFields } from '../surface/sample-body.js';

/**
 * The endpoints an attacker hammers (login, signup, password reset, one-time codes, token
 * redemption, invites, exports), found in the config's `endpoints` and in the API surface, and
 * the request bodies that exercise them without touching anyone's real account.
 */
export type SensitiveKind = 'login' | 'signup' | 'reset' | 'resend' | 'token' | 'otp' | 'invite' | 'export';

export interface SensitiveEndpoint {
  kind: SensitiveKind;
  method: string;
  path: string;
  /** Where it was learnt: `config endpoints.<key>` or `API surface`. */
  source: string;
  route?: Route;
}

export const KIND_WORDS: Record<SensitiveKind, string> = {
  login: 'login',
  signup: 'signup',
  reset: 'password reset',
  resend: 'resend',
  token: 'token redemption',
  otp: 'one-time code',
  invite: 'invite',
  export: 'export',
};

/** The kind a config `endpoints` key names; undefined for keys that are not abuse targets. */
export function kindOfConfigKey(key: string): SensitiveKind | undefined {
  if (/logout|sign-?out|health|mailbox|change/i.test(key)) return undefined;
  if (/confirm|accept|redeem/i.test(key)) return 'token';
  if (/otp|mfa|2fa|totp|verif/i.test(key)) return 'otp';
  if (/log-?in|sign-?in/i.test(key)) return 'login';
  if (/sign-?up|regist/i.test(key)) return 'signup';
  if (/reset|forgot|recover/i.test(key)) return 'reset';
  if (/resend/i.test(key)) return 'resend';
  if (/invite/i.test(key)) return 'invite';
  if (/export/i.test(key)) return 'export';
  return undefined;
}

/** The kind a surface route looks like (POSTs only; exports are never guessed from the surface). */
export function kindOfRoute(route: Pick<Route, 'method' | 'path'>): SensitiveKind | undefined {
  if (route.method !== 'POST' || route.path.includes('{')) return undefined;
  const p = route.path.toLowerCase().replace(/\/$/, '');
  const last = p.split('/').pop() ?? '';
  if (/(?:reset|invites?|invitations?|password|email|token)s?\/(?:confirm|accept|redeem|verify)$/.test(p) || last === 'accept') return 'token';
  if (/^(?:otp|mfa|2fa|totp|verify-otp|verify-code)$/.test(last) || /(?:otp|mfa|2fa|totp)\/verify$/.test(p)) return 'otp';
  if (/^(?:log-?in|sign-?in|authenticate)$/.test(last)) return 'login';
  if (/^(?:sign-?up|register|registration)$/.test(last)) return 'signup';
  if (/(?:password[-_]?reset|reset[-_]?password|forgot[-_]?password|password\/(?:reset|forgot))$/.test(p)) return 'reset';
  if (/resend/.test(last)) return 'resend';
  if (/^(?:invites?|invitations?)$/.test(last)) return 'invite';
  return undefined;
}

function parseEndpointValue(value: string, kind: SensitiveKind): { method: string; path: string } | undefined {
  const r = parseRouteString(value);
  if (r) return r;
  let path = value.trim();
  if (/^https?:\/\//i.test(path)) {
    try {
      path = new URL(path).pathname;
    } catch {
      return undefined;
    }
  }
  if (!path.startsWith('/')) return undefined;
  return { method: kind === 'export' ? 'GET' : 'POST', path };
}

/** Sensitive endpoints, config first (it names what the surface cannot tell), deduplicated. */
export function sensitiveEndpoints(config: Config, routes: readonly Route[]): SensitiveEndpoint[] {
  const out: SensitiveEndpoint[] = [];
  const seen = new Set<string>();
  const add = (e: SensitiveEndpoint): void => {
    const key = `${e.method} ${e.path}`;
    if (seen.has(key) || isExcluded(e, config.api.exclude)) return;
    seen.add(key);
    out.push(e);
  };
  for (const [key, value] of Object.entries(config.endpoints)) {
    if (typeof value !== 'string') continue;
    const kind = kindOfConfigKey(key);
    if (!kind) continue;
    const parsed = parseEndpointValue(value, kind);
    if (!parsed) continue;
    const route = routes.find((r) => r.method === parsed.method && r.path === parsed.path);
    add({ kind, ...parsed, source: `config endpoints.${key}`, ...(route ? { route } : {}) });
  }
  for (const r of routes) {
    const kind = kindOfRoute(r);
    if (kind) add({ kind, method: r.method, path: r.path, source: 'API surface', route: r });
  }
  return out;
}

/** A request body and how to send it. */
export interface BodySpec {
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

const IDENTIFIER_FIELD = /^(?:e-?mail|email[-_]?address|user(?:[-_]?name)?|login|identifier|handle|account|phone)$/i;
const PASSWORD_FIELD = /pass(?:word)?|pwd|passphrase/i;
const EMAIL_FIELD = /e-?mail/i;
const TOKEN_FIELD = /token|code|otp|key|secret|nonce/i;

function fieldMatching(schema: unknown, re: RegExp, fallback?: RegExp): string | undefined {
  const fields = schemaFields(schema);
  return fields.find((f) => re.test(f)) ?? (fallback ? fields.find((f) => fallback.test(f)) : undefined);
}

function pathOf(url: string): string {
  try {
    return new URL(url, 'http://placeholder').pathname;
  } catch {
    return url;
  }
}

/** The configured identity whose login (or registration) goes to this path. */
function identityFor(identities: Config['identities'], path: string, use: 'login' | 'register'): IdentityConfig | undefined {
  for (const id of Object.values(identities)) {
    if (use === 'login' && (id.login.kind === 'json' || id.login.kind === 'form') && pathOf(id.login.url) === path) return id;
    if (use === 'register' && id.register && pathOf(id.register.url) === path) return id;
  }
  return undefined;
}

/** A login attempt at this endpoint for `identifier` with `password` (the configured flow's shape when one posts here). */
export function loginBody(config: Config, e: SensitiveEndpoint, identifier: string, password: string): BodySpec {
  const id = identityFor(config.identities, e.path, 'login');
  if (id) {
    const swapped = loginWithCredentials(id, { identifier, password });
    if (swapped && (swapped.login.kind === 'json' || swapped.login.kind === 'form')) {
      const l = swapped.login;
      return { ...(l.kind === 'json' ? { json: l.json } : { form: l.form }), ...(l.headers ? { headers: l.headers } : {}) };
    }
  }
  const schema = e.route?.requestSchema;
  if (schema) {
    const idField = fieldMatching(schema, IDENTIFIER_FIELD, /mail|user|login|name/i);
    const pwField = fieldMatching(schema, PASSWORD_FIELD);
    if (idField && pwField) return { json: sampleFromSchema(schema, { marker: 'launchready', optional: false, values: { [idField]: identifier, [pwField]: password } }) };
  }
  return { json: { email: identifier, password } };
}

/** A password-reset (or resend) request for `email`. */
export function emailBody(e: SensitiveEndpoint, email: string): BodySpec {
  const schema = e.route?.requestSchema;
  const field = schema ? fieldMatching(schema, EMAIL_FIELD, IDENTIFIER_FIELD) : undefined;
  if (schema && field) return { json: sampleFromSchema(schema, { marker: 'launchready', optional: false, values: { [field]: email } }) };
  return { json: { email } };
}

/** A signup of a new account (the configured registration's shape when one posts here). */
export function signupBody(config: Config, e: SensitiveEndpoint, email: string, password: string, marker: string): BodySpec {
  const id = identityFor(config.identities, e.path, 'register');
  if (id?.register) {
    const old = loginCredentials(id);
    const swap = (v: unknown): unknown => {
      if (typeof v === 'string') return v === old.identifier ? email : v === old.password ? password : v;
      if (Array.isArray(v)) return v.map(swap);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]));
      return v;
    };
    if (old.identifier) {
      return {
        ...(id.register.json !== undefined ? { json: swap(id.register.json) } : {}),
        ...(id.register.form ? { form: swap(id.register.form) as Record<string, string> } : {}),
        ...(id.register.headers ? { headers: id.register.headers } : {}),
      };
    }
  }
  const schema = e.route?.requestSchema;
  if (schema) {
    const values: Record<string, unknown> = {};
    const emailField = fieldMatching(schema, EMAIL_FIELD, IDENTIFIER_FIELD);
    if (emailField) values[emailField] = email;
    for (const f of schemaFields(schema)) if (PASSWORD_FIELD.test(f)) values[f] = password;
    return { json: sampleFromSchema(schema, { marker, values }) };
  }
  return { json: { email, password, name: `launchready ${marker}` } };
}

/** A redemption of a made-up token or code (it must never match a real one). */
export function tokenBody(e: SensitiveEndpoint, token: string, password: string, marker: string): BodySpec {
  const schema = e.route?.requestSchema;
  if (schema) {
    const values: Record<string, unknown> = {};
    for (const f of schemaFields(schema)) {
      if (PASSWORD_FIELD.test(f)) values[f] = password;
      else if (TOKEN_FIELD.test(f)) values[f] = token;
    }
    return { json: sampleFromSchema(schema, { marker, optional: false, values }) };
  }
  return { json: { token, code: token.replace(/\D/g, '').padEnd(6, '0').slice(0, 6) } };
}

/** The identifiers (emails, usernames) of the configured identities: accounts that exist. */
export function existingIdentifiers(config: Config): string[] {
  const out: string[] = [];
  for (const id of Object.values(config.identities)) {
    const c = loginCredentials(id);
    if (c.identifier && !out.includes(c.identifier)) out.push(c.identifier);
  }
  return out;
}

/** The domain of the configured identities' emails (unknown accounts look like their neighbours). */
export function identityDomain(config: Config): string | undefined {
  for (const i of existingIdentifiers(config)) {
    const at = i.lastIndexOf('@');
    if (at > 0) return i.slice(at + 1);
  }
  return undefined;
}
