import type { HttpClient, HttpExchange } from '../net/http.js';

/**
 * The baseline: one GET of the target's landing page before any check runs. A target that does not
 * answer (refused, reset, DNS failure), hangs past the request deadline, or answers more than the
 * body size cap is unusable: it is never graded. Checks that depend on it become `error` with this
 * reason (never `pass`), the run is `incomplete`, and the report has no score.
 *
 * Any HTTP answer within the deadline and the cap counts as usable, whatever its status: an API
 * without a root route answers 404, which is an answer. A landing page that redirects on its own
 * origin in a loop (or for more than {@link BASELINE_MAX_HOPS} hops) is not.
 */
export type BaselineResult = { usable: true; status: number; ms: number } | { usable: false; reason: string };

/** Same-origin redirects the baseline follows before it calls the landing page a redirect loop. */
export const BASELINE_MAX_HOPS = 10;

export async function probeTargetBaseline(http: HttpClient, url: URL, limits: { timeoutMs: number; maxBodyBytes: number }): Promise<BaselineResult> {
  // The loopback guard, the budget and Ctrl-C throw: they are the run's business, not the target's.
  // Redirects are followed one hop at a time on the target's own origin: a landing page that only
  // ever redirects (to itself, or round a circle) serves nothing to test. A redirect elsewhere (a
  // login provider, the https:// site) is an answer.
  const seen: string[] = [url.href];
  let here = url;
  for (;;) {
    const ex = await http.request({ method: 'GET', url: here, followRedirects: 0, timeoutMs: limits.timeoutMs, maxBodyBytes: limits.maxBodyBytes });
    const verdict = judgeBaseline(ex, here, limits);
    const res = ex.response;
    const location = res && res.status >= 300 && res.status < 400 ? res.headers['location'] : undefined;
    if (!verdict.usable || typeof location !== 'string') return verdict;
    let next: URL;
    try {
      next = new URL(location, here);
    } catch {
      return verdict;
    }
    if (next.origin !== url.origin) return verdict;
    const loop = seen.includes(next.href);
    seen.push(next.href);
    if (loop || seen.length > BASELINE_MAX_HOPS) {
      const chain = seen.length > 6 ? [...seen.slice(0, 3), '…', ...seen.slice(-2)] : seen;
      return { usable: false, reason: `GET ${url.href} ${loop ? 'redirects in a loop' : `still redirects after ${BASELINE_MAX_HOPS} hops`}: ${chain.join(' → ')} (the landing page never answers with content)` };
    }
    here = next;
  }
}

/** Pure: the verdict on one baseline exchange. */
export function judgeBaseline(ex: HttpExchange, url: URL, limits: { timeoutMs: number; maxBodyBytes: number }): BaselineResult {
  const where = `GET ${url.href}`;
  if (ex.error) {
    const { code, message } = ex.error;
    if (code === 'TIMEOUT') return { usable: false, reason: `${where} got no complete answer within ${limits.timeoutMs} ms (the target hangs)` };
    if (code === 'ECONNREFUSED') return { usable: false, reason: `${where}: connection refused (nothing listens on ${url.host})` };
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { usable: false, reason: `${where}: the name ${url.hostname} does not resolve (${code})` };
    return { usable: false, reason: `${where} failed: ${code}${message ? ` — ${message}` : ''}` };
  }
  const res = ex.response!;
  if (res.truncated) return { usable: false, reason: `${where} answered more than the ${formatSize(limits.maxBodyBytes)} body size cap (budget.maxBodyBytes)` };
  return { usable: true, status: res.status, ms: ex.timing.totalMs };
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB` : `${bytes} bytes`;
}
