import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import type { DecodedPacket, Packet, RecordType } from 'dns-packet';
import type { DnsError, DnsQueryType, DnsServerAddress } from './types.js';

/** Advertised EDNS0 UDP payload size (the 2020 DNS flag day value: no IP fragmentation). */
const EDNS_UDP_SIZE = 1232;
/** A DNS message over TCP is at most 65535 bytes; anything claiming more is hostile. */
const MAX_TCP_MESSAGE = 65535;

export type WireResult = { ok: true; packet: DecodedPacket; tcp: boolean } | { ok: false; error: DnsError };

export interface WireQuery {
  name: string;
  type: DnsQueryType;
  server: DnsServerAddress;
  /** Deadline for this attempt (UDP and the TCP retry together), ms. */
  timeoutMs: number;
  signal?: AbortSignal;
}

function buildQuery(name: string, type: DnsQueryType, id: number): Packet {
  return {
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type: type as RecordType, name, class: 'IN' }],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: EDNS_UDP_SIZE, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }],
  };
}

/** A reply belongs to our query only if the id, the QR bit and the question all match (RFC 5452). */
function matches(packet: DecodedPacket, id: number, name: string, type: DnsQueryType): boolean {
  if (packet.id !== id || !packet.flag_qr) return false;
  const q = packet.questions?.[0];
  // Some servers omit the question on FORMERR/REFUSED; the id and source still tie it to us.
  if (!q) return packet.questions?.length === 0;
  return q.name.toLowerCase().replace(/\.$/, '') === name.toLowerCase().replace(/\.$/, '') && (q.type as string) === type;
}

function sameAddress(a: string, b: string): boolean {
  const norm = (x: string) => x.replace(/^::ffff:/i, '').toLowerCase();
  return norm(a) === norm(b);
}

/** One query to one server: UDP first, TCP when the reply is truncated (TC bit). Never rejects. */
export function exchange(q: WireQuery): Promise<WireResult> {
  const deadline = Date.now() + q.timeoutMs;
  return udpExchange(q, deadline).then((r) => {
    if (r.ok && r.packet.flag_tc) return tcpExchange(q, deadline);
    return r;
  });
}

function udpExchange(q: WireQuery, deadline: number): Promise<WireResult> {
  return new Promise((resolve) => {
    const id = randomInt(0, 65536);
    let message: Buffer;
    try {
      message = dnsPacket.encode(buildQuery(q.name, q.type, id));
    } catch (e) {
      resolve({ ok: false, error: { kind: 'bad-name', message: `cannot encode a query for "${q.name}": ${(e as Error).message}` } });
      return;
    }
    const family = net.isIP(q.server.host) === 6 ? 'udp6' : 'udp4';
    const socket = dgram.createSocket(family);
    let done = false;
    const finish = (r: WireResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      q.signal?.removeEventListener('abort', onAbort);
      try {
        socket.close();
      } catch {
        /* already closed */
      }
      resolve(r);
    };
    const onAbort = () => finish({ ok: false, error: { kind: 'aborted', message: 'the run was interrupted' } });
    const timer = setTimeout(
      () => finish({ ok: false, error: { kind: 'timeout', message: `no answer from ${q.server.host}:${q.server.port} within ${q.timeoutMs} ms` } }),
      Math.max(1, deadline - Date.now()),
    );
    if (q.signal?.aborted) return onAbort();
    q.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (e) => finish({ ok: false, error: { kind: 'network', message: `${q.server.host}:${q.server.port}: ${e.message}` } }));
    socket.on('message', (msg, rinfo) => {
      // Spoofed or stray datagrams are ignored, not fatal: keep waiting for the real answer.
      if (!sameAddress(rinfo.address, q.server.host) || rinfo.port !== q.server.port) return;
      let packet: DecodedPacket;
      try {
        packet = dnsPacket.decode(msg);
      } catch {
        return;
      }
      if (!matches(packet, id, q.name, q.type)) return;
      finish({ ok: true, packet, tcp: false });
    });
    socket.send(message, q.server.port, q.server.host, (err) => {
      if (err) finish({ ok: false, error: { kind: 'network', message: `${q.server.host}:${q.server.port}: ${err.message}` } });
    });
  });
}

function tcpExchange(q: WireQuery, deadline: number): Promise<WireResult> {
  return new Promise((resolve) => {
    const id = randomInt(0, 65536);
    const message = dnsPacket.streamEncode(buildQuery(q.name, q.type, id));
    let done = false;
    let buffered = Buffer.alloc(0);
    const socket = net.connect({ host: q.server.host, port: q.server.port });
    const finish = (r: WireResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      q.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(r);
    };
    const onAbort = () => finish({ ok: false, error: { kind: 'aborted', message: 'the run was interrupted' } });
    const timer = setTimeout(
      () => finish({ ok: false, error: { kind: 'timeout', message: `no TCP answer from ${q.server.host}:${q.server.port} after a truncated UDP reply` } }),
      Math.max(1, deadline - Date.now()),
    );
    if (q.signal?.aborted) return onAbort();
    q.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('connect', () => socket.write(message));
    socket.on('error', (e) => finish({ ok: false, error: { kind: 'network', message: `TCP ${q.server.host}:${q.server.port}: ${e.message}` } }));
    socket.on('close', () => finish({ ok: false, error: { kind: 'network', message: `TCP ${q.server.host}:${q.server.port} closed before answering` } }));
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length > MAX_TCP_MESSAGE + 2) return finish({ ok: false, error: { kind: 'malformed', message: 'TCP answer larger than a DNS message can be' } });
      while (buffered.length >= 2) {
        const len = buffered.readUInt16BE(0);
        if (buffered.length < len + 2) return;
        const body = buffered.subarray(2, len + 2);
        buffered = buffered.subarray(len + 2);
        let packet: DecodedPacket;
        try {
          packet = dnsPacket.decode(body);
        } catch (e) {
          return finish({ ok: false, error: { kind: 'malformed', message: `undecodable TCP answer: ${(e as Error).message}` } });
        }
        if (matches(packet, id, q.name, q.type)) return finish({ ok: true, packet, tcp: true });
      }
    });
  });
}
