import type { MatchContext, SecretRule, Validation } from '../types.js';
import { decodeJwt } from '../validators.js';

/** The characters that may not continue a token on either side (so a match is a whole token). */
export const END = String.raw`(?![A-Za-z0-9_+/-])`;
export const START = String.raw`(?<![A-Za-z0-9])`;

/**
 * A value assigned to a name that mentions the provider: `DATADOG_API_KEY=…`, `"datadog": {"apiKey": "…"}`
 * is not covered (the keyword must be in the name), `datadog.api_key: …`, `("DD_API_KEY", "…")`.
 * `keyword` and `value` are regex sources; the keyword is matched case-insensitively.
 */
export function assignedTo(keyword: string, value: string, nameTail = String.raw`[\w.-]{0,40}?`): RegExp {
  return new RegExp(
    String.raw`(?:${keyword})${nameTail}["'\x60\]]?\s{0,3}(?:=|:=|=>|:|\?=|,)\s{0,3}["'\x60]?(?<secret>${value})${END}`,
    'i',
  );
}

export function ok(details?: string[], extra: Partial<Validation> = {}): Validation {
  return { valid: true, ...(details ? { details } : {}), ...extra };
}

export function no(reason: string): Validation {
  return { valid: false, reason };
}

/** Reads a JWT's `role` claim (Supabase, Firebase custom tokens, Auth0 management tokens). */
export function jwtRole(token: string): string | undefined {
  const jwt = decodeJwt(token);
  const role = jwt?.payload.role;
  return typeof role === 'string' ? role : undefined;
}

/** Requires the value to decode as a JWT. */
export function validJwt(token: string): Validation {
  return decodeJwt(token) ? ok() : no('not a decodable JWT');
}

export type RuleTable = SecretRule[];
export type { MatchContext };
