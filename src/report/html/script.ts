/**
 * The report's only script, inlined and static: it never contains report data (so nothing from a
 * hostile server can end up in script context) and it only enhances — without it every finding is
 * shown, the fix paths and evidence are readable, and blocker links still jump to their finding.
 */
export const REPORT_JS = `
(function () {
  'use strict';
  var SEV = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };
  var PROBLEMS = { fail: 1, warn: 1, error: 1 };
  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var $$ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };

  var filters = $('#filters');
  var tools = $('#finding-tools');
  var area = $('#filter-area');
  var severity = $('#filter-severity');
  var status = $('#filter-status');
  var count = $('#filter-count');
  var none = $('#no-match');
  var findings = $$('article.finding');
  var groups = $$('.area-group');

  function matches(el) {
    if (area.value && el.getAttribute('data-area') !== area.value) return false;
    if (severity.value && SEV[el.getAttribute('data-severity')] < SEV[severity.value]) return false;
    var s = el.getAttribute('data-status');
    if (status.value === 'problems') return !!PROBLEMS[s];
    if (status.value && s !== status.value) return false;
    return true;
  }

  function apply() {
    var shown = 0;
    findings.forEach(function (el) {
      var ok = matches(el);
      el.hidden = !ok;
      if (ok) shown += 1;
    });
    groups.forEach(function (g) {
      g.hidden = !$$('article.finding', g).some(function (el) { return !el.hidden; });
    });
    var filtered = area.value || severity.value || status.value;
    // Passes and skips are collapsed; a filter that matches some of them opens their list.
    $$('details.collapsed').forEach(function (d) {
      var any = $$('article.finding', d).some(function (el) { return !el.hidden; });
      d.hidden = !any;
      if (filtered && any && !d.open) { d.open = true; d.setAttribute('data-auto-open', ''); }
      if (!filtered && d.hasAttribute('data-auto-open')) { d.open = false; d.removeAttribute('data-auto-open'); }
    });
    count.textContent = filtered
      ? 'Showing ' + shown + ' of ' + findings.length + ' findings.'
      : 'Showing all ' + findings.length + ' findings.';
    none.hidden = shown !== 0;
  }

  if (filters && area && severity && status) {
    filters.hidden = false;
    [area, severity, status].forEach(function (sel) {
      sel.addEventListener('change', apply);
      sel.addEventListener('input', apply);
    });
    $('#filter-reset').addEventListener('click', function () {
      area.value = ''; severity.value = ''; status.value = '';
      apply();
      area.focus();
    });
    apply();
  }

  if (tools) {
    tools.hidden = false;
    $('#expand-all').addEventListener('click', function () {
      $$('article.finding:not([hidden]) details').forEach(function (d) { d.open = true; });
    });
    $('#collapse-all').addEventListener('click', function () {
      $$('article.finding details').forEach(function (d) { d.open = false; });
    });
  }

  // A link to a finding (from the blockers list) opens it, and clears filters that would hide it.
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target || !target.classList.contains('finding')) return;
    if (target.hidden && area) { area.value = ''; severity.value = ''; status.value = ''; apply(); }
    var d = $('details', target);
    if (d) d.open = true;
    var s = $('summary', target);
    if (s) s.focus();
  }
  window.addEventListener('hashchange', reveal);
  if (location.hash) reveal();

  $$('button.copy').forEach(function (btn) {
    btn.hidden = false;
    btn.addEventListener('click', function () {
      var src = document.getElementById(btn.getAttribute('data-copy'));
      if (!src) return;
      var text = src.textContent || '';
      var done = function () { btn.textContent = 'Copied'; setTimeout(function () { btn.textContent = 'Copy'; }, 1500); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { selectText(src); });
      } else selectText(src);
    });
  });
  function selectText(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  window.addEventListener('beforeprint', function () {
    $$('details').forEach(function (d) { d.open = true; });
  });
})();
`;
