/** A parsed Set-Cookie header (RFC 6265 §5.2, attribute names case-insensitive). */
export interface SetCookie {
  name: string;
  value: string;
  httpOnly: boolean;
  secure: boolean;
  sameSite?: string;
  path?: string;
  domain?: string;
  expires?: string;
  maxAge?: number;
  raw: string;
}

export function parseSetCookie(header: string): SetCookie | undefined {
  const [pair = '', ...attrs] = header.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) return undefined;
  const c: SetCookie = { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), httpOnly: false, secure: false, raw: header };
  for (const a of attrs) {
    const i = a.indexOf('=');
    const key = (i < 0 ? a : a.slice(0, i)).trim().toLowerCase();
    const val = i < 0 ? '' : a.slice(i + 1).trim();
    if (key === 'httponly') c.httpOnly = true;
    else if (key === 'secure') c.secure = true;
    else if (key === 'samesite') c.sameSite = val.toLowerCase();
    else if (key === 'path') c.path = val;
    else if (key === 'domain') c.domain = val;
    else if (key === 'expires') c.expires = val;
    else if (key === 'max-age' && /^-?\d+$/.test(val)) c.maxAge = Number(val);
  }
  return c;
}

/** A cookie being deleted (empty value or expiry in the past) is not a session being set. */
export function isDeletion(c: SetCookie, now = Date.now()): boolean {
  if (c.value === '' || c.maxAge !== undefined && c.maxAge <= 0) return true;
  if (c.expires) {
    const t = Date.parse(c.expires);
    if (!Number.isNaN(t) && t < now) return true;
  }
  return false;
}

/** A minimal cookie jar: name → value, updated from responses (deletions remove). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  update(setCookies: readonly string[]): void {
    for (const h of setCookies) {
      const c = parseSetCookie(h);
      if (!c) continue;
      if (isDeletion(c)) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  get size(): number {
    return this.cookies.size;
  }

  entries(): Array<[string, string]> {
    return [...this.cookies.entries()];
  }

  header(): string | undefined {
    return this.cookies.size ? [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
  }

  clone(): CookieJar {
    const j = new CookieJar();
    for (const [k, v] of this.cookies) j.set(k, v);
    return j;
  }
}
