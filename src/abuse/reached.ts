import type { HttpExchange } from '../net/http.js';
import type { SensitiveKind } from './endpoints.js';

const VALIDATION_WORDS = /\brequired\b|must (?:be|have|match|contain|not)|invalid (?:input|format|json|request body|body|type)|validation|schema|malformed|unsupported media/i;

/**
 * Whether an attempt reached the app's real check (a failed login, an unknown address, a bad
 * token) rather than being turned away for its shape (404 route, 405, 415, a validation error).
 * Only attempts that reach the check prove anything about a limit.
 */
export function reachedCheck(ex: HttpExchange, kind: SensitiveKind): boolean {
  const r = ex.response;
  if (!r) return false;
  const s = r.status;
  if ((s >= 200 && s < 300) || s === 401 || s === 403 || s === 409) return true;
  if (s >= 300 && s < 400) return true;
  if (s === 404) return kind === 'reset' || kind === 'resend';
  if (s === 400 || s === 422) return !VALIDATION_WORDS.test(r.text().slice(0, 4000));
  return false;
}
