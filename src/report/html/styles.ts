/**
 * The report's only stylesheet, inlined (no fonts, no images by URL: the file works offline and as an
 * email attachment). Colours are chosen for ≥ 4.5:1 text contrast; status is never shown by colour alone.
 */
export const REPORT_CSS = `
:root {
  --ink: #1b1f24; --muted: #4d5562; --line: #d5dae1; --paper: #ffffff; --tint: #f4f6f9;
  --accent: #1d4fa0; --focus: #1a56db;
  --fail-bg: #b3261e; --fail-ink: #ffffff;
  --crit-bg: #7f1d1d; --crit-ink: #ffffff;
  --warn-bg: #fdf0d5; --warn-ink: #6d4200;
  --pass-bg: #e2f3e7; --pass-ink: #1a5a2c;
  --skip-bg: #eceff3; --skip-ink: #434a57;
  --err-bg: #efe5fa; --err-ink: #55278c;
  --low-bg: #e6edf9; --low-ink: #1d4690;
  --code-bg: #f6f8fa;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--tint); color: var(--ink);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
}
a { color: var(--accent); }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; border-radius: 2px; }
.skip { position: absolute; left: -9999px; top: 0; background: var(--paper); padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; top: .5rem; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.wrap { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
header.top { background: #13233f; color: #ffffff; padding: 1.25rem 0 1rem; }
header.top .brand { margin: 0; font-size: .85rem; letter-spacing: .08em; text-transform: uppercase; color: #c9d6ee; }
header.top h1 { margin: .15rem 0 .35rem; font-size: 1.6rem; line-height: 1.25; overflow-wrap: anywhere; }
header.top .meta { margin: 0; color: #dbe4f3; font-size: .9rem; }
nav.toc { background: var(--paper); border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 5; }
nav.toc ul { list-style: none; margin: 0; padding: .4rem 0; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
nav.toc a { display: inline-block; padding: .2rem 0; font-size: .92rem; text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
main { padding: 1.25rem 0 2rem; }
section.card, article.finding, .area-group { scroll-margin-top: 3.5rem; }
section.card { background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.25rem 1.25rem; margin: 0 0 1.25rem; }
section.card > h2 { margin: 0 0 .75rem; font-size: 1.3rem; }
h3 { font-size: 1.1rem; margin: 1.25rem 0 .5rem; }
h4 { font-size: .95rem; margin: 1rem 0 .35rem; }
p { margin: .4rem 0; }
.muted { color: var(--muted); }

.verdict { display: grid; grid-template-columns: auto 1fr; gap: 1rem 1.5rem; align-items: center; }
.verdict-badge { border-radius: 10px; padding: .9rem 1.25rem; text-align: center; min-width: 11rem; }
.verdict-badge .word { display: block; font-size: 1.6rem; font-weight: 700; line-height: 1.2; }
.verdict-badge .score { display: block; font-size: 1rem; margin-top: .25rem; }
.v-not-ready { background: var(--fail-bg); color: var(--fail-ink); }
.v-incomplete { background: #7a4a00; color: #ffffff; }
.v-ready { background: #1a5a2c; color: #ffffff; }
.verdict-text p:first-child { font-size: 1.1rem; font-weight: 600; margin-top: 0; }
.tally { display: flex; flex-wrap: wrap; gap: .4rem; list-style: none; margin: .5rem 0 0; padding: 0; }
.incomplete { margin-top: 1rem; border-left: 4px solid #7a4a00; background: var(--warn-bg); color: var(--warn-ink); padding: .5rem .9rem; border-radius: 4px; }
.incomplete ul { margin: .25rem 0; padding-left: 1.2rem; }

.badge { display: inline-block; font-size: .78rem; font-weight: 700; line-height: 1.2; padding: .2rem .5rem; border-radius: 999px; letter-spacing: .02em; white-space: nowrap; vertical-align: .1em; }
.s-fail, .sev-high, .m-leak { background: var(--fail-bg); color: var(--fail-ink); }
.sev-critical { background: var(--crit-bg); color: var(--crit-ink); }
.s-warn, .sev-medium { background: var(--warn-bg); color: var(--warn-ink); }
.s-pass, .m-ok { background: var(--pass-bg); color: var(--pass-ink); }
.s-skip, .sev-info, .m-not-tested { background: var(--skip-bg); color: var(--skip-ink); }
.s-error, .m-error { background: var(--err-bg); color: var(--err-ink); }
.sev-low { background: var(--low-bg); color: var(--low-ink); }
.area-tag { font-size: .8rem; color: var(--muted); }

ol.blockers { margin: 0; padding-left: 1.6rem; }
ol.blockers li { margin: 0 0 .9rem; padding-left: .25rem; }
ol.blockers .title { font-weight: 600; }
ol.blockers .where { font-size: .88rem; color: var(--muted); overflow-wrap: anywhere; margin: .15rem 0; }
ol.blockers .fix { margin: .2rem 0 0; }

.table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; font-size: .93rem; }
caption { text-align: left; padding: .5rem .75rem; color: var(--muted); font-size: .88rem; caption-side: top; }
th, td { text-align: left; padding: .45rem .75rem; border-top: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--tint); border-top: 0; font-size: .85rem; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.zero { color: var(--muted); }
td.path { overflow-wrap: anywhere; min-width: 10rem; }

.filters { display: flex; flex-wrap: wrap; gap: .75rem 1rem; align-items: end; padding: .75rem; background: var(--tint); border: 1px solid var(--line); border-radius: 8px; margin-bottom: .5rem; }
.filters[hidden] { display: none; }
.filters label { display: block; font-size: .85rem; font-weight: 600; margin-bottom: .15rem; }
.filters select, .filters button, .tools button, .copy {
  font: inherit; font-size: .92rem; color: var(--ink); background: var(--paper); border: 1px solid #8a94a3; border-radius: 6px; padding: .35rem .6rem; min-height: 2.25rem;
}
.filters button, .tools button, .copy { cursor: pointer; }
.filters button:hover, .tools button:hover, .copy:hover { background: var(--tint); }
.filter-count { margin: .25rem 0 .5rem; color: var(--muted); font-size: .9rem; }
.tools { display: flex; gap: .5rem; flex-wrap: wrap; margin: 0 0 .5rem; }
.tools[hidden] { display: none; }
.no-match { padding: 1rem; text-align: center; color: var(--muted); border: 1px dashed var(--line); border-radius: 8px; }

.area-group[hidden], article.finding[hidden] { display: none; }
.area-group > h3 { display: flex; gap: .5rem; align-items: baseline; border-bottom: 1px solid var(--line); padding-bottom: .3rem; }
article.finding { border: 1px solid var(--line); border-left: 5px solid var(--skip-ink); border-radius: 8px; margin: .5rem 0; background: var(--paper); }
article.finding[data-status="fail"] { border-left-color: var(--fail-bg); }
article.finding[data-status="warn"] { border-left-color: #b8860b; }
article.finding[data-status="pass"] { border-left-color: #2e7d46; }
article.finding[data-status="error"] { border-left-color: #7c4dbe; }
article.finding summary { cursor: pointer; padding: .6rem .8rem; list-style-position: outside; display: block; }
article.finding summary::-webkit-details-marker { display: none; }
article.finding summary::before { content: "\\25B8"; display: inline-block; width: 1.1rem; color: var(--muted); }
article.finding details[open] > summary::before { content: "\\25BE"; }
article.finding summary .title { font-weight: 600; }
article.finding summary .where { display: block; font-size: .86rem; color: var(--muted); overflow-wrap: anywhere; padding-left: 1.1rem; }
article.finding .badges { display: inline-flex; gap: .3rem; margin-right: .4rem; }
.finding-body { padding: 0 1rem 1rem 1.9rem; border-top: 1px solid var(--line); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .75rem 0 0; font-size: .9rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.reason { background: var(--skip-bg); color: var(--skip-ink); padding: .5rem .75rem; border-radius: 6px; }
.fix-box { background: var(--pass-bg); color: var(--pass-ink); padding: .5rem .75rem; border-radius: 6px; }
.fix-box strong { color: var(--pass-ink); }
.evidence-pair { display: grid; grid-template-columns: 1fr 1fr; gap: .75rem; }
.evidence-pair > div, .reproduce { min-width: 0; }
.evidence-label { font-size: .82rem; font-weight: 700; color: var(--muted); margin: .5rem 0 .2rem; text-transform: uppercase; letter-spacing: .04em; }
pre { margin: 0; background: var(--code-bg); border: 1px solid var(--line); border-radius: 6px; padding: .6rem .75rem; font: .84rem/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 24rem; overflow: auto; }
code { font: .88em ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; background: var(--code-bg); padding: .05rem .3rem; border-radius: 4px; overflow-wrap: anywhere; }
pre code { background: none; padding: 0; font-size: inherit; }
.reproduce-head { display: flex; justify-content: space-between; align-items: end; gap: .5rem; }
.copy { font-size: .8rem; min-height: 1.9rem; padding: .15rem .5rem; }
.copy[hidden] { display: none; }
ul.refs { margin: .2rem 0; padding-left: 1.2rem; font-size: .9rem; overflow-wrap: anywhere; }

.latency-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1rem; }
figure.latency { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: .75rem; }
figure.latency figcaption { font-weight: 600; margin-bottom: .4rem; overflow-wrap: anywhere; }
figure.latency svg { display: block; width: 100%; height: auto; }
.pct { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; padding: 0; margin: .5rem 0 0; font-size: .88rem; font-variant-numeric: tabular-nums; }
.pct strong { font-weight: 700; }

footer.bottom { color: var(--muted); font-size: .88rem; padding: 1rem 0 2rem; }

@media (max-width: 44rem) {
  body { font-size: 15px; }
  header.top h1 { font-size: 1.3rem; }
  .verdict { grid-template-columns: 1fr; }
  .verdict-badge { min-width: 0; }
  .evidence-pair { grid-template-columns: 1fr; }
  .finding-body { padding-left: 1rem; }
  section.card { padding: .85rem .85rem 1rem; border-radius: 8px; }
  nav.toc { position: static; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: .3rem; }
}
.fits { color: #1a5a2c; }
.overrun { color: #b3261e; }
tr.leak td { background: #fdecea; }
details.places { margin: 0.25rem 0; }
details.places summary, details.more-blockers > summary, details.collapsed > summary { cursor: pointer; color: #1d4fa0; }
details.places ul { margin: 0.25rem 0 0.25rem 1.25rem; padding: 0; }
details.collapsed { margin-top: 1rem; }
details.collapsed > summary { font-weight: 600; padding: 0.5rem 0; }
.fix code, .fix-box code, .incomplete code { background: #eef1f5; padding: 0 0.2em; border-radius: 3px; }
@media print {
  nav.toc, .filters, .tools, .copy, .skip { display: none !important; }
  body { background: #ffffff; }
  section.card { border: 0; padding: 0; }
  pre { max-height: none; }
}
`;
