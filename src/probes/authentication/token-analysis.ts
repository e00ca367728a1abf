/**
 * What two or more one-time tokens (reset, invite, magic-link, email verification) reveal about how
 * they are made. Pure: the gatherer feeds it the raw tokens inside the process; only the verdicts
 * (never the values) leave it.
 */

export interface TokenSample {
  value: string;
  /** When it was requested (ms since epoch). */
  issuedAt: number;
  account: string;
}

export interface TokenVerdicts {
  count: number;
  /** Estimated entropy of the varying part, bits (the least of the samples). */
  bits: number;
  alphabet: string;
  length: number;
  sequential?: string;
  timeBased?: string;
  identical?: string;
  sharedPart?: string;
}

const DAY = 86_400_000;

export function alphabetOf(t: string): { name: string; size: number } {
  if (/^\d+$/.test(t)) return { name: 'digits', size: 10 };
  if (/^[0-9a-f]+$/.test(t) || /^[0-9A-F]+$/.test(t)) return { name: 'hex', size: 16 };
  if (/^[0-9a-z]+$/.test(t)) return { name: 'lower-case letters and digits', size: 36 };
  if (/^[0-9A-Za-z]+$/.test(t)) return { name: 'letters and digits', size: 62 };
  if (/^[0-9A-Za-z_-]+$/.test(t) || /^[0-9A-Za-z+/]+=*$/.test(t)) return { name: 'base64', size: 64 };
  return { name: 'printable characters', size: 94 };
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function commonSuffix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[a.length - 1 - i] === b[b.length - 1 - i]) i++;
  return i;
}

function nearTime(ms: number, at: number): boolean {
  return Math.abs(ms - at) < DAY;
}

/** A timestamp hidden in the token: decimal seconds/ms, hex seconds, base36 ms (Date.now().toString(36)). */
export function timestampIn(t: string, at: number): string | undefined {
  for (const m of t.matchAll(/\d{13}|\d{10}/g)) {
    const v = Number(m[0]);
    if (nearTime(m[0].length === 13 ? v : v * 1000, at)) return `contains the issue time in ${m[0].length === 13 ? 'milliseconds' : 'seconds'} (decimal)`;
  }
  if (/^[0-9a-f]{8}$/i.test(t) && nearTime(parseInt(t, 16) * 1000, at)) return 'is the issue time in seconds (hex)';
  for (const m of t.matchAll(/[0-9a-z]{8}/g)) {
    const v = parseInt(m[0], 36);
    if (/[a-z]/.test(m[0]) && nearTime(v, at)) return 'contains the issue time in milliseconds (base 36, Date.now().toString(36))';
  }
  return undefined;
}

export function analyseTokens(samples: TokenSample[]): TokenVerdicts {
  const values = samples.map((s) => s.value);
  const first = values[0] ?? '';
  const alpha = alphabetOf(values.join(''));
  let varying = Math.min(...values.map((v) => v.length));
  let shared = 0;
  for (let i = 1; i < values.length; i++) {
    const p = commonPrefix(values[0]!, values[i]!);
    const s = commonSuffix(values[0]!, values[i]!);
    const v = Math.max(0, Math.min(values[0]!.length, values[i]!.length) - p - s);
    if (v < varying) {
      varying = v;
      shared = Math.max(shared, p + s);
    }
  }
  const out: TokenVerdicts = { count: values.length, bits: Math.round(varying * Math.log2(alpha.size)), alphabet: alpha.name, length: first.length };
  if (shared > 0 && values.length > 1) out.sharedPart = `${shared} of ${first.length} characters are the same in every token`;
  const dupes = values.filter((v, i) => values.indexOf(v) !== i);
  if (dupes.length) {
    const same = samples.filter((s) => s.value === dupes[0]);
    out.identical = new Set(same.map((s) => s.account)).size > 1 ? 'two different accounts got the same token' : 'the same account got the same token on a second request';
    out.bits = 0;
  }
  // Sequential: numbers (decimal, or hex up to 13 digits) a small step apart.
  const nums = values.map((v) => (/^\d{1,15}$/.test(v) ? Number(v) : /^[0-9a-f]{1,13}$/i.test(v) && /[a-f]/i.test(v) ? parseInt(v, 16) : NaN));
  if (values.length > 1 && nums.every((x) => Number.isFinite(x)) && !out.identical) {
    const steps = nums.slice(1).map((x, i) => Math.abs(x - nums[i]!));
    if (steps.every((d) => d > 0 && d < 10_000)) out.sequential = `consecutive tokens differ by ${steps.join(', ')}`;
  }
  const times = samples.map((s) => timestampIn(s.value, s.issuedAt));
  if (times.every(Boolean) && times.length > 0) out.timeBased = times[0]!;
  return out;
}
