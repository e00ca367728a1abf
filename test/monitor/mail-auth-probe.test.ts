import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { mailAuthProbe } from '../../src/monitor/probes/mail-auth.js';
import { createResolver } from '../../src/net/dns/resolver.js';
import { startDnsServer, type TestDnsServer } from '../fixtures/dns-server.js';

/** The "transactional email still authenticates" probe over a folder of .eml files (issue #16, optional). */

const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
let dns: TestDnsServer;
let dir: string;
const ctx = () => ({ resolver: () => createResolver({ servers: [dns.address], timeoutMs: 1000, retries: 1 }) });

async function message(ip: string): Promise<string> {
  const body = ['From: Acme <no-reply@shop.example>', 'To: me@mailbox.example', 'Subject: Your receipt', 'Date: Sat, 05 Dec 2026 06:00:00 +0000', 'Message-ID: <r1@shop.example>', '', 'Thanks for your order.', ''].join('\r\n');
  const signed = await dkimSign(body, { signatureData: [{ signingDomain: 'shop.example', selector: 'k1', privateKey: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }] } as never);
  return `Return-Path: <bounce@shop.example>\r\nReceived: from out.shop.example (out.shop.example [${ip}]) by mx.mailbox.example with ESMTPS id x; Sat, 05 Dec 2026 06:00:01 +0000\r\n${signed.signatures}${body}`;
}

beforeAll(async () => {
  dns = await startDnsServer({
    zones: {
      'shop.example': [{ type: 'SOA' }, { type: 'TXT', data: 'v=spf1 ip4:192.0.2.44 -all' }],
      'k1._domainkey.shop.example': [{ type: 'TXT', data: `v=DKIM1; k=rsa; p=${key.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}` }],
      '_dmarc.shop.example': [{ type: 'TXT', data: 'v=DMARC1; p=reject' }],
    },
  });
  dir = mkdtempSync(join(tmpdir(), 'lr16-eml-'));
});
afterAll(async () => {
  await dns.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('mail-auth monitor probe', () => {
  it('fails on an empty folder, passes on a fresh authenticated message, fails when it stops authenticating or goes stale', async () => {
    expect((await mailAuthProbe({ folder: dir }, ctx())).message).toContain('no .eml');
    writeFileSync(join(dir, 'a.eml'), await message('192.0.2.44'));
    const good = await mailAuthProbe({ folder: dir }, ctx());
    expect(good.ok, good.message).toBe(true);
    expect(good.message).toContain('DMARC pass');
    // A newer copy whose DKIM key no longer matches and which came from an unlisted server.
    const broken = (await message('203.0.113.50')).replace('Thanks for your order.', 'Thanks for your order!');
    writeFileSync(join(dir, 'b.eml'), broken);
    utimesSync(join(dir, 'b.eml'), new Date(), new Date(Date.now() + 1000));
    const bad = await mailAuthProbe({ folder: dir }, ctx());
    expect(bad.ok).toBe(false);
    expect(bad.message).toContain('DMARC fail');
    const old = new Date(Date.now() - 5 * 86_400_000);
    utimesSync(join(dir, 'a.eml'), old, old);
    utimesSync(join(dir, 'b.eml'), old, old);
    const stale = await mailAuthProbe({ folder: dir, maxAgeMs: 86_400_000 }, ctx());
    expect(stale.ok).toBe(false);
    expect(stale.message).toContain('h old');
  });
});
