/**
 * The dashboard's JavaScript, "built" at start the way a bundler's development build looks:
 * the modules concatenated in one IIFE, with a source map (`sourcesContent` included) next to it.
 *
 * The `bundle-secret` flaw is the classic one: a Stripe secret key pasted into the front-end
 * config "for now". Whatever a bundle contains is public — and the source map hands out the
 * original files too. The key is generated at every start from random bytes, so the repository
 * never holds anything that looks like a real key.
 */

export interface Bundle {
  js: string;
  map: string;
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A live-looking (but fake and random) Stripe secret key: `sk_live_` + 99 base62 characters. */
export function fakeLiveStripeKey(random: (n: number) => Buffer): string {
  const bytes = random(99);
  let s = '';
  for (const b of bytes) s += BASE62[b % 62];
  return ['sk', 'live', s].join('_');
}

function configSource(stripeKey: string | null): string {
  if (stripeKey === null) {
    return `// Front-end settings. Everything here ships to every browser: no secrets.
var PORTAL_CONFIG = {
  apiBase: '/api',
  currency: 'USD',
  paymentsPath: '/api/invoices',
};
`;
  }
  return `// Front-end settings. Everything here ships to every browser: no secrets.
var PORTAL_CONFIG = {
  apiBase: '/api',
  currency: 'USD',
  paymentsPath: '/api/invoices',
  // TODO(billing): move to the server before launch — quick fix for the "Pay now" demo.
  stripeSecretKey: '${stripeKey}',
};
`;
}

const API_SOURCE = `// Thin client for the portal API. Same-origin requests carry the session cookie;
// writes send the CSRF token the server put in the page.
function csrfToken() {
  var meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute('content') : '';
}

async function api(path, options) {
  options = options || {};
  var headers = { Accept: 'application/json', 'X-CSRF-Token': csrfToken() };
  if (options.body) headers['Content-Type'] = 'application/json';
  var res = await fetch(path, { method: options.method || 'GET', credentials: 'same-origin', headers: headers, body: options.body ? JSON.stringify(options.body) : undefined });
  if (res.status === 401 && location.pathname === '/dashboard') {
    location.href = '/login';
    throw new Error('signed out');
  }
  var data = res.status === 204 ? null : await res.json().catch(function () { return null; });
  if (!res.ok) throw new Error((data && data.message) || 'Request failed (' + res.status + ')');
  return data;
}

var Portal = {
  me: function () { return api('/api/me'); },
  invoices: function () { return api('/api/invoices'); },
  invoice: function (id) { return api('/api/invoices/' + id); },
  exportUrl: function (id) { return '/api/invoices/' + id + '/export'; },
  tickets: function () { return api('/api/tickets'); },
  ticketStats: function () { return api('/api/tickets/stats'); },
  activity: function () { return api('/api/reports/activity'); },
  files: function () { return api('/api/files'); },
  logout: function () { return api('/api/logout', { method: 'POST' }); },
};
`;

function paymentsSource(withSecret: boolean): string {
  return withSecret
    ? `// "Pay now": creates the payment straight from the browser with the secret key.
async function payInvoice(invoice) {
  var res = await fetch('https://api.stripe.com/v1/payment_intents', {
    method: 'POST',
    headers: { Authorization: 'Bearer ' + PORTAL_CONFIG.stripeSecretKey, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'amount=' + invoice.amount_cents + '&currency=' + PORTAL_CONFIG.currency.toLowerCase(),
  });
  return res.json();
}
`
    : `// "Pay now": the server creates the payment; the browser never sees a Stripe secret.
async function payInvoice(invoice) {
  return api(PORTAL_CONFIG.paymentsPath + '/' + invoice.id, { method: 'GET' });
}
`;
}

const DASHBOARD_SOURCE = `// Dashboard rendering. textContent only: server data is never parsed as HTML.
function cell(row, text) {
  var td = document.createElement('td');
  td.textContent = text;
  row.appendChild(td);
  return td;
}

function money(cents) {
  return (cents / 100).toLocaleString(undefined, { style: 'currency', currency: PORTAL_CONFIG.currency });
}

async function renderDashboard() {
  var body = document.querySelector('#invoices tbody');
  var list = await Portal.invoices();
  list.invoices.forEach(function (inv) {
    var tr = document.createElement('tr');
    cell(tr, inv.number);
    cell(tr, inv.customer);
    cell(tr, money(inv.amount_cents));
    cell(tr, inv.status);
    var link = document.createElement('a');
    link.href = Portal.exportUrl(inv.id);
    link.textContent = 'CSV';
    cell(tr, '').appendChild(link);
    if (inv.status === 'sent') {
      var pay = document.createElement('button');
      pay.textContent = 'Pay now';
      pay.addEventListener('click', function () { payInvoice(inv); });
      cell(tr, '').appendChild(pay);
    }
    body.appendChild(tr);
  });
  var stats = await Portal.ticketStats();
  document.getElementById('ticket-stats').textContent = stats.total + ' tickets, ' + (stats.by_status.open || 0) + ' open';
  var tickets = await Portal.tickets();
  tickets.tickets.forEach(function (t) {
    var li = document.createElement('li');
    li.textContent = '[' + t.priority + '] ' + t.subject + ' (' + t.status + ')';
    document.getElementById('tickets').appendChild(li);
  });
  var report = await Portal.activity();
  report.recent.forEach(function (a) {
    var li = document.createElement('li');
    li.textContent = a.at.slice(0, 16).replace('T', ' ') + ' ' + (a.actor || 'system') + ': ' + a.action + ' ' + a.subject;
    document.getElementById('activity').appendChild(li);
  });
  document.getElementById('logout').addEventListener('click', async function () {
    await Portal.logout();
    location.href = '/login';
  });
}

// Forms on the emailed-link pages post JSON to their data-api endpoint.
function wireForms() {
  document.querySelectorAll('form[data-api]').forEach(function (form) {
    form.addEventListener('submit', async function (event) {
      event.preventDefault();
      var notice = document.querySelector('.notice');
      try {
        var data = await api(form.getAttribute('data-api'), { method: 'POST', body: Object.fromEntries(new FormData(form)) });
        notice.textContent = (data && data.message) || 'Done. You can sign in now.';
      } catch (err) {
        notice.textContent = err.message;
      }
      notice.hidden = false;
    });
  });
}

document.addEventListener('DOMContentLoaded', function () {
  wireForms();
  if (document.getElementById('invoices')) renderDashboard().catch(function (err) { console.error(err); });
});
`;

const VLQ_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function vlq(value: number): string {
  let v = value < 0 ? (-value << 1) | 1 : value << 1;
  let out = '';
  do {
    let digit = v & 31;
    v >>>= 5;
    if (v > 0) digit |= 32;
    out += VLQ_CHARS[digit];
  } while (v > 0);
  return out;
}

/** Concatenates the modules and writes a line-accurate source map for them. */
export function buildBundle(stripeSecretKey: string | null): Bundle {
  const sources: [string, string][] = [
    ['src/config.js', configSource(stripeSecretKey)],
    ['src/api.js', API_SOURCE],
    ['src/payments.js', paymentsSource(stripeSecretKey !== null)],
    ['src/dashboard.js', DASHBOARD_SOURCE],
  ];
  const out: string[] = ['/*! Ledgerline portal dashboard (development build) */', '(function () {', "'use strict';"];
  const mappings: string[] = ['', '', ''];
  let prevSource = 0;
  let prevLine = 0;
  sources.forEach(([, text], sourceIndex) => {
    const lines = text.replace(/\n$/, '').split('\n');
    lines.forEach((line, lineIndex) => {
      out.push(line);
      // One segment per line: generated column 0 ↔ source column 0 of the same line.
      mappings.push(vlq(0) + vlq(sourceIndex - prevSource) + vlq(lineIndex - prevLine) + vlq(0));
      prevSource = sourceIndex;
      prevLine = lineIndex;
    });
  });
  out.push('})();');
  mappings.push('');
  const js = `${out.join('\n')}\n//# sourceMappingURL=app.js.map\n`;
  const map = JSON.stringify({
    version: 3,
    file: 'app.js',
    sourceRoot: '',
    sources: sources.map(([name]) => `webpack://ledgerline-portal/${name}`),
    sourcesContent: sources.map(([, text]) => text),
    names: [],
    mappings: mappings.join(';'),
  });
  return { js, map };
}
