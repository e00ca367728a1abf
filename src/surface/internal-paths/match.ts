import type { PathTemplate } from './templates.js';

/** What one GET answered, body decoded byte for byte (latin1). */
export interface ProbeResponse {
  status: number;
  contentType: string;
  body: string;
}

/** Does the response match the template (every positive matcher, no negative one)? */
export function matchTemplate(t: PathTemplate, r: ProbeResponse): { hit: boolean; matched: string[] } {
  const m = t.match;
  const matched: string[] = [];
  if (!(m.status ?? [200]).includes(r.status)) return { hit: false, matched };
  matched.push(`status ${r.status}`);
  if (m.contentType) {
    if (!m.contentType.test(r.contentType)) return { hit: false, matched };
    matched.push(`content type ${r.contentType}`);
  }
  if (m.words) {
    if (!m.words.every((w) => r.body.includes(w))) return { hit: false, matched };
    matched.push(`words ${m.words.map((w) => JSON.stringify(w)).join(', ')}`);
  }
  if (m.anyWords) {
    const w = m.anyWords.find((x) => r.body.includes(x));
    if (!w) return { hit: false, matched };
    matched.push(`word ${JSON.stringify(w)}`);
  }
  if (m.regex) {
    if (!m.regex.every((re) => re.test(r.body))) return { hit: false, matched };
    matched.push(`pattern${m.regex.length > 1 ? 's' : ''} ${m.regex.map((re) => re.source.slice(0, 60)).join(', ')}`);
  }
  const n = t.not;
  if (n) {
    if (n.contentType?.test(r.contentType)) return { hit: false, matched };
    if (n.words?.some((w) => r.body.includes(w))) return { hit: false, matched };
    if (n.regex?.some((re) => re.test(r.body))) return { hit: false, matched };
  }
  return { hit: true, matched };
}

/** A body with the request path, numbers and whitespace runs evened out (a catch-all page echoes the path). */
function shape(body: string, paths: string[]): string {
  let out = body;
  for (const p of paths) if (p.length > 1) out = out.split(p).join('');
  return out.replace(/\d+/g, '0').replace(/\s+/g, ' ').trim();
}

/**
 * Is this answer what the server returns for any path (a soft 404: a catch-all 200, an SPA shell)?
 * Same status and content type as a random path's answer, and the same body once the path is removed,
 * or a body within 3% of its length that starts the same.
 */
export function isSoft404(r: ProbeResponse, path: string, baselines: ReadonlyArray<ProbeResponse & { path: string }>): boolean {
  return baselines.some((b) => {
    if (b.status !== r.status || b.contentType.split(';')[0] !== r.contentType.split(';')[0]) return false;
    const x = shape(r.body, [path, b.path]);
    const y = shape(b.body, [path, b.path]);
    if (x === y) return true;
    const longer = Math.max(x.length, y.length);
    return longer > 0 && Math.abs(x.length - y.length) / longer <= 0.03 && x.slice(0, 200) === y.slice(0, 200);
  });
}
