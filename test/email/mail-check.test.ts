import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, sealMessage } from 'mailauth';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { runMailCheck } from '../../src/cli/commands/mail-check.js';
import { connectingHop, mailauthResolver, receivedHops } from '../../src/mail/message-auth.js';
import type { Finding } from '../../src/model/finding.js';
import { createResolver } from '../../src/net/dns/resolver.js';
import { startDnsServer, type TestDnsServer, type Zones } from '../fixtures/dns-server.js';

/**
 * `launchready mail-check` (issue #16, domain 7): messages signed now with local DKIM keys, published in
 * the in-process authoritative DNS server, authenticated through launchready's resolver — a good
 * password-reset mail, a spoofed/altered one, and a forwarded copy a mailing list sealed with ARC.
 */

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), p: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
}
const APP = keyPair();
const LIST = keyPair();
const OTHER = keyPair();

const ZONES: Zones = {
  'app.example': [{ type: 'SOA' }, { type: 'TXT', data: 'v=spf1 ip4:192.0.2.10 -all' }],
  's1._domainkey.app.example': [{ type: 'TXT', data: `v=DKIM1; k=rsa; p=${APP.p}` }],
  '_dmarc.app.example': [{ type: 'TXT', data: 'v=DMARC1; p=reject; rua=mailto:dmarc@app.example' }],
  'forwarder.example': [{ type: 'SOA' }, { type: 'TXT', data: 'v=spf1 ip4:198.51.100.20 -all' }],
  'arc1._domainkey.forwarder.example': [{ type: 'TXT', data: `v=DKIM1; k=rsa; p=${LIST.p}` }],
};

let dns: TestDnsServer;
const resolver = () => createResolver({ servers: [dns.address], timeoutMs: 1000, retries: 1 });

const original = [
  'From: Acme <no-reply@app.example>',
  'To: founder@mailbox.example',
  'Subject: Reset your password',
  'Date: Sat, 05 Dec 2026 06:00:00 +0000',
  'Message-ID: <reset-1@app.example>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Click the link to reset your password: https://app.example/reset?t=abc',
  '',
].join('\r\n');

async function sign(message: string, key = APP.privatePem, domain = 'app.example', selector = 's1'): Promise<string> {
  // mailauth's bundled types lag its documented API (signatureData, authResults): cast at the boundary.
  const r = await dkimSign(message, { signatureData: [{ signingDomain: domain, selector, privateKey: key }] } as never);
  if (r.errors.length) throw new Error(String(r.errors[0]));
  return r.signatures + message;
}

/** What the receiving mailbox adds: its MX accepted from `ip`, then an internal relay. */
function delivered(message: string, ip: string, helo: string, returnPath = 'bounces@app.example'): Buffer {
  return Buffer.from(
    [
      `Return-Path: <${returnPath}>`,
      'Received: from mx1.mailbox.example (mx1.mailbox.example [10.20.0.7]) by store.mailbox.example with LMTP id a1; Sat, 05 Dec 2026 06:00:03 +0000',
      `Received: from ${helo} (${helo} [${ip}]) by mx1.mailbox.example with ESMTPS id b2 for <founder@mailbox.example>; Sat, 05 Dec 2026 06:00:02 +0000`,
      message,
    ].join('\r\n'),
  );
}

const by = (r: { findings: Finding[] }, check: string) => r.findings.filter((f) => f.check === `email/${check}`);
const statusOf = (r: { findings: Finding[] }, check: string) => by(r, check).map((f) => f.status);

let good: Buffer;
let spoofed: Buffer;
let forwarded: Buffer;

beforeAll(async () => {
  dns = await startDnsServer({ zones: ZONES });
  const signed = await sign(original);
  good = delivered(signed, '192.0.2.10', 'mail.app.example');
  // Sent from a server SPF does not list, and the body altered after signing.
  spoofed = delivered(signed.replace('https://app.example/reset?t=abc', 'https://evil.example/reset'), '203.0.113.7', 'smtp.evil.example');
  // A mailing list receives the good message, adds a footer (breaking DKIM), seals ARC, and forwards.
  const atList = delivered(signed, '192.0.2.10', 'mail.app.example').toString();
  const { arc } = await authenticate(atList, { ip: '192.0.2.10', helo: 'mail.app.example', sender: 'bounces@app.example', mta: 'mx.forwarder.example', resolver: mailauthResolver(resolver(), []) as never });
  const modified = `${atList}-- \r\nYou are on the team@forwarder.example list\r\n`;
  const seen = arc as unknown as { authResults: unknown; status: { result: string } };
  const seal = await sealMessage(Buffer.from(modified), { signingDomain: 'forwarder.example', selector: 'arc1', privateKey: LIST.privatePem, authResults: seen.authResults, cv: seen.status.result } as never);
  forwarded = Buffer.from(
    [
      'Received: from list.forwarder.example (list.forwarder.example [198.51.100.20]) by mx1.mailbox.example with ESMTPS id c3; Sat, 05 Dec 2026 06:00:09 +0000',
      `${seal.toString().replace(/\r?\n$/, '')}`,
      modified,
    ].join('\r\n'),
  );
});
afterAll(() => dns.close());

describe('the Received chain', () => {
  it('takes the connecting IP from the newest hop with a public client address', () => {
    const hops = receivedHops(good);
    expect(hops.map((h) => h.ip)).toEqual(['10.20.0.7', '192.0.2.10']);
    const { hop, skipped } = connectingHop(hops);
    expect(hop).toMatchObject({ ip: '192.0.2.10', helo: 'mail.app.example' });
    expect(skipped).toHaveLength(1);
  });
});

describe('launchready mail-check', () => {
  it('passes a correctly authenticated password-reset mail on every mechanism', async () => {
    const r = await runMailCheck({ raw: good, source: 'reset.eml', dnsServers: [dns.address], failOn: 'high' });
    expect(statusOf(r, 'message-spf')).toEqual(['pass']);
    expect(statusOf(r, 'message-dkim')).toEqual(['pass']);
    expect(statusOf(r, 'message-dmarc')).toEqual(['pass']);
    expect(statusOf(r, 'message-arc')).toEqual(['skip']);
    expect(r.verdict).toBe('ready');
    expect(by(r, 'message-spf')[0]!.evidence?.notes?.join('\n')).toContain('192.0.2.10');
  });

  it('fails SPF, DKIM and DMARC (p=reject: critical) for a message from an unlisted server with an altered body, each with its fix', async () => {
    const r = await runMailCheck({ raw: spoofed, source: 'spoofed.eml', dnsServers: [dns.address], failOn: 'high' });
    const spf = by(r, 'message-spf')[0]!;
    expect(spf).toMatchObject({ status: 'fail' });
    expect(spf.fix).toContain('ip4:203.0.113.7');
    const dkim = by(r, 'message-dkim')[0]!;
    expect(dkim.status).toBe('fail');
    expect(dkim.title).toContain('body changed after signing');
    const dmarc = by(r, 'message-dmarc')[0]!;
    expect(dmarc).toMatchObject({ status: 'fail', severity: 'critical' });
    expect(dmarc.fix).toContain('DKIM d=app.example');
    expect(r.verdict).toBe('not-ready');
  });

  it('fails DKIM signed with a key that is not the published one', async () => {
    const wrongKey = delivered(await sign(original, OTHER.privatePem), '192.0.2.10', 'mail.app.example');
    const r = await runMailCheck({ raw: wrongKey, source: 'k.eml', dnsServers: [dns.address], failOn: 'high' });
    expect(statusOf(r, 'message-dkim')).toEqual(['fail']);
    // SPF still aligns and passes, so DMARC passes: reported as such, not as a failure.
    expect(statusOf(r, 'message-dmarc')).toEqual(['pass']);
  });

  it('validates the ARC chain of a forwarded copy whose SPF and DKIM broke in forwarding', async () => {
    const r = await runMailCheck({ raw: forwarded, source: 'forwarded.eml', dnsServers: [dns.address], failOn: 'high' });
    expect(statusOf(r, 'message-arc')).toEqual(['pass']);
    expect(by(r, 'message-arc')[0]!.title).toContain('forwarder.example');
    expect(statusOf(r, 'message-spf')).toEqual(['fail']);
    expect(by(r, 'message-spf')[0]!.evidence?.notes?.join('\n')).toContain('198.51.100.20');
    expect(statusOf(r, 'message-dkim')).toEqual(['fail']);
    const dmarc = by(r, 'message-dmarc')[0]!;
    expect(dmarc.status).toBe('fail');
    expect(dmarc.evidence?.notes?.join('\n')).toContain('ARC pass');
  });

  it('uses --ip over the Received chain, and skips SPF (never passes it) when no connecting IP is known', async () => {
    const viaFlag = await runMailCheck({ raw: good, source: 'reset.eml', ip: '203.0.113.9', dnsServers: [dns.address], failOn: 'high' });
    expect(statusOf(viaFlag, 'message-spf')).toEqual(['fail']);
    const noReceived = Buffer.from(`Return-Path: <bounces@app.example>\r\n${await sign(original)}`);
    const r = await runMailCheck({ raw: noReceived, source: 'bare.eml', dnsServers: [dns.address], failOn: 'high' });
    expect(statusOf(r, 'message-spf')).toEqual(['skip']);
    expect(by(r, 'message-spf')[0]!.reason).toContain('--ip');
  });

  it('refuses input that is not a message, and a bad --ip, as usage errors', async () => {
    await expect(runMailCheck({ raw: Buffer.from(''), source: 'empty.eml', failOn: 'high' })).rejects.toThrow(/empty input/);
    await expect(runMailCheck({ raw: Buffer.from('<html>Reset your password</html>'), source: 'page.html', failOn: 'high' })).rejects.toMatchObject({ name: 'UsageError' });
    await expect(runMailCheck({ raw: good, source: 'x.eml', ip: 'not-an-ip', failOn: 'high' })).rejects.toThrow(/--ip/);
  });
});
