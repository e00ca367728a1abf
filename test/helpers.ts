import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_INSTALL_HINT, findChromium } from '../src/browser/find.js';
import { makeResponse, type HttpExchange } from '../src/net/http.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = `${ROOT}bin/launchready.js`;
export const DEMO_CONFIG = `${ROOT}examples/demo-portal/launchready.yml`;

/**
 * Chromium for the browser tests: LAUNCHREADY_CHROMIUM / CHROMIUM_PATH, else the usual install
 * locations. Undefined when absent: browser tests then skip (`describe.skipIf(!CHROMIUM)`), and
 * test/global-setup.ts prints one loud line saying how to install it (CI requires it instead).
 */
export const CHROMIUM: string | undefined = findChromium();
export const NO_CHROMIUM_LINE = `Chromium not found: the browser tests are SKIPPED. To run them, ${CHROMIUM_INSTALL_HINT}.`;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the built CLI as a user would, with the loopback guard on. */
export async function runCli(args: string[], opts: { env?: Record<string, string>; timeoutMs?: number; cwd?: string } = {}): Promise<CliResult> {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, LAUNCHREADY_LOOPBACK_ONLY: '1', NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const [code] = (await once(child, 'close')) as [number | null];
  clearTimeout(timer);
  return { code: code ?? -1, stdout, stderr, ms: Date.now() - started };
}

export async function startServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A recorded exchange for check tables (no server needed). */
export function exchange(opts: { method?: string; url?: string; status?: number; headers?: Record<string, string>; setCookies?: string[]; body?: string; reqHeaders?: Record<string, string> }): HttpExchange {
  return {
    request: { method: opts.method ?? 'GET', url: opts.url ?? 'https://app.example.com/', headers: opts.reqHeaders ?? {} },
    response: makeResponse(opts.status ?? 200, opts.headers ?? {}, opts.setCookies ?? [], Buffer.from(opts.body ?? '')),
    redirects: [],
    timing: { startedAt: 0, ttfbMs: 1, totalMs: 1 },
  };
}
