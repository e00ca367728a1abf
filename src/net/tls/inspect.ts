import { X509Certificate } from 'node:crypto';
import { lookup as systemLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import tls from 'node:tls';
import type { HostResolver } from '../http.js';
import { assertLoopbackAllowed } from '../loopback-guard.js';
import { applyOverrides, type ConnectOverride } from '../overrides.js';
import { describeCertificate, isSelfSigned, issued, parseDownloadedCertificate, splitPem, type CertificateInfo } from './certificate.js';
import { handshake, LEGACY_CIPHERS, TLS_VERSIONS, type HandshakeFailure, type HandshakeResult, type HandshakeSuccess, type TlsVersion } from './handshake.js';

/**
 * TLS inspection of one hostname: who the server says it is, whether that chains to a trusted root,
 * which protocol versions it accepts, and — when the chain is cut short — whether the missing
 * piece is an intermediate the server should have sent (found through the leaf's AIA URL) or a CA
 * nobody trusts. All facts, no judgment: the domain-tls checks judge.
 */

export interface TlsProbeOptions {
  /** --resolve / --connect-to, applied to the hostname and port before dialling. */
  overrides?: readonly ConnectOverride[];
  /** The run's resolver (--dns); the system resolver when absent. */
  resolver?: HostResolver;
  /** --ca PEM bundle, trusted in addition to the system roots. */
  ca?: string;
  /** Deadline of each connection (TCP + handshake), ms. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Downloads an AIA caIssuers URL (through the run's HTTP layer). Without it, AIA is not followed. */
  fetchIssuer?: (url: string) => Promise<Buffer | undefined>;
  /** Probe TLS 1.0/1.1/1.2/1.3 one by one (default true). */
  probeVersions?: boolean;
}

export type VersionSupport = 'accepted' | 'refused' | 'unknown' | 'untestable';

export interface VersionProbe {
  support: VersionSupport;
  /** Why refused / unknown / untestable (the handshake error). */
  detail?: string;
}

/** Verification errors that mean "the chain stops before a trusted root": an intermediate may be missing. */
export const ISSUER_MISSING_ERRORS: readonly string[] = ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT'];
/** Verification errors about the validity window only: the chain itself was built to a trusted root. */
export const TIME_ERRORS: readonly string[] = ['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERROR_IN_CERT_NOT_BEFORE_FIELD', 'ERROR_IN_CERT_NOT_AFTER_FIELD'];

export interface AiaStep {
  url: string;
  /** Subject of the certificate downloaded, when it was one and it issued the certificate below it. */
  subject?: string;
  error?: string;
}

export interface ChainCompletion {
  /** The certificates the server should have sent, found through AIA (closest to the leaf first). */
  missing: CertificateInfo[];
  steps: AiaStep[];
  /** The completed chain ends at a certificate of the trust store: the only problem is what the server sends. */
  reachesTrustedRoot: boolean;
  /** The completed chain ends at a self-signed root that is not in the trust store. */
  reachesUntrustedRoot: boolean;
}

export interface TlsInspection {
  host: string;
  port: number;
  /** The address and port actually dialled, and the override that chose them. */
  address?: string;
  dialledPort: number;
  via?: string;
  servername?: string;
  /**
   * ok: a handshake completed. no-address: the name has no A/AAAA. dns-error: resolution failed.
   * refused: nothing listens on the port (TCP refused). unreachable: another network error before TCP
   * connected. timeout: no answer in time. handshake-failed: TCP connected but no TLS handshake worked.
   */
  outcome: 'ok' | 'no-address' | 'dns-error' | 'refused' | 'unreachable' | 'timeout' | 'handshake-failed';
  error?: { code: string; message: string };
  /** Negotiated with the widest offer (TLS 1.0–1.3): the best the server supports. */
  protocol?: string;
  cipher?: string;
  /** Verification against the system roots (plus --ca). */
  trust?: { authorized: boolean; error?: string; store: 'system' | 'system+ca' };
  /** The chain exactly as the server sends it, leaf first (certificates linking to one another). */
  chain: CertificateInfo[];
  /** The chain as the verifier completed it from the trust store (leaf first). */
  verifiedChain: Array<{ subject: string; fingerprint256: string; selfSigned: boolean }>;
  /** Whether the requested hostname matches the leaf (SAN, or CN when there is no SAN). */
  hostname?: { matches: boolean; error?: string };
  completion?: ChainCompletion;
  versions: Partial<Record<TlsVersion, VersionProbe>>;
  /** `openssl s_client …` that reproduces what was seen. */
  reproduce: string;
  elapsedMs: number;
}

let systemRoots: X509Certificate[] | undefined;
function systemRootCertificates(): X509Certificate[] {
  systemRoots ??= tls.rootCertificates.flatMap((pem) => {
    try {
      return [new X509Certificate(pem)];
    } catch {
      return [];
    }
  });
  return systemRoots;
}

function trustStore(ca: string | undefined): X509Certificate[] {
  const extra = ca
    ? splitPem(ca).flatMap((pem) => {
        try {
          return [new X509Certificate(pem)];
        } catch {
          return [];
        }
      })
    : [];
  return [...systemRootCertificates(), ...extra];
}

async function addressOf(host: string, resolver: HostResolver | undefined): Promise<string | undefined> {
  if (isIP(host)) return host;
  if (resolver) {
    const list = await resolver.lookup(host);
    return list[0]?.address;
  }
  try {
    const list = await systemLookup(host, { all: true });
    return list[0]?.address;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA') return undefined;
    throw err;
  }
}

function reproduceCommand(host: string, address: string | undefined, port: number, servername: string | undefined): string {
  const target = address && isIP(address) === 6 ? `[${address}]` : (address ?? host);
  return `openssl s_client -connect ${target}:${port}${servername ? ` -servername ${servername}` : ''} -showcerts </dev/null`;
}

function versionProbeOf(r: HandshakeResult): VersionProbe {
  if (r.ok) return { support: 'accepted' };
  if (r.stage === 'local') return { support: 'untestable', detail: `this machine's OpenSSL cannot offer it (${r.code})` };
  if (r.stage === 'handshake') return { support: 'refused', detail: r.code };
  return { support: 'unknown', detail: `${r.code}: ${r.message}` };
}

/** Follow AIA caIssuers from the highest certificate the server sent, up to three downloads. */
async function completeChain(sent: X509Certificate[], store: X509Certificate[], fetchIssuer: TlsProbeOptions['fetchIssuer']): Promise<ChainCompletion> {
  const out: ChainCompletion = { missing: [], steps: [], reachesTrustedRoot: false, reachesUntrustedRoot: false };
  let top = sent[sent.length - 1];
  for (let i = 0; top && i < 4; i++) {
    if (store.some((root) => issued(root, top!) || root.fingerprint256 === top!.fingerprint256)) {
      out.reachesTrustedRoot = true;
      return out;
    }
    if (isSelfSigned(top)) {
      out.reachesUntrustedRoot = true;
      return out;
    }
    if (i === 3 || !fetchIssuer) return out;
    const url = describeCertificate(top).caIssuers.find((u) => /^https?:\/\//i.test(u));
    if (!url) return out;
    let body: Buffer | undefined;
    try {
      body = await fetchIssuer(url);
    } catch (err) {
      out.steps.push({ url, error: (err as Error).message });
      return out;
    }
    const cert = body ? parseDownloadedCertificate(body) : undefined;
    if (!cert) {
      out.steps.push({ url, error: body ? 'not a DER or PEM certificate' : 'no answer' });
      return out;
    }
    if (!issued(cert, top)) {
      out.steps.push({ url, subject: describeCertificate(cert).subject, error: 'the downloaded certificate did not issue the one below it' });
      return out;
    }
    out.steps.push({ url, subject: describeCertificate(cert).subject });
    out.missing.push(describeCertificate(cert));
    top = cert;
  }
  return out;
}

export async function inspectTls(target: { host: string; port: number }, opts: TlsProbeOptions = {}): Promise<TlsInspection> {
  const t0 = performance.now();
  const host = target.host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  const routed = applyOverrides(opts.overrides ?? [], host, target.port);
  const servername = isIP(host) ? undefined : host;
  const timeoutMs = opts.timeoutMs ?? 8000;
  const base: TlsInspection = {
    host,
    port: target.port,
    dialledPort: routed.port,
    ...(routed.via ? { via: routed.via } : {}),
    ...(servername ? { servername } : {}),
    outcome: 'ok',
    chain: [],
    verifiedChain: [],
    versions: {},
    reproduce: reproduceCommand(host, undefined, routed.port, servername),
    elapsedMs: 0,
  };
  const done = (r: TlsInspection): TlsInspection => ({ ...r, elapsedMs: performance.now() - t0 });

  let address: string | undefined;
  try {
    address = await addressOf(routed.host, opts.resolver);
  } catch (err) {
    if ((err as Error).name === 'LoopbackViolation') throw err;
    const e = err as NodeJS.ErrnoException;
    return done({ ...base, outcome: 'dns-error', error: { code: String(e.code ?? e.name), message: e.message } });
  }
  if (!address) return done({ ...base, outcome: 'no-address', error: { code: 'ENOTFOUND', message: `${routed.host} has no A or AAAA record` } });
  assertLoopbackAllowed(address);
  base.address = address;
  base.reproduce = reproduceCommand(host, address, routed.port, servername);

  const common = { address, port: routed.port, ...(servername ? { servername } : {}), timeoutMs, ...(opts.signal ? { signal: opts.signal } : {}) };
  const ca = opts.ca ? [...tls.rootCertificates, ...splitPem(opts.ca)] : undefined;
  // The widest offer a client can make, so the server's best version and its certificate are seen
  // even when it only speaks TLS 1.0 or uses a key modern defaults refuse; trust is judged apart.
  const main = await handshake({ ...common, minVersion: 'TLSv1', maxVersion: 'TLSv1.3', ciphers: LEGACY_CIPHERS, ...(ca ? { ca } : {}) });
  if (!main.ok) return done(failed(base, main));

  const inspection: TlsInspection = {
    ...base,
    protocol: main.protocol,
    cipher: main.cipherStandardName ?? main.cipher,
    trust: { authorized: main.authorized, ...(main.authorizationError ? { error: main.authorizationError } : {}), store: opts.ca ? 'system+ca' : 'system' },
    verifiedChain: main.chain.map((d) => {
      const x = new X509Certificate(d);
      return { subject: describeCertificate(x).subject, fingerprint256: x.fingerprint256, selfSigned: isSelfSigned(x) };
    }),
    hostname: hostnameMatch(host, main),
  };

  // Version by version, trusting nothing so the chain seen is exactly the one the server sends.
  const versions = opts.probeVersions === false ? [] : TLS_VERSIONS;
  const probes = await Promise.all(versions.map((v) => handshake({ ...common, minVersion: v, maxVersion: v, ciphers: LEGACY_CIPHERS, ca: [] })));
  versions.forEach((v, i) => (inspection.versions[v] = versionProbeOf(probes[i]!)));
  let sentProbe = probes.find((p, i): p is HandshakeSuccess => p.ok && versions[i] === main.protocol) ?? probes.find((p): p is HandshakeSuccess => p.ok);
  if (!sentProbe) {
    const again = await handshake({ ...common, minVersion: 'TLSv1', maxVersion: 'TLSv1.3', ciphers: LEGACY_CIPHERS, ca: [] });
    if (again.ok) sentProbe = again;
  }
  const sentX509 = (sentProbe?.chain ?? main.chain.slice(0, 1)).map((d) => new X509Certificate(d));
  inspection.chain = sentX509.map((x) => describeCertificate(x));

  if (main.authorizationError && ISSUER_MISSING_ERRORS.includes(main.authorizationError)) {
    inspection.completion = await completeChain(sentX509, trustStore(opts.ca), opts.fetchIssuer);
  }
  return done(inspection);
}

function hostnameMatch(host: string, hs: HandshakeSuccess): { matches: boolean; error?: string } {
  const err = tls.checkServerIdentity(host, hs.peer);
  return err ? { matches: false, error: err.message } : { matches: true };
}

function failed(base: TlsInspection, f: HandshakeFailure): TlsInspection {
  const error = { code: f.code, message: f.message };
  if (f.stage === 'timeout') return { ...base, outcome: 'timeout', error };
  if (f.stage === 'connect') return { ...base, outcome: f.code === 'ECONNREFUSED' ? 'refused' : 'unreachable', error };
  return { ...base, outcome: 'handshake-failed', error };
}
