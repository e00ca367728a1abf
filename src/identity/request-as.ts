import type { HttpClient, HttpExchange, HttpRequest } from '../net/http.js';
import { credentialHeaders, type Session } from './session.js';

export interface RequestAsOptions extends Omit<HttpRequest, 'credentialed' | 'identity'> {
  /** Send the CSRF header a write needs (defaults to true for non-GET/HEAD/OPTIONS). */
  write?: boolean;
  /** Do not renew the session on 401 (the caller is testing the session itself). */
  noRelogin?: boolean;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Sends a request as an identity. When the answer is 401 and the identity's own verify request is
 * now 401 too, the session expired mid-run: it is renewed once in place and the request repeated,
 * so a short-lived token never turns the rest of the run into false "denied" results.
 */
export async function requestAs(http: HttpClient, s: Session, base: URL, req: RequestAsOptions): Promise<HttpExchange> {
  const method = (req.method ?? 'GET').toUpperCase();
  const write = req.write ?? !SAFE.has(method);
  const send = (): Promise<HttpExchange> => {
    const { write: _w, noRelogin: _n, ...rest } = req;
    return http.request({ ...rest, method, headers: { ...credentialHeaders(s, { write }), ...(req.headers ?? {}) }, credentialed: true, identity: s.identity });
  };
  const ex = await send();
  if (ex.response?.status !== 401 || req.noRelogin || !s.relogin || !s.verifyPath) return ex;
  const probe = await http.request({ url: new URL(s.verifyPath, base), headers: credentialHeaders(s), credentialed: true, identity: s.identity, ...(req.area ? { area: req.area } : {}) });
  if (probe.response?.status !== 401) return ex;
  if (!(await s.relogin())) return ex;
  return send();
}
