import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { connect, type PeerCertificate } from 'node:tls';
import { assertLoopbackAllowed } from '../../net/loopback-guard.js';
import { describeFailures, evaluateAll } from '../conditions.js';
import type { ProbePlan } from '../config.js';
import { failed, type ProbeContext, type ProbeResult } from './types.js';

type TlsPlan = Extract<ProbePlan, { kind: 'tls' }>;

const DAY = 86_400_000;

interface Handshake {
  cert: PeerCertificate;
  authorized: boolean;
  authorizationError?: string;
  protocol: string | null;
}

function handshake(address: string, port: number, servername: string | undefined, ca: string | undefined, timeoutMs: number): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address, port, ...(servername ? { servername } : {}), rejectUnauthorized: false, ...(ca ? { ca } : {}) });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(`no TLS handshake within ${timeoutMs} ms`), { code: 'TIMEOUT' }));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const out: Handshake = { cert: socket.getPeerCertificate(), authorized: socket.authorized, protocol: socket.getProtocol() };
      if (socket.authorizationError) out.authorizationError = String(socket.authorizationError);
      socket.end();
      resolve(out);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    });
  });
}

/** TLS certificate: connects, reads the leaf certificate and judges days to expiry and chain validity. */
export async function runTlsProbe(plan: TlsPlan, ctx: ProbeContext): Promise<ProbeResult> {
  const at = Date.now();
  const where = `${plan.host}:${plan.port}`;
  let address: string;
  try {
    address = isIP(plan.host) ? plan.host : (await ctx.resolver().lookup(plan.host).then((a) => a[0]?.address)) ?? (await lookup(plan.host)).address;
    assertLoopbackAllowed(address);
  } catch (err) {
    return failed(at, `TLS ${where}: ${(err as Error).message}`);
  }
  const t0 = performance.now();
  let hs: Handshake;
  try {
    hs = await handshake(address, plan.port, isIP(plan.host) ? undefined : plan.host, ctx.ca, plan.timeoutMs);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const results = evaluateAll(plan.conditions, { connected: false });
    return failed(at, `TLS ${where}: no handshake (${e.code ?? 'ERROR'}: ${e.message})`, '', { conditions: results });
  }
  const latencyMs = performance.now() - t0;
  const expiresAt = Date.parse(hs.cert.valid_to);
  const expiresInMs = Number.isFinite(expiresAt) ? expiresAt - Date.now() : undefined;
  const daysLeft = expiresInMs === undefined ? null : expiresInMs / DAY;
  const results = evaluateAll(plan.conditions, { connected: true, responseTimeMs: latencyMs, ...(expiresInMs !== undefined ? { certificateExpiresInMs: expiresInMs } : {}), certificateValid: hs.authorized });
  const ok = results.every((r) => r.ok);
  const subject = hs.cert.subject?.CN ?? '(no CN)';
  const issuer = hs.cert.issuer?.CN ?? hs.cert.issuer?.O ?? '(unknown issuer)';
  const evidence = [
    `subject: ${subject}`,
    `issuer: ${issuer}`,
    `valid until: ${hs.cert.valid_to}${daysLeft !== null ? ` (${Math.floor(daysLeft)} days left)` : ''}`,
    `chain: ${hs.authorized ? 'trusted' : `not trusted (${hs.authorizationError ?? 'unknown reason'})`}`,
    `protocol: ${hs.protocol ?? 'unknown'}`,
  ].join('\n');
  const message = ok
    ? `TLS ${where}: certificate valid for ${daysLeft === null ? '?' : Math.floor(daysLeft)} more days`
    : `TLS ${where}: failed ${describeFailures(results)}`;
  return { ok, at, latencyMs, httpStatus: null, message, evidence, value: daysLeft, conditions: results, attempts: 1 };
}
