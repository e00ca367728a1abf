import type { Socket } from 'node:net';
import type { buildConnector } from 'undici';

/**
 * A lean HTTP/1.1 client for the load generator. A general client (undici) validates and builds
 * every request and parses every header into objects; a load generator sends the same few requests
 * hundreds of thousands of times and needs only the status, the body length and Server-Timing. So
 * requests are serialised once, and responses are parsed by a small state machine (Content-Length,
 * chunked, read-to-close, 1xx, HEAD/204/304). That halves the client's CPU per request, which is what
 * decides throughput when the generator, not the server, is the bottleneck.
 *
 * Connections come from the HTTP layer's guarded connector, so --resolve/--connect-to, TLS (with
 * --ca) and the loopback guard apply exactly as for every other request.
 */

export interface H1Request {
  /** The serialised request line and headers (and body, for writes), built once. */
  bytes: Buffer;
  /** HEAD responses carry no body whatever their headers say. */
  isHead: boolean;
}

export interface H1Handler {
  onStatus(status: number, serverTiming: string | undefined): void;
  onBody(bytes: number): void;
  onComplete(): void;
  onFail(err: Error): void;
}

export class H1Error extends Error {
  constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'H1Error';
  }
}

const MAX_HEAD = 64 * 1024;
const CRLFCRLF = Buffer.from('\r\n\r\n');

export function serialiseRequest(url: URL, method: string, headers: Record<string, string>, body?: Buffer): H1Request {
  const lines = [`${method} ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`];
  for (const [k, v] of Object.entries(headers)) {
    if (/[\r\n]/.test(k) || /[\r\n]/.test(v)) throw new Error(`header ${k} contains a line break`);
    if (k.toLowerCase() === 'host' || k.toLowerCase() === 'content-length') continue;
    lines.push(`${k}: ${v}`);
  }
  if (body || !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(method)) lines.push(`content-length: ${body?.length ?? 0}`);
  const head = Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
  return { bytes: body ? Buffer.concat([head, body]) : head, isHead: method === 'HEAD' };
}

interface Pending {
  req: H1Request;
  h: H1Handler;
  retried: boolean;
}

type BodyMode = 'none' | 'length' | 'chunked' | 'eof';
type ChunkState = 'size' | 'data' | 'data-crlf' | 'trailers';

class Connection {
  socket: Socket | undefined;
  current: Pending | undefined;
  deadline = 0;
  /** Served at least one response: a failure before any byte may be a stale keep-alive socket. */
  reused = false;
  private gotBytes = false;
  private head: Buffer | undefined;
  private inBody = false;
  private mode: BodyMode = 'none';
  private remaining = 0;
  private keepAlive = true;
  private chunkState: ChunkState = 'size';
  private line: Buffer | undefined;
  private dead = false;

  constructor(private readonly pool: H1Pool) {}

  open(first: Pending): void {
    this.current = first;
    this.deadline = performance.now() + this.pool.timeoutMs;
    this.pool.connector(
      { hostname: this.pool.hostname, host: this.pool.hostname, protocol: this.pool.protocol, port: this.pool.port, servername: undefined as unknown as string } as buildConnector.Options,
      (err, socket) => {
        if (err || !socket) return this.die(err ?? new H1Error('ECONNREFUSED', 'no socket'));
        if (this.dead) {
          socket.destroy();
          return;
        }
        this.socket = socket as Socket;
        this.socket.setNoDelay(true);
        this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
        this.socket.on('error', (e: Error) => this.die(e));
        this.socket.on('close', () => this.die(new H1Error('ECONNRESET', 'the server closed the connection')));
        if (this.current) this.write();
      },
    );
  }

  send(p: Pending): void {
    this.current = p;
    this.deadline = performance.now() + this.pool.timeoutMs;
    this.write();
  }

  private write(): void {
    this.gotBytes = false;
    this.inBody = false;
    this.head = undefined;
    this.socket!.write(this.current!.req.bytes);
  }

  private onData(chunk: Buffer): void {
    if (!this.current) {
      // Bytes nobody asked for: the server is confused; do not reuse this connection.
      return this.die(new H1Error('UNEXPECTED_DATA', 'the server sent data with no request outstanding'));
    }
    this.gotBytes = true;
    let buf = chunk;
    while (buf.length > 0 && this.current) {
      if (!this.inBody) {
        const rest = this.parseHead(buf);
        if (rest === undefined) return;
        buf = rest;
        if (!this.current) return;
        if (!this.inBody) continue; // a 1xx response: another head follows
        if (this.mode === 'none') {
          this.finish();
          continue;
        }
      }
      buf = this.parseBody(buf);
    }
  }

  /** Consumes a response head; returns the bytes after it, or undefined while incomplete. */
  private parseHead(chunk: Buffer): Buffer | undefined {
    const buf = this.head ? Buffer.concat([this.head, chunk]) : chunk;
    const end = buf.indexOf(CRLFCRLF, this.head ? Math.max(0, this.head.length - 3) : 0);
    if (end < 0) {
      if (buf.length > MAX_HEAD) this.die(new H1Error('HEADERS_TOO_LARGE', `the response head is over ${MAX_HEAD} bytes`));
      else this.head = buf;
      return undefined;
    }
    this.head = undefined;
    const text = buf.toString('latin1', 0, end);
    if (!text.startsWith('HTTP/1.') || text.length < 12) {
      this.die(new H1Error('BAD_RESPONSE', `not an HTTP/1.x response: ${JSON.stringify(text.slice(0, 40))}`));
      return undefined;
    }
    const status = Number(text.slice(9, 12));
    if (!(status >= 100 && status <= 999)) {
      this.die(new H1Error('BAD_RESPONSE', `bad status line: ${JSON.stringify(text.split('\r\n')[0])}`));
      return undefined;
    }
    const http10 = text.charCodeAt(7) === 48; // 'HTTP/1.0'
    let contentLength = -1;
    let chunked = false;
    let connection = '';
    let serverTiming: string | undefined;
    let pos = text.indexOf('\r\n');
    while (pos >= 0 && pos < text.length) {
      const next = text.indexOf('\r\n', pos + 2);
      const lineEnd = next < 0 ? text.length : next;
      const colon = text.indexOf(':', pos + 2);
      if (colon > 0 && colon < lineEnd) {
        const nameLen = colon - pos - 2;
        // Only four header names matter; compare by length first so most lines cost one branch.
        if (nameLen === 14 || nameLen === 17 || nameLen === 10 || nameLen === 13) {
          const name = text.slice(pos + 2, colon).toLowerCase();
          const value = text.slice(colon + 1, lineEnd).trim();
          if (name === 'content-length') contentLength = Number(value);
          else if (name === 'transfer-encoding') chunked = /(?:^|,)\s*chunked\s*$/i.test(value);
          else if (name === 'connection') connection = value.toLowerCase();
          else if (name === 'server-timing') serverTiming = serverTiming === undefined ? value : `${serverTiming}, ${value}`;
        }
      }
      pos = next;
    }
    const rest = buf.subarray(end + 4);
    if (status >= 100 && status < 200 && status !== 101) return rest; // informational: the real head follows
    this.keepAlive = http10 ? /\bkeep-alive\b/.test(connection) : !/\bclose\b/.test(connection);
    if (this.current!.req.isHead || status === 204 || status === 304 || status === 101) this.mode = 'none';
    else if (chunked) {
      this.mode = 'chunked';
      this.chunkState = 'size';
      this.line = undefined;
    } else if (contentLength >= 0 && Number.isFinite(contentLength)) {
      this.mode = contentLength === 0 ? 'none' : 'length';
      this.remaining = contentLength;
    } else {
      this.mode = 'eof';
      this.keepAlive = false;
    }
    this.inBody = true;
    this.current!.h.onStatus(status, serverTiming);
    return rest;
  }

  /** Consumes body bytes; returns what belongs to the next response (normally nothing). */
  private parseBody(buf: Buffer): Buffer {
    const h = this.current!.h;
    if (this.mode === 'length') {
      if (buf.length < this.remaining) {
        this.remaining -= buf.length;
        h.onBody(buf.length);
        return buf.subarray(buf.length);
      }
      h.onBody(this.remaining);
      const rest = buf.subarray(this.remaining);
      this.finish();
      return rest;
    }
    if (this.mode === 'eof') {
      h.onBody(buf.length);
      return buf.subarray(buf.length);
    }
    // chunked
    let i = 0;
    while (i < buf.length && this.current) {
      if (this.chunkState === 'data') {
        const n = Math.min(this.remaining, buf.length - i);
        h.onBody(n);
        this.remaining -= n;
        i += n;
        if (this.remaining === 0) {
          this.chunkState = 'data-crlf';
          this.remaining = 2;
        }
        continue;
      }
      if (this.chunkState === 'data-crlf') {
        const n = Math.min(this.remaining, buf.length - i);
        this.remaining -= n;
        i += n;
        if (this.remaining === 0) this.chunkState = 'size';
        continue;
      }
      // size line or trailer line: read up to CRLF
      const nl = buf.indexOf(10, i);
      if (nl < 0) {
        this.line = this.line ? Buffer.concat([this.line, buf.subarray(i)]) : Buffer.from(buf.subarray(i));
        if (this.line.length > 8192) this.die(new H1Error('BAD_CHUNK', 'a chunk-size or trailer line is over 8 KB'));
        return buf.subarray(buf.length);
      }
      const part = buf.subarray(i, nl + 1);
      const lineBuf = this.line ? Buffer.concat([this.line, part]) : part;
      this.line = undefined;
      i = nl + 1;
      const text = lineBuf.toString('latin1').replace(/\r?\n$/, '');
      if (this.chunkState === 'size') {
        const size = parseInt(text.split(';')[0]!.trim(), 16);
        if (!Number.isFinite(size) || size < 0 || !/^[0-9a-fA-F]+/.test(text.trim())) {
          this.die(new H1Error('BAD_CHUNK', `bad chunk size ${JSON.stringify(text.slice(0, 20))}`));
          return buf.subarray(buf.length);
        }
        if (size === 0) this.chunkState = 'trailers';
        else {
          this.chunkState = 'data';
          this.remaining = size;
        }
      } else if (text === '') {
        // end of trailers: the response is complete
        const rest = buf.subarray(i);
        this.finish();
        return rest;
      }
    }
    return buf.subarray(buf.length);
  }

  private finish(): void {
    const p = this.current!;
    this.current = undefined;
    this.inBody = false;
    this.reused = true;
    if (!this.keepAlive) {
      this.retire();
      p.h.onComplete();
      this.pool.wake();
      return;
    }
    p.h.onComplete();
    this.pool.release(this);
  }

  /** The request ran past its deadline. */
  timeout(): void {
    this.die(new H1Error('TIMEOUT', `no complete response within ${this.pool.timeoutMs} ms`));
  }

  /** The connection is done (error, close, timeout): fail the request on it, if any. */
  die(err: Error): void {
    if (this.dead) return;
    const p = this.current;
    this.current = undefined;
    if (this.mode === 'eof' && this.inBody && p && err instanceof H1Error && err.code === 'ECONNRESET') {
      // Read-to-close body: the close is the end of the response.
      this.retire();
      p.h.onComplete();
      this.pool.wake();
      return;
    }
    this.retire();
    if (p) {
      // A reused keep-alive socket the server had just closed: send again once on a fresh one.
      if (this.reused && !this.gotBytes && !p.retried && !this.pool.destroyed) {
        p.retried = true;
        this.pool.requeueFront(p);
      } else p.h.onFail(err);
    }
    this.pool.wake();
  }

  private retire(): void {
    this.dead = true;
    this.pool.remove(this);
    const s = this.socket;
    this.socket = undefined;
    if (s) {
      s.removeAllListeners('data');
      s.removeAllListeners('close');
      s.on('error', () => undefined);
      s.destroy();
    }
  }
}

/** Up to `connections` keep-alive connections to one origin, with a FIFO queue in front. */
export class H1Pool {
  readonly hostname: string;
  readonly port: string;
  readonly protocol: string;
  destroyed = false;
  private readonly all = new Set<Connection>();
  private readonly idle: Connection[] = [];
  private queue: Pending[] = [];
  private queueHead = 0;
  private readonly sweep: NodeJS.Timeout;

  constructor(
    origin: URL,
    readonly connector: buildConnector.connector,
    readonly connections: number,
    readonly timeoutMs: number,
  ) {
    this.hostname = origin.hostname.replace(/^\[|\]$/g, '');
    this.port = origin.port || (origin.protocol === 'https:' ? '443' : '80');
    this.protocol = origin.protocol;
    // One coarse timer for every request's deadline instead of a timer per request.
    this.sweep = setInterval(() => this.expire(), Math.min(250, Math.max(10, timeoutMs / 4)));
    this.sweep.unref();
  }

  get pending(): number {
    return this.queue.length - this.queueHead;
  }

  dispatch(req: H1Request, h: H1Handler): void {
    if (this.destroyed) return h.onFail(new H1Error('DESTROYED', 'the pool is closed'));
    const p: Pending = { req, h, retried: false };
    // Most recently used first, so spare connections go idle and close cleanly.
    const conn = this.idle.pop();
    if (conn) return conn.send(p);
    if (this.all.size < this.connections) {
      const c = new Connection(this);
      this.all.add(c);
      return c.open(p);
    }
    this.queue.push(p);
  }

  /** A connection finished a response and can take the next request. */
  release(conn: Connection): void {
    const next = this.take();
    if (next) conn.send(next);
    else this.idle.push(conn);
  }

  /** A connection went away: open another if requests are waiting. */
  wake(): void {
    while (this.pending > 0 && !this.destroyed) {
      const conn = this.idle.pop();
      if (conn) {
        conn.send(this.take()!);
        continue;
      }
      if (this.all.size >= this.connections) break;
      const c = new Connection(this);
      this.all.add(c);
      c.open(this.take()!);
    }
  }

  requeueFront(p: Pending): void {
    if (this.queueHead > 0) this.queue[--this.queueHead] = p;
    else this.queue.unshift(p);
  }

  remove(conn: Connection): void {
    this.all.delete(conn);
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
  }

  private take(): Pending | undefined {
    if (this.queueHead >= this.queue.length) return undefined;
    const p = this.queue[this.queueHead++]!;
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    return p;
  }

  private expire(): void {
    const now = performance.now();
    for (const c of [...this.all]) if (c.current && now > c.deadline) c.timeout();
  }

  /** Fails everything queued and in flight with `err` and closes every connection. */
  destroy(err: Error): void {
    if (this.destroyed) return;
    this.destroyed = true;
    clearInterval(this.sweep);
    const queued = this.queue.slice(this.queueHead);
    this.queue = [];
    this.queueHead = 0;
    for (const c of [...this.all]) c.die(err);
    for (const p of queued) p.h.onFail(err);
  }

  /** Closes idle connections (call when nothing is in flight). */
  close(): void {
    this.destroy(new H1Error('DESTROYED', 'the pool is closed'));
  }
}
