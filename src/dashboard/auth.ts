import { createHash, randomBytes, randomUUID, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { SqlDriver } from '../store/driver.js';

/**
 * The dashboard's one admin account, its sessions and its one-time setup links.
 *
 * Passwords: scrypt (N=2^15, r=8, p=1, 16-byte salt, 32-byte key), stored as
 * `scrypt$N$r$p$salt$hash`. Sessions: 32 random bytes as an opaque id; only its SHA-256 is stored,
 * with an absolute expiry and an idle timeout; login always issues a new id and logout deletes the
 * row. Setup links: 32 random bytes, stored hashed, single use, expiring.
 */

export const ADMIN_USERNAME = 'admin';
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

const SCRYPT = { N: 32768, r: 8, p: 1, keylen: 32 } as const;

function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

const scryptOptions = (N: number, r: number, p: number): ScryptOptions => ({ N, r, p, maxmem: 256 * N * r + 1024 * 1024 });

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.keylen, scryptOptions(SCRYPT.N, SCRYPT.r, SCRYPT.p));
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, scryptOptions(Number(n), Number(r), Number(p)));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash that matches no password: unknown accounts cost the same scrypt time as known ones. */
let dummyHash: Promise<string> | undefined;
function dummy(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Constant-time comparison of two strings (false for different lengths). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** What a password must be; undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `The password must be at most ${MAX_PASSWORD_LENGTH} characters long.`;
  if (new Set(password).size < 5) return 'The password is too repetitive.';
  return undefined;
}

export interface DashboardUser {
  id: string;
  username: string;
}

export interface ActiveSession {
  user: DashboardUser;
  /** The synchronizer CSRF token bound to this session. */
  csrfToken: string;
  idHash: string;
  expiresAt: number;
}

export interface SessionPolicy {
  /** Absolute lifetime of a session, ms (default 12 h). */
  ttlMs: number;
  /** A session unused this long ends, ms (default 2 h). */
  idleMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { ttlMs: 12 * 3600_000, idleMs: 2 * 3600_000 };

/** last_seen_at is written at most this often per session (reads stay reads). */
const TOUCH_EVERY_MS = 60_000;

export class Accounts {
  constructor(
    private readonly sql: SqlDriver,
    private readonly policy: SessionPolicy = DEFAULT_SESSION_POLICY,
    private readonly now: () => number = Date.now,
  ) {}

  async hasAdmin(): Promise<boolean> {
    const rows = await this.sql.all(`SELECT COUNT(*) AS n FROM dashboard_users`);
    return Number(rows[0]?.['n'] ?? 0) > 0;
  }

  /** Creates the admin once; false when an account already exists (a second setup never overwrites it). */
  async createAdmin(password: string): Promise<DashboardUser | undefined> {
    const hash = await hashPassword(password);
    const id = randomUUID();
    const at = this.now();
    const created = await this.sql.transaction(async (tx) => {
      const existing = await tx.all(`SELECT COUNT(*) AS n FROM dashboard_users`);
      if (Number(existing[0]?.['n'] ?? 0) > 0) return false;
      await tx.run(`INSERT INTO dashboard_users (id, username, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?)`, [id, ADMIN_USERNAME, hash, at, at]);
      return true;
    });
    return created ? { id, username: ADMIN_USERNAME } : undefined;
  }

  /** Whether `password` is the admin's current password (false when there is no admin). */
  async isAdminPassword(password: string): Promise<boolean> {
    const row = (await this.sql.all(`SELECT password_hash FROM dashboard_users WHERE username = ?`, [ADMIN_USERNAME]))[0];
    return row ? verifyPassword(password, String(row['password_hash'])) : false;
  }

  /** The user when the password is right; the same work is done for unknown usernames. */
  async checkPassword(username: string, password: string): Promise<DashboardUser | undefined> {
    const row = (await this.sql.all(`SELECT id, username, password_hash FROM dashboard_users WHERE username = ?`, [username]))[0];
    const ok = await verifyPassword(password, row ? String(row['password_hash']) : await dummy());
    return row && ok ? { id: String(row['id']), username: String(row['username']) } : undefined;
  }

  /** A new session (never a reused id): the raw id goes into the cookie, its hash into the table. */
  async createSession(user: DashboardUser): Promise<{ id: string; csrfToken: string; expiresAt: number }> {
    const id = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const at = this.now();
    const expiresAt = at + this.policy.ttlMs;
    await this.sql.run(`INSERT INTO dashboard_sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`, [
      sha256Hex(id),
      user.id,
      csrfToken,
      at,
      at,
      expiresAt,
    ]);
    return { id, csrfToken, expiresAt };
  }

  async getSession(id: string | undefined): Promise<ActiveSession | undefined> {
    if (!id || id.length > 200) return undefined;
    const idHash = sha256Hex(id);
    const row = (
      await this.sql.all(
        `SELECT s.user_id, s.csrf_token, s.last_seen_at, s.expires_at, u.username FROM dashboard_sessions s JOIN dashboard_users u ON u.id = s.user_id WHERE s.id_hash = ?`,
        [idHash],
      )
    )[0];
    if (!row) return undefined;
    const now = this.now();
    const lastSeen = Number(row['last_seen_at']);
    const expiresAt = Number(row['expires_at']);
    if (expiresAt <= now || lastSeen + this.policy.idleMs <= now) {
      await this.sql.run(`DELETE FROM dashboard_sessions WHERE id_hash = ?`, [idHash]);
      return undefined;
    }
    if (now - lastSeen >= TOUCH_EVERY_MS) await this.sql.run(`UPDATE dashboard_sessions SET last_seen_at = ? WHERE id_hash = ?`, [now, idHash]);
    return { user: { id: String(row['user_id']), username: String(row['username']) }, csrfToken: String(row['csrf_token']), idHash, expiresAt };
  }

  async destroySession(idHash: string): Promise<void> {
    await this.sql.run(`DELETE FROM dashboard_sessions WHERE id_hash = ?`, [idHash]);
  }

  /** Removes expired sessions and used or expired setup links (bounded tables). */
  async purgeExpired(): Promise<void> {
    const now = this.now();
    await this.sql.run(`DELETE FROM dashboard_sessions WHERE expires_at <= ? OR last_seen_at <= ?`, [now, now - this.policy.idleMs]);
    await this.sql.run(`DELETE FROM dashboard_setup_tokens WHERE expires_at <= ? OR used_at IS NOT NULL`, [now]);
  }

  /** A one-time setup token (the raw value is returned once, only its hash is kept). */
  async createSetupToken(ttlMs: number): Promise<{ token: string; expiresAt: number }> {
    const token = randomBytes(32).toString('base64url');
    const at = this.now();
    await this.sql.run(`INSERT INTO dashboard_setup_tokens (token_hash, created_at, expires_at, used_at) VALUES (?, ?, ?, NULL)`, [sha256Hex(token), at, at + ttlMs]);
    return { token, expiresAt: at + ttlMs };
  }

  /** Whether the token is unused and unexpired (the page that asks for the password checks this first). */
  async setupTokenValid(token: string): Promise<boolean> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return false;
    const rows = await this.sql.all(`SELECT 1 AS ok FROM dashboard_setup_tokens WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`, [sha256Hex(token), this.now()]);
    return rows.length > 0;
  }

  /**
   * Uses the token and sets the admin password in one transaction: a token works once. Without an
   * admin it creates one (first start); with one (a `serve --reset-password` link) it replaces the
   * password and ends every session of the admin. Returns the admin, or undefined when the token is
   * unknown, used or expired.
   */
  async completeSetup(token: string, password: string): Promise<DashboardUser | undefined> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
    const hash = await hashPassword(password);
    const id = randomUUID();
    const now = this.now();
    return this.sql.transaction(async (tx) => {
      const used = await tx.run(`UPDATE dashboard_setup_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`, [now, sha256Hex(token), now]);
      if (used !== 1) return undefined;
      // Every other outstanding setup link dies with the first one used.
      await tx.run(`UPDATE dashboard_setup_tokens SET used_at = ? WHERE used_at IS NULL`, [now]);
      const admin = (await tx.all(`SELECT id FROM dashboard_users WHERE username = ?`, [ADMIN_USERNAME]))[0];
      if (admin) {
        const adminId = String(admin['id']);
        await tx.run(`UPDATE dashboard_users SET password_hash = ?, password_changed_at = ? WHERE id = ?`, [hash, now, adminId]);
        await tx.run(`DELETE FROM dashboard_sessions WHERE user_id = ?`, [adminId]);
        return { id: adminId, username: ADMIN_USERNAME };
      }
      await tx.run(`INSERT INTO dashboard_users (id, username, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?)`, [id, ADMIN_USERNAME, hash, now, now]);
      return { id, username: ADMIN_USERNAME };
    });
  }
}
