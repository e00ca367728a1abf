/**
 * Server-rendered HTML for the web UI. No inline scripts or styles: the Content-Security-Policy
 * allows only same-origin files, so the pages work unchanged with the policy on.
 */

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function layout(title: string, main: string, opts: { scripts?: boolean; meta?: string } = {}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Ledgerline</title>
${opts.meta ?? ''}<link rel="stylesheet" href="/static/app.css">
${opts.scripts ? '<script src="/static/app.js" defer></script>\n' : ''}</head>
<body>
<header class="top"><a class="brand" href="/">Ledgerline</a><nav><a href="/dashboard">Dashboard</a> <a href="/login">Sign in</a></nav></header>
<main>
${main}
</main>
<footer>Ledgerline client portal · <a href="/openapi.json">API</a></footer>
</body>
</html>
`;
}

export function landingPage(opts: { blockingScript?: string } = {}): string {
  return layout(
    'Invoices and support for your clients',
    `<section class="hero">
<h1>Your clients' invoices, documents and support — in one portal.</h1>
<p>Ledgerline gives every client organisation a private space to see invoices, download statements and talk to your team.</p>
<p><a class="button" href="/login">Sign in</a></p>
</section>
<section class="features">
<div><h2>Invoices</h2><p>Every invoice with its status, due date and a CSV export for the finance team.</p></div>
<div><h2>Support</h2><p>Tickets with threaded replies, priorities and a live status widget.</p></div>
<div><h2>Documents</h2><p>Statements and receipts attached to each invoice, ready to download.</p></div>
</section>`,
    opts.blockingScript ? { meta: `<script src="${opts.blockingScript}"></script>\n` } : {},
  );
}

export function loginPage(error?: string): string {
  return layout(
    'Sign in',
    `<h1>Sign in</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>\n` : ''}<form method="post" action="/login" class="card">
<label>Email <input type="email" name="email" autocomplete="username" required></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>
<p><a href="/forgot-password">Forgot your password?</a></p>`,
  );
}

export function dashboardPage(csrfToken: string, userName: string): string {
  return layout(
    'Dashboard',
    `<h1>Welcome back, ${escapeHtml(userName)}</h1>
<div class="grid">
<section><h2>Invoices</h2><table id="invoices"><thead><tr><th>Number</th><th>Customer</th><th>Amount</th><th>Status</th><th></th></tr></thead><tbody></tbody></table>
<p><a id="export-all" href="/api/exports/invoices.csv">Export all as CSV</a></p></section>
<section><h2>Support</h2><p id="ticket-stats"></p><ul id="tickets"></ul></section>
<section><h2>Activity</h2><ol id="activity"></ol></section>
</div>
<p><button id="logout" type="button">Sign out</button></p>`,
    { scripts: true, meta: `<meta name="csrf-token" content="${escapeHtml(csrfToken)}">\n` },
  );
}

/** The pages the emailed links open; app.js posts the form as JSON to data-api. */
export function tokenFormPage(kind: 'reset' | 'invite' | 'forgot', token: string): string {
  const forms = {
    forgot: ['Reset your password', '/api/password-reset', '<label>Email <input type="email" name="email" required></label>'],
    reset: ['Choose a new password', '/api/password-reset/confirm', '<label>New password <input type="password" name="password" minlength="8" required></label>'],
    invite: ['Join your team', '/api/invites/accept', '<label>Your name <input name="name" required></label><label>Password <input type="password" name="password" minlength="8" required></label>'],
  } as const;
  const [title, api, fields] = forms[kind];
  const hidden = kind === 'forgot' ? '' : `<input type="hidden" name="token" value="${escapeHtml(token)}">`;
  return layout(title, `<h1>${title}</h1>\n<form class="card" data-api="${api}">${hidden}${fields}<button type="submit">Continue</button></form>\n<p class="notice" hidden></p>`, { scripts: true });
}

export const APP_CSS = `body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7fb}
.top{display:flex;justify-content:space-between;padding:1rem 2rem;background:#1d2330}.top a{color:#fff;margin-left:1rem;text-decoration:none}
.brand{font-weight:700}main{max-width:60rem;margin:2rem auto;padding:0 1rem}footer{text-align:center;color:#667;padding:2rem}
.card{display:grid;gap:.75rem;max-width:22rem;background:#fff;padding:1.5rem;border-radius:8px}.error{color:#b00020}
.button,button{background:#3046c5;color:#fff;border:0;border-radius:6px;padding:.6rem 1.2rem;text-decoration:none;cursor:pointer}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:1.5rem}table{width:100%;border-collapse:collapse}
td,th{padding:.3rem;border-bottom:1px solid #dde}.features{display:grid;grid-template-columns:repeat(3,1fr);gap:1rem}
`;
