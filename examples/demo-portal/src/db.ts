import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashSeedPassword } from './passwords.js';

export type Db = Database.Database;

/**
 * The portal's SQLite schema. Ids are global integer sequences, as in most small SaaS apps:
 * that is what makes BOLA easy to try (invoice 5 of globex is one increment away from acme's 4).
 * CHECK and NOT NULL constraints are the last line of defence; the `stack-trace` flaw shows what
 * happens when invalid input reaches them instead of being rejected by validation first.
 */
const SCHEMA = `
CREATE TABLE orgs (
  id INTEGER PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL,
  role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'admin')),
  password_hash TEXT NOT NULL,
  email_verified INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE api_tokens (
  jti TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER
);
CREATE TABLE invoices (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  number TEXT NOT NULL,
  customer TEXT NOT NULL,
  customer_email TEXT,
  amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
  currency TEXT NOT NULL DEFAULT 'USD',
  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent', 'paid', 'void')),
  due_date TEXT,
  notes TEXT,
  created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  UNIQUE (org_id, number)
);
CREATE TABLE tickets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
  subject TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'closed')),
  priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high')),
  created_at TEXT NOT NULL
);
CREATE TABLE ticket_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
  author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE files (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  invoice_id INTEGER REFERENCES invoices(id) ON DELETE SET NULL,
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  content BLOB NOT NULL,
  uploaded_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE password_resets (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE TABLE invites (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  email TEXT NOT NULL COLLATE NOCASE,
  role TEXT NOT NULL CHECK (role IN ('member', 'admin')),
  token_hash TEXT NOT NULL UNIQUE,
  invited_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  expires_at INTEGER NOT NULL,
  accepted_at INTEGER,
  created_at TEXT NOT NULL
);
CREATE TABLE mailbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  to_email TEXT NOT NULL COLLATE NOCASE,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  token TEXT,
  link TEXT,
  sent_at TEXT NOT NULL
);
CREATE TABLE webhook_events (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  received_at TEXT NOT NULL
);
CREATE TABLE activity (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX invoices_org ON invoices(org_id);
CREATE INDEX tickets_org ON tickets(org_id);
CREATE INDEX files_org ON files(org_id);
CREATE INDEX activity_org_at ON activity(org_id, at);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
`;

export type SeedOrgKey = 'acme' | 'globex';
export type SeedUserKey = 'alice' | 'adam' | 'bob' | 'grace';

export interface SeedOrg {
  id: number;
  slug: SeedOrgKey;
  name: string;
}
export interface SeedUser {
  id: number;
  email: string;
  password: string;
  name: string;
  role: 'member' | 'admin';
  org: SeedOrgKey;
  orgId: number;
}
export interface SeedInvoice {
  id: number;
  org: SeedOrgKey;
  orgId: number;
  number: string;
  customer: string;
  amountCents: number;
}
export interface SeedTicket {
  id: number;
  org: SeedOrgKey;
  orgId: number;
  subject: string;
}
export interface SeedFile {
  id: number;
  org: SeedOrgKey;
  orgId: number;
  name: string;
  invoiceId: number;
}

/** What a fresh start contains, so tests can assert on exact ids and identifying values. */
export interface DemoSeed {
  orgs: Record<SeedOrgKey, SeedOrg>;
  users: Record<SeedUserKey, SeedUser>;
  invoices: SeedInvoice[];
  tickets: SeedTicket[];
  files: SeedFile[];
}

const ORGS: { slug: SeedOrgKey; name: string; prefix: string }[] = [
  { slug: 'acme', name: 'Acme Corporation', prefix: 'ACME' },
  { slug: 'globex', name: 'Globex Industries', prefix: 'GLX' },
];

const USERS: { key: SeedUserKey; org: SeedOrgKey; name: string; role: 'member' | 'admin' }[] = [
  { key: 'alice', org: 'acme', name: 'Alice Anderson', role: 'member' },
  { key: 'adam', org: 'acme', name: 'Adam Acheson', role: 'admin' },
  { key: 'bob', org: 'globex', name: 'Bob Brennan', role: 'member' },
  { key: 'grace', org: 'globex', name: 'Grace Gallagher', role: 'admin' },
];

/** Customer names unique across both orgs: each one identifies its tenant in a leaked response. */
const CUSTOMERS: Record<SeedOrgKey, { customer: string; email: string; cents: number; status: string }[]> = {
  acme: [
    { customer: 'Roadrunner Logistics', email: 'billing@roadrunner.test', cents: 125_000, status: 'sent' },
    { customer: 'Coyote Rocket Supplies', email: 'ap@coyote-rockets.test', cents: 48_250, status: 'paid' },
    { customer: 'Desert Anvil Works', email: 'finance@anvilworks.test', cents: 9_990, status: 'draft' },
    { customer: 'Mesa Canyon Outfitters', email: 'accounts@mesacanyon.test', cents: 310_400, status: 'sent' },
  ],
  globex: [
    { customer: 'Cypress Creek Realty', email: 'ap@cypresscreek.test', cents: 220_000, status: 'sent' },
    { customer: 'Scorpio Hammock Imports', email: 'pay@scorpiohammocks.test', cents: 15_725, status: 'paid' },
    { customer: 'Springfield Nuclear Services', email: 'billing@sns.test', cents: 987_600, status: 'sent' },
    { customer: 'Volcano Lair Catering', email: 'events@volcanolair.test', cents: 4_300, status: 'void' },
  ],
};

const TICKETS: Record<SeedOrgKey, { subject: string; priority: string; status: string; messages: string[] }[]> = {
  acme: [
    { subject: 'Roadrunner invoice shows the wrong VAT rate', priority: 'high', status: 'open',
      messages: ['The March invoice for Roadrunner Logistics used 19% instead of 7%.', 'We are looking into it.'] },
    { subject: 'Add PO numbers to Acme exports', priority: 'normal', status: 'pending',
      messages: ['Could the CSV export include our purchase-order numbers?'] },
  ],
  globex: [
    { subject: 'Cypress Creek payment stuck in processing', priority: 'high', status: 'open',
      messages: ['Payment for the Cypress Creek Realty invoice has been processing for 3 days.', 'Escalated to billing.'] },
    { subject: 'Globex logo missing on PDF invoices', priority: 'low', status: 'closed',
      messages: ['Our logo does not appear on generated invoices.'] },
  ],
};

export function nowIso(): string {
  return new Date().toISOString();
}

/** Opens a fresh database in its own temp directory; `dispose` closes it and removes the files. */
export function openDatabase(): { db: Db; path: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'launchready-demo-'));
  const path = join(dir, 'portal.sqlite');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  return {
    db,
    path,
    dispose: () => {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function invoiceCsv(rows: { number: string; customer: string; amount_cents: number; currency: string; status: string; due_date: string | null }[]): string {
  const esc = (v: string): string => (/[",\n\r]/.test(v) || /^[=+\-@]/.test(v) ? `"${v.replace(/^([=+\-@])/, "'$1").replace(/"/g, '""')}"` : v);
  const lines = ['number,customer,amount,currency,status,due_date'];
  for (const r of rows) {
    lines.push([r.number, r.customer, (r.amount_cents / 100).toFixed(2), r.currency, r.status, r.due_date ?? ''].map((v) => esc(String(v))).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** Seeds two tenants with users, invoices, tickets, files and activity; returns what it made. */
export async function seedDatabase(db: Db): Promise<DemoSeed> {
  const created = nowIso();
  const hashes = await Promise.all(USERS.map((u) => hashSeedPassword(`${u.key}-demo-pass`)));

  const insertOrg = db.prepare('INSERT INTO orgs (slug, name, created_at) VALUES (?, ?, ?)');
  const insertUser = db.prepare(
    'INSERT INTO users (org_id, email, name, role, password_hash, email_verified, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)',
  );
  const insertInvoice = db.prepare(
    `INSERT INTO invoices (org_id, number, customer, customer_email, amount_cents, currency, status, due_date, notes, created_by, created_at)
     VALUES (?, ?, ?, ?, ?, 'USD', ?, ?, ?, ?, ?)`,
  );
  const insertTicket = db.prepare('INSERT INTO tickets (org_id, author_id, subject, status, priority, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  const insertMessage = db.prepare('INSERT INTO ticket_messages (ticket_id, author_id, body, created_at) VALUES (?, ?, ?, ?)');
  const insertFile = db.prepare(
    'INSERT INTO files (org_id, invoice_id, name, content_type, content, uploaded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertActivity = db.prepare('INSERT INTO activity (org_id, user_id, action, subject, at) VALUES (?, ?, ?, ?, ?)');

  const seed: DemoSeed = { orgs: {} as DemoSeed['orgs'], users: {} as DemoSeed['users'], invoices: [], tickets: [], files: [] };

  db.transaction(() => {
    for (const o of ORGS) {
      const id = Number(insertOrg.run(o.slug, o.name, created).lastInsertRowid);
      seed.orgs[o.slug] = { id, slug: o.slug, name: o.name };
    }
    USERS.forEach((u, i) => {
      const org = seed.orgs[u.org];
      const email = `${u.key}@${u.org}.test`;
      const id = Number(insertUser.run(org.id, email, u.name, u.role, hashes[i], created).lastInsertRowid);
      seed.users[u.key] = { id, email, password: `${u.key}-demo-pass`, name: u.name, role: u.role, org: u.org, orgId: org.id };
    });
    const day = 24 * 3600 * 1000;
    for (const o of ORGS) {
      const org = seed.orgs[o.slug];
      const author = o.slug === 'acme' ? seed.users.adam : seed.users.grace;
      CUSTOMERS[o.slug].forEach((c, i) => {
        const number = `${o.prefix}-2026-${String(i + 1).padStart(4, '0')}`;
        const due = new Date(Date.now() + (i + 1) * 14 * day).toISOString().slice(0, 10);
        const id = Number(
          insertInvoice.run(org.id, number, c.customer, c.email, c.cents, c.status, due, `Net 30. Contact ${c.email}.`, author.id, created).lastInsertRowid,
        );
        seed.invoices.push({ id, org: o.slug, orgId: org.id, number, customer: c.customer, amountCents: c.cents });
        insertActivity.run(org.id, author.id, 'invoice.created', number, new Date(Date.now() - i * day).toISOString());
      });
      const member = o.slug === 'acme' ? seed.users.alice : seed.users.bob;
      for (const t of TICKETS[o.slug]) {
        const id = Number(insertTicket.run(org.id, member.id, t.subject, t.status, t.priority, created).lastInsertRowid);
        t.messages.forEach((m, i) => insertMessage.run(id, i % 2 === 0 ? member.id : author.id, m, created));
        seed.tickets.push({ id, org: o.slug, orgId: org.id, subject: t.subject });
        insertActivity.run(org.id, member.id, 'ticket.opened', t.subject, created);
      }
      // One statement file per org, attached to its first invoice.
      const first = seed.invoices.find((inv) => inv.org === o.slug);
      if (first) {
        const name = `statement-${first.number}.txt`;
        const content = `${org.name} — statement\nInvoice ${first.number}\nCustomer: ${first.customer}\nAmount due: ${(first.amountCents / 100).toFixed(2)} USD\n`;
        const id = Number(insertFile.run(org.id, first.id, name, 'text/plain; charset=utf-8', Buffer.from(content), author.id, created).lastInsertRowid);
        seed.files.push({ id, org: o.slug, orgId: org.id, name, invoiceId: first.id });
      }
    }
  })();

  return seed;
}
