/** Small statistics and normalisation helpers for comparing two groups of responses. */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median absolute deviation: the spread a single slow request cannot inflate. */
export function mad(xs: readonly number[]): number {
  const m = median(xs);
  return median(xs.map((x) => Math.abs(x - m)));
}

/**
 * A response body with what legitimately varies between two requests taken out: the identifier
 * itself, ids, tokens, timestamps and numbers.
 */
export function normalizeBody(text: string, identifier: string): string {
  let t = text.slice(0, 20_000);
  for (const v of new Set([identifier, identifier.toLowerCase(), encodeURIComponent(identifier), JSON.stringify(identifier).slice(1, -1)])) {
    if (v) t = t.split(v).join('<id>');
  }
  const local = identifier.split('@')[0];
  if (local && local.length >= 4) t = t.split(local).join('<id>');
  return t
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/\d{4}-\d\d-\d\d[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?/g, '<time>')
    .replace(/[A-Za-z0-9_\-+/=.]{20,}/g, '<token>')
    .replace(/\d+/g, '<n>')
    .replace(/\s+/g, ' ')
    .trim();
}
