import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { SMTPServer } from 'smtp-server';
import { startServer } from '../helpers.js';

export function tempDir(prefix = 'lr-monitor-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function waitFor<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, what: string, stepMs = 20): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A pino logger that keeps its JSON lines in memory, so tests can read what the monitor logged. */
export function memoryLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/** A loopback app whose health the test switches: up (200 JSON), down (503) or failing the next N requests. */
export async function startTarget(): Promise<{ url: string; requests: number; setDown(down: boolean): void; failNext(n: number): void; close(): Promise<void> }> {
  let down = false;
  let failures = 0;
  const state = { requests: 0 };
  const srv = await startServer((req, res) => {
    state.requests += 1;
    if (down || failures > 0) {
      if (failures > 0) failures -= 1;
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'maintenance', error: 'database unavailable' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', version: '1.2.3' }));
  });
  return {
    url: srv.url,
    get requests() {
      return state.requests;
    },
    setDown: (d) => (down = d),
    failNext: (n) => (failures = n),
    close: () => srv.close(),
  };
}

export interface Received {
  at: number;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  json: Record<string, unknown>;
}

/** A loopback webhook receiver (generic and Slack-style): records every POST; can fail the next N with 500. */
export async function startReceiver(): Promise<{ url: string; received: Received[]; failNext(n: number): void; close(): Promise<void> }> {
  const received: Received[] = [];
  let failures = 0;
  const srv = await startServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      if (failures > 0) {
        failures -= 1;
        res.writeHead(500).end('receiver overloaded');
        return;
      }
      received.push({ at: Date.now(), path: req.url ?? '/', headers: req.headers, raw, json: JSON.parse(raw || '{}') as Record<string, unknown> });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  return { url: srv.url, received, failNext: (n) => (failures = n), close: () => srv.close() };
}

/** A self-signed certificate for 127.0.0.1/localhost, valid for `days`, made with openssl. */
export function makeCert(dir: string, days = 1): { key: string; cert: string; certFile: string } {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', String(days), '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

export interface SmtpMessage {
  from: string;
  to: string[];
  secure: boolean;
  raw: string;
}

/** A loopback SMTP server that offers STARTTLS with a generated certificate and records messages. */
export async function startSmtp(cert: { key: string; cert: string }): Promise<{ host: string; port: number; messages: SmtpMessage[]; close(): Promise<void> }> {
  const messages: SmtpMessage[] = [];
  const server = new SMTPServer({
    secure: false,
    key: cert.key,
    cert: cert.cert,
    authOptional: true,
    disabledCommands: ['AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString()));
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          secure: session.secure,
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { host: '127.0.0.1', port, messages, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** An HTTPS server on loopback with the given certificate. */
export async function startHttps(cert: { key: string; cert: string }): Promise<{ port: number; close(): Promise<void> }> {
  const server = createHttpsServer({ key: cert.key, cert: cert.cert }, (_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export function writeConfig(dir: string, yaml: string, name = 'launchready.yml'): string {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  return file;
}
