import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { H1Pool, serialiseRequest, type H1Handler } from '../../src/load/h1.js';
import { guardedConnector } from '../../src/net/http.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

/** A TCP server that answers each request (one per "\r\n\r\n") with the scripted raw bytes. */
async function rawServer(answer: (n: number, socket: Socket) => string | undefined): Promise<URL> {
  let n = 0;
  const s = createNetServer((socket) => {
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      let i: number;
      while ((i = buf.indexOf('\r\n\r\n')) >= 0) {
        buf = buf.slice(i + 4);
        const out = answer(n++, socket);
        if (out !== undefined) socket.write(out);
      }
    });
    socket.on('error', () => undefined);
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return new URL(`http://127.0.0.1:${(s.address() as AddressInfo).port}/`);
}

interface Outcome {
  status?: number;
  bytes: number;
  serverTiming?: string;
  error?: string;
}

function request(pool: H1Pool, url: URL, method = 'GET'): Promise<Outcome> {
  return new Promise((resolve) => {
    const o: Outcome = { bytes: 0 };
    const h: H1Handler = {
      onStatus: (s, st) => {
        o.status = s;
        if (st) o.serverTiming = st;
      },
      onBody: (n) => (o.bytes += n),
      onComplete: () => resolve(o),
      onFail: (err) => resolve({ ...o, error: (err as { code?: string }).code ?? err.message }),
    };
    pool.dispatch(serialiseRequest(url, method, {}), h);
  });
}

const pool = (url: URL, connections = 1, timeoutMs = 2000): H1Pool => new H1Pool(url, guardedConnector({}), connections, timeoutMs);

describe('the load generator’s HTTP/1.1 client', () => {
  it('reads Content-Length, chunked (split across packets, with trailers) and read-to-close bodies on one keep-alive connection', async () => {
    const url = await rawServer((n, socket) => {
      if (n === 0) return 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer-Timing: db;dur=3\r\n\r\nhello';
      if (n === 1) {
        socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nab');
        setTimeout(() => socket.write('cd\r\n3;ext=1\r\nefg\r\n0\r\nX-Trailer: 1\r\n\r\n'), 20);
        return undefined;
      }
      socket.end('HTTP/1.0 200 OK\r\n\r\nuntil the end');
      return undefined;
    });
    const p = pool(url);
    expect(await request(p, url)).toEqual({ status: 200, bytes: 5, serverTiming: 'db;dur=3' });
    expect(await request(p, url)).toEqual({ status: 200, bytes: 7 });
    expect(await request(p, url)).toEqual({ status: 200, bytes: 13 });
    p.close();
  });

  it('knows HEAD, 204 and 304 answers have no body, and skips 1xx heads', async () => {
    const url = await rawServer((n) =>
      n === 0
        ? 'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n'
        : n === 1
          ? 'HTTP/1.1 204 No Content\r\n\r\n'
          : n === 2
            ? 'HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n'
            : 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
    );
    const p = pool(url);
    expect(await request(p, url, 'HEAD')).toEqual({ status: 200, bytes: 0 });
    expect(await request(p, url)).toEqual({ status: 204, bytes: 0 });
    expect(await request(p, url)).toEqual({ status: 304, bytes: 0 });
    expect(await request(p, url)).toEqual({ status: 200, bytes: 2 });
    p.close();
  });

  it('resends once when a kept-alive socket was closed by the server, and reconnects after "Connection: close"', async () => {
    const sockets = new Set<Socket>();
    const url = await rawServer((n, socket) => {
      sockets.add(socket);
      if (n === 0) return 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na';
      if (n === 1) {
        // The request arrives on the reused socket and the server drops it unanswered (a keep-alive race).
        socket.destroy();
        return undefined;
      }
      if (n === 2) return 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\nb';
      return 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nc';
    });
    const p = pool(url);
    expect(await request(p, url)).toEqual({ status: 200, bytes: 1 });
    expect(await request(p, url)).toEqual({ status: 200, bytes: 1 });
    expect(await request(p, url)).toEqual({ status: 200, bytes: 1 });
    expect(sockets.size).toBe(3);
    p.close();
  });

  it('fails a request that gets no complete answer in time, and one that gets garbage', async () => {
    const url = await rawServer((n) => (n === 0 ? undefined : 'SMTP ready\r\n\r\n'));
    const p = pool(url, 2, 300);
    const slow = await request(p, url);
    expect(slow.error).toBe('TIMEOUT');
    const bad = await request(p, url);
    expect(bad.error).toBe('BAD_RESPONSE');
    p.close();
  });

  it('agrees with Node’s own HTTP server on chunked streaming responses', async () => {
    const s = createHttpServer((req, res) => {
      res.write('x'.repeat(10_000));
      setTimeout(() => res.end('y'.repeat(5000)), 5);
    });
    servers.push(s as unknown as Server);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const url = new URL(`http://127.0.0.1:${(s.address() as AddressInfo).port}/`);
    const p = pool(url, 2);
    const results = await Promise.all([request(p, url), request(p, url), request(p, url)]);
    expect(results).toEqual([1, 2, 3].map(() => ({ status: 200, bytes: 15_000 })));
    p.close();
  });
});
