import { X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { strengthProblems } from '../../src/checks/domain-tls/certificate-strength.js';
import { hsts, preloadNote, parseHsts } from '../../src/checks/domain-tls/hsts.js';
import { checkCases } from '../../src/engine/check-tester.js';
import { setLoopbackOnly } from '../../src/net/loopback-guard.js';
import { parseResolve } from '../../src/net/overrides.js';
import { describeCertificate, parseAltNames, signatureOf } from '../../src/net/tls/certificate.js';
import { readSignatureAlgorithm } from '../../src/net/tls/der.js';
import { inspectTls } from '../../src/net/tls/inspect.js';
import { tlsFixtures } from '../fixtures/tls/certs.js';
import { exchange } from '../helpers.js';

/** Judgments that need no server: key/signature strength, the DER reader, HSTS, and the loopback guard on TLS sockets. */

describe('certificate facts', () => {
  it('reads key type and size, signature algorithm, SANs, AIA and self-signedness from generated certificates', () => {
    const f = tlsFixtures();
    const valid = describeCertificate(f.valid.cert.split('-----END CERTIFICATE-----')[0] + '-----END CERTIFICATE-----\n');
    expect(valid.key).toEqual({ type: 'rsa', bits: 2048 });
    expect(valid.signature).toMatchObject({ algorithm: 'sha256WithRSAEncryption', hash: 'sha256' });
    expect(valid.altNames).toEqual(['valid.launchready.test', 'www.valid.launchready.test']);
    expect(valid.caIssuers).toEqual(['http://ca.launchready.test/int.der']);
    expect(valid.selfSigned).toBe(false);
    expect(describeCertificate(f.selfSigned.cert).selfSigned).toBe(true);
    expect(describeCertificate(f.sha1.cert).signature.hash).toBe('sha1');
    expect(describeCertificate(f.ecP256.cert).key).toEqual({ type: 'ec', curve: 'prime256v1', bits: 256 });
  });

  it('parses IP and DNS SANs as Node prints them', () => {
    expect(parseAltNames('DNS:a.example, IP Address:192.0.2.1, DNS:*.b.example, email:x@y')).toEqual(['a.example', 'IP:192.0.2.1', '*.b.example']);
  });
});

describe('strengthProblems', () => {
  const f = tlsFixtures();
  it('RSA under 2048 and EC under 256 bits are weak keys (high)', () => {
    expect(strengthProblems(describeCertificate(f.rsa1024.cert), false)).toEqual([{ kind: 'key', severity: 'high', what: 'a 1024-bit RSA key (minimum 2048)' }]);
    const p224 = strengthProblems(describeCertificate(f.ecP224Pem), false);
    expect(p224).toHaveLength(1);
    expect(p224[0]!.what).toContain('224-bit EC key on secp224r1');
  });
  it('SHA-1 signatures are critical, except on a trust anchor (its own signature is never checked)', () => {
    const sha1 = describeCertificate(f.sha1.cert);
    expect(strengthProblems(sha1, false)).toEqual([{ kind: 'signature', severity: 'critical', what: 'a SHA1 signature (sha1WithRSAEncryption)' }]);
    expect(strengthProblems(sha1, true)).toEqual([]);
  });
  it('RSA 2048 with SHA-256 and EC P-256 are fine', () => {
    expect(strengthProblems(describeCertificate(f.valid.cert), false)).toEqual([]);
    expect(strengthProblems(describeCertificate(f.ecP256.cert), false)).toEqual([]);
  });
});

describe('readSignatureAlgorithm (DER)', () => {
  it('reads the outer algorithm of real certificates', () => {
    const f = tlsFixtures();
    expect(readSignatureAlgorithm(new X509Certificate(f.sha1.cert).raw)).toEqual({ oid: '1.2.840.113549.1.1.5' });
    expect(signatureOf(new X509Certificate(f.ecP256.cert).raw).algorithm).toBe('sha256WithRSAEncryption');
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const buf = Buffer.from(bytes);
        readSignatureAlgorithm(buf);
        signatureOf(buf);
      }),
      { numRuns: 3000 },
    );
    // Truncations of a real certificate hit every length check.
    const der = new X509Certificate(tlsFixtures().valid.cert).raw;
    for (let n = 0; n < der.length; n += 7) expect(() => readSignatureAlgorithm(der.subarray(0, n))).not.toThrow();
  });
});

describe('domain-tls/hsts (owned here)', () => {
  const page = (headers: Record<string, string>) => ({ landing: exchange({ url: 'https://app.example.com/', headers }), others: [] });
  it('max-age=0 fails: it switches HSTS off', async () => {
    const problems = await checkCases(hsts, {
      valid: [],
      invalid: [{ name: 'zero', evidence: { pages: page({ 'strict-transport-security': 'max-age=0; includeSubDomains' }) }, findings: [{ title: /max-age=0/ }] }],
    });
    expect(problems).toEqual([]);
  });
  it('notes preload eligibility (one year, includeSubDomains, preload)', () => {
    expect(preloadNote(parseHsts('max-age=31536000; includeSubDomains; preload'))).toContain('meets the preload list requirements');
    expect(preloadNote(parseHsts('max-age=15552000; includeSubDomains'))).toBe('not preload-eligible (optional): the header lacks max-age ≥ 31536000, preload');
  });
});

describe('loopback guard on TLS sockets', () => {
  afterEach(() => setLoopbackOnly(undefined));
  it('refuses to dial a non-loopback address under the guard, before any packet is sent', async () => {
    setLoopbackOnly(true);
    await expect(inspectTls({ host: 'app.example.com', port: 443 }, { overrides: [parseResolve('app.example.com:443:192.0.2.7')], timeoutMs: 500 })).rejects.toThrow(/loopback guard/);
  });
});
