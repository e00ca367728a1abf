import type { HttpExchange } from '../net/http.js';

/**
 * How an app says "slow down": status codes and headers are unambiguous, and so is a challenge
 * or a "too many attempts" message in an API answer; in an HTML page it only counts when the
 * burst's first answer did not already carry it (a login page may embed a CAPTCHA widget always).
 */
export interface ThrottleSignal {
  kind: 'status' | 'header' | 'challenge' | 'message';
  label: string;
}

const CHALLENGE = /\b(?:captcha|recaptcha|hcaptcha|turnstile|challenge[_-]?required|mfa[_-]?required)\b/i;
const MESSAGE = /too many (?:requests|attempts|tries|login attempts|failed)|rate[ _-]?limit(?:ed)?\b|temporarily (?:locked|blocked)|account (?:is |has been )?(?:temporarily )?locked|try again (?:later|in \d)|slow down/i;

export function throttleSignal(ex: HttpExchange, baseline?: HttpExchange): ThrottleSignal | undefined {
  const r = ex.response;
  if (!r) return undefined;
  if (r.status === 429) return { kind: 'status', label: 'HTTP 429' };
  if (r.status === 423) return { kind: 'status', label: 'HTTP 423 (locked)' };
  if (r.headers['retry-after'] !== undefined) return { kind: 'header', label: `Retry-After: ${r.headers['retry-after']}` };
  for (const h of ['x-ratelimit-remaining', 'ratelimit-remaining', 'x-rate-limit-remaining']) {
    if (r.headers[h]?.trim() === '0') return { kind: 'header', label: `${h}: 0` };
  }
  const text = r.body.length > 64 * 1024 ? r.body.subarray(0, 64 * 1024).toString('utf8') : r.text();
  // An HTML page may carry a CAPTCHA widget or a "too many attempts" help text on every visit: there
  // the signal only counts when the burst's first answer did not have it. An API answer means it.
  const html = /html/i.test(r.headers['content-type'] ?? '');
  const base = html && baseline?.response ? (baseline === ex ? undefined : baseline.response.text()) : '';
  const counts = (re: RegExp): boolean => re.test(text) && base !== undefined && !re.test(base);
  if (counts(CHALLENGE)) return { kind: 'challenge', label: 'a challenge (CAPTCHA)' };
  if (counts(MESSAGE)) return { kind: 'message', label: 'a "too many attempts" message' };
  return undefined;
}
