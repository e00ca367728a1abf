import { redactedValue } from '../../net/redact.js';
import type { RedactedValue } from '../../model/finding.js';
import type { SecretEngine } from '../engine.js';
import { LineIndex } from '../engine.js';

/** What a log line may not hold, beyond the credential formats the engine knows. */
export type LogLeakKind = 'password' | 'token-in-url' | 'bearer-token' | 'session-id' | 'email' | 'phone' | 'card-number' | 'credential';

interface LogDetector {
  kind: LogLeakKind;
  keywords: RegExp;
  pattern: RegExp;
  accept?(value: string, line: string): boolean;
}

const MASKED = /^(\*+|x{3,}|\[?(redacted|filtered|hidden|masked|removed)\]?|<[^>]*>|null|undefined|none|nil|true|false|-+|\.{3,}|\[FILTERED\])$/i;

const EXAMPLE_EMAIL = /@(example\.(com|org|net)|[\w-]+\.(test|example|invalid|localhost)|localhost)$/i;

function luhn(digits: string): boolean {
  let sum = 0;
  let alt = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let n = digits.charCodeAt(i) - 48;
    if (alt) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
    alt = !alt;
  }
  return sum % 10 === 0;
}

const DETECTORS: LogDetector[] = [
  {
    kind: 'password',
    keywords: /pass|pwd/i,
    pattern: /(?:password|passwd|pwd|passphrase|new_password|current_password)["']?\s*[=:]\s*["']?(?<v>[^\s"'&,;})\]]{3,200})/gi,
    accept: (v) => !MASKED.test(v),
  },
  {
    kind: 'token-in-url',
    keywords: /[?&]/,
    pattern: /[?&](?:token|access_token|refresh_token|id_token|api_?key|apikey|key|secret|client_secret|sig|signature|auth|code|session|sessionid|jwt|reset_token|invite_token|otp)=(?<v>[^&\s"'#]{8,})/gi,
    accept: (v) => !MASKED.test(v),
  },
  {
    kind: 'bearer-token',
    keywords: /bearer/i,
    pattern: /bearer\s+(?<v>[A-Za-z0-9._~+/-]{16,}=*)/gi,
  },
  {
    kind: 'session-id',
    keywords: /sess|sid|cookie/i,
    pattern: /(?:session_?id|sessionid|connect\.sid|jsessionid|phpsessid|laravel_session|_session_id|sid)["']?\s*[=:]\s*["']?(?<v>[A-Za-z0-9%._:-]{16,})/gi,
    accept: (v) => !MASKED.test(v),
  },
  {
    kind: 'email',
    keywords: /@/,
    pattern: /(?<![\w.+-])(?<v>[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24})(?![\w-])/g,
    accept: (v) => !EXAMPLE_EMAIL.test(v) && !/\.(png|jpe?g|gif|svg|webp|js|css)$/i.test(v),
  },
  {
    kind: 'phone',
    keywords: /\+|phone|tel|mobile|msisdn/i,
    pattern: /(?:(?:phone|tel|mobile|msisdn|sms)\w*["']?\s*[=:]\s*["']?(?<v>\+?[\d ().-]{7,20}\d)|(?<![\w+])(?<v2>\+[1-9]\d{7,14})(?!\d))/gi,
    accept: (v) => v.replace(/\D/g, '').length >= 8,
  },
  {
    kind: 'card-number',
    keywords: /\d{4}/,
    pattern: /(?<![\d-])(?<v>(?:\d[ -]?){12,18}\d)(?![\d-])/g,
    accept: (v) => {
      const digits = v.replace(/\D/g, '');
      return digits.length >= 13 && digits.length <= 19 && /^[3-6]/.test(digits) && luhn(digits) && new Set(digits).size > 3;
    },
  },
];

export interface LogLeak {
  kind: LogLeakKind;
  /** For `credential`: the secret rule that matched. */
  ruleId?: string;
  count: number;
  firstLine: number;
  firstColumn: number;
  /** Redacted sample (the first occurrence). */
  sample: RedactedValue;
}

export interface LogScan {
  path: string;
  bytes: number;
  lines: number;
  leaks: LogLeak[];
}

/**
 * Scans one log file: every credential format the engine knows, plus what only logs leak — passwords
 * in bodies, tokens in query strings, bearer headers, session ids, emails, phone and card numbers.
 * Occurrences are counted per kind; only the first is located, and only redacted.
 */
export function scanLogText(text: string, path: string, engine: SecretEngine): LogScan {
  const lines = new LineIndex(text);
  const byKey = new Map<string, LogLeak>();
  const add = (kind: LogLeakKind, value: string, offset: number, ruleId?: string): void => {
    const key = `${kind}\u0000${ruleId ?? ''}`;
    const existing = byKey.get(key);
    if (existing) {
      existing.count++;
      return;
    }
    const pos = lines.position(offset);
    byKey.set(key, { kind, ...(ruleId ? { ruleId } : {}), count: 1, firstLine: pos.line, firstColumn: pos.column, sample: redactedValue(value) });
  };
  const secretSpans: Array<[number, number]> = [];
  for (const h of engine.scan(text, path).hits) {
    const leak = byKey.get(`credential\u0000${h.ruleId}`);
    if (leak) leak.count++;
    else byKey.set(`credential\u0000${h.ruleId}`, { kind: 'credential', ruleId: h.ruleId, count: 1, firstLine: h.line, firstColumn: h.column, sample: h.redacted });
    secretSpans.push([h.line, h.column]);
  }
  for (const d of DETECTORS) {
    if (!d.keywords.test(text)) continue;
    d.pattern.lastIndex = 0;
    let m: RegExpExecArray | null;
    let guard = 0;
    while ((m = d.pattern.exec(text)) !== null && ++guard < 100_000) {
      const v = m.groups?.v ?? m.groups?.v2;
      if (!v) continue;
      const offset = m.index + m[0].lastIndexOf(v);
      if (d.accept && !d.accept(v, '')) continue;
      add(d.kind, v, offset);
    }
  }
  return { path, bytes: text.length, lines: text.length ? text.split('\n').length : 0, leaks: [...byKey.values()] };
}
