import net from 'node:net';
import tls from 'node:tls';
import { assertLoopbackAllowed } from '../loopback-guard.js';

/**
 * One TLS handshake with a deadline, reporting instead of throwing: what was negotiated, the chain
 * the peer presented, and the verification result — or at which stage (TCP connect, TLS handshake,
 * our own side) it failed. The socket is always destroyed before the promise settles.
 */

export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
export const TLS_VERSIONS: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** The probe's own floor is lowered on its connection only, so a server that accepts TLS 1.0 can be seen doing so. */
export const LEGACY_CIPHERS = 'DEFAULT:@SECLEVEL=0';

export interface HandshakeOptions {
  /** The IP address dialled (already resolved and guarded). */
  address: string;
  port: number;
  /** SNI and the name the certificate is checked against; omitted for IP literals. */
  servername?: string;
  minVersion?: TlsVersion;
  maxVersion?: TlsVersion;
  ciphers?: string;
  /** Trust anchors; `[]` trusts nothing (used to see exactly the chain the server sends). Undefined = Node's roots. */
  ca?: string[];
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HandshakeSuccess {
  ok: true;
  protocol: string;
  cipher: string;
  cipherStandardName?: string;
  authorized: boolean;
  authorizationError?: string;
  /** The leaf as Node describes it (for tls.checkServerIdentity). */
  peer: tls.PeerCertificate;
  /** DER of the chain, leaf first: what the peer sent, completed from `ca` when it links to it. */
  chain: Buffer[];
  elapsedMs: number;
}

export interface HandshakeFailure {
  ok: false;
  /** connect: no TCP connection; handshake: TCP connected, TLS failed; local: our side could not offer it; timeout. */
  stage: 'connect' | 'handshake' | 'local' | 'timeout';
  code: string;
  message: string;
  elapsedMs: number;
}

export type HandshakeResult = HandshakeSuccess | HandshakeFailure;

/** OpenSSL errors raised before anything reaches the wire: this build/config cannot make that offer. */
const LOCAL_CODES = new Set(['ERR_SSL_NO_PROTOCOLS_AVAILABLE', 'ERR_SSL_NO_CIPHERS_AVAILABLE', 'ERR_SSL_NO_CIPHER_MATCH', 'ERR_TLS_INVALID_PROTOCOL_VERSION', 'ERR_TLS_PROTOCOL_VERSION_CONFLICT']);

function chainOf(peer: tls.DetailedPeerCertificate): Buffer[] {
  const out: Buffer[] = [];
  const seen = new Set<string>();
  let c: tls.DetailedPeerCertificate | undefined = peer;
  while (c && c.raw && !seen.has(c.fingerprint256) && out.length < 16) {
    seen.add(c.fingerprint256);
    out.push(c.raw);
    c = c.issuerCertificate && c.issuerCertificate !== c ? c.issuerCertificate : undefined;
  }
  return out;
}

export function handshake(opts: HandshakeOptions): Promise<HandshakeResult> {
  assertLoopbackAllowed(opts.address);
  const t0 = performance.now();
  return new Promise<HandshakeResult>((resolve) => {
    let settled = false;
    let secure: tls.TLSSocket | undefined;
    let connected = false;
    const finish = (r: HandshakeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      secure?.destroy();
      tcp.destroy();
      resolve(r);
    };
    const fail = (stage: HandshakeFailure['stage'], err: NodeJS.ErrnoException | Error): void => {
      const code = (err as NodeJS.ErrnoException).code ?? err.name ?? 'ERROR';
      const s = LOCAL_CODES.has(code) ? 'local' : stage;
      finish({ ok: false, stage: s, code, message: err.message.split('\n')[0]!.trim(), elapsedMs: performance.now() - t0 });
    };
    const timer = setTimeout(
      () =>
        finish({
          ok: false,
          stage: 'timeout',
          code: 'TIMEOUT',
          message: connected ? `no TLS handshake within ${opts.timeoutMs} ms` : `no TCP connection within ${opts.timeoutMs} ms`,
          elapsedMs: performance.now() - t0,
        }),
      opts.timeoutMs,
    );
    const onAbort = (): void => finish({ ok: false, stage: 'timeout', code: 'ABORTED', message: 'the run was interrupted', elapsedMs: performance.now() - t0 });
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const tcp = net.connect({ host: opts.address, port: opts.port });
    tcp.once('error', (err) => fail(connected ? 'handshake' : 'connect', err));
    tcp.once('connect', () => {
      connected = true;
      try {
        secure = tls.connect({
          socket: tcp,
          ...(opts.servername ? { servername: opts.servername } : {}),
          rejectUnauthorized: false,
          ...(opts.minVersion ? { minVersion: opts.minVersion } : {}),
          ...(opts.maxVersion ? { maxVersion: opts.maxVersion } : {}),
          ...(opts.ciphers ? { ciphers: opts.ciphers } : {}),
          ...(opts.ca ? { ca: opts.ca } : {}),
          // The hostname is judged separately (tls.checkServerIdentity), never by rejecting the connection.
          checkServerIdentity: () => undefined,
        });
      } catch (err) {
        fail('local', err as Error);
        return;
      }
      secure.once('error', (err) => fail('handshake', err));
      secure.once('close', () => fail('handshake', Object.assign(new Error('the server closed the connection during the TLS handshake'), { code: 'ECONNRESET' })));
      secure.once('secureConnect', () => {
        const s = secure!;
        const peer = s.getPeerCertificate(true);
        const cipher = s.getCipher();
        if (!peer || !peer.raw) {
          fail('handshake', Object.assign(new Error('the server sent no certificate'), { code: 'NO_CERTIFICATE' }));
          return;
        }
        const authErr = s.authorizationError as unknown as Error | string | null | undefined;
        finish({
          ok: true,
          protocol: s.getProtocol() ?? 'unknown',
          cipher: cipher?.name ?? 'unknown',
          ...(cipher?.standardName ? { cipherStandardName: cipher.standardName } : {}),
          authorized: s.authorized,
          ...(authErr ? { authorizationError: typeof authErr === 'string' ? authErr : ((authErr as NodeJS.ErrnoException).code ?? authErr.message) } : {}),
          peer,
          chain: chainOf(peer),
          elapsedMs: performance.now() - t0,
        });
      });
    });
  });
}
