import { esc } from '../../report/html/escape.js';
import { REPORT_CSS } from '../../report/html/styles.js';

/**
 * The page shell. No inline script or style anywhere (the CSP allows neither): one stylesheet at
 * /assets/dashboard.css — the HTML report's own stylesheet plus the dashboard's few additions — and
 * plain HTML forms, so every page works with JavaScript off.
 */

export const DASHBOARD_CSS = `${REPORT_CSS}
nav.toc form.inline { display: inline; margin: 0; }
nav.toc button.link { background: none; border: 0; padding: .2rem 0; font: inherit; font-size: .92rem; color: var(--accent); cursor: pointer; text-decoration: underline; }
nav.toc .who { color: var(--muted); font-size: .92rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .45rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
svg.trend { width: 100%; height: auto; max-width: 60rem; display: block; }
form.stack { display: grid; gap: .75rem; max-width: 26rem; }
form.stack label { font-weight: 600; display: block; margin-bottom: .2rem; }
form.stack input[type=password], form.stack input[type=text] { width: 100%; padding: .55rem .6rem; font: inherit; border: 1px solid #8a93a1; border-radius: 6px; }
form.row { display: flex; flex-wrap: wrap; gap: .75rem; align-items: end; }
form.row label { display: block; font-weight: 600; font-size: .9rem; }
form.row select { font: inherit; padding: .35rem; max-width: 22rem; }
button.primary { background: var(--accent); color: #ffffff; border: 0; border-radius: 6px; padding: .55rem 1.1rem; font: inherit; font-weight: 600; cursor: pointer; }
.alert { border-left: 4px solid var(--fail-bg); background: #fdecea; padding: .6rem .8rem; margin: .5rem 0 1rem; }
.note { border-left: 4px solid var(--accent); background: #eef3fb; padding: .6rem .8rem; margin: .5rem 0 1rem; }
.diff-new { border-left: 4px solid var(--fail-bg); padding-left: .6rem; }
.diff-fixed { border-left: 4px solid #1a5a2c; padding-left: .6rem; }
ul.plain { list-style: none; padding: 0; margin: 0; }
ul.plain > li { padding: .45rem 0; border-bottom: 1px solid var(--line); }
.kpis { display: flex; flex-wrap: wrap; gap: 1rem; list-style: none; padding: 0; margin: .5rem 0; }
.kpis li { background: var(--tint); border: 1px solid var(--line); border-radius: 8px; padding: .5rem .8rem; }
.kpis strong { display: block; font-size: 1.3rem; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--code-bg); padding: .6rem; border-radius: 6px; }
`;

export interface Chrome {
  /** The signed-in admin's CSRF token (for the logout form); absent on the login and setup pages. */
  csrfToken?: string;
  username?: string;
}

export function page(title: string, heading: string, body: string, chrome: Chrome = {}, subtitle?: string): string {
  const nav = chrome.csrfToken
    ? [
        '<nav class="toc" aria-label="Dashboard"><div class="wrap"><ul>',
        '<li><a href="/">Targets</a></li>',
        '<li><a href="/monitor">Monitor</a></li>',
        '<li><a href="/fleet">Fleet</a></li>',
        chrome.username ? `<li class="who">Signed in as ${esc(chrome.username)}</li>` : '',
        `<li><form class="inline" method="post" action="/logout"><input type="hidden" name="_csrf" value="${esc(chrome.csrfToken)}"><button class="link" type="submit">Log out</button></form></li>`,
        '</ul></div></nav>',
      ].join('')
    : '';
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="same-origin">',
    `<title>${esc(title)} — launchready</title>`,
    '<link rel="stylesheet" href="/assets/dashboard.css">',
    '</head>',
    '<body>',
    '<a class="skip" href="#main">Skip to content</a>',
    '<header class="top"><div class="wrap">',
    '<p class="brand">launchready dashboard</p>',
    `<h1>${esc(heading)}</h1>`,
    subtitle ? `<p class="meta">${esc(subtitle)}</p>` : '',
    '</div></header>',
    nav,
    `<main id="main" tabindex="-1"><div class="wrap">${body}</div></main>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export function card(id: string, heading: string, body: string): string {
  return `<section class="card" id="${esc(id)}" aria-labelledby="${esc(id)}-h"><h2 id="${esc(id)}-h">${esc(heading)}</h2>${body}</section>`;
}
