/**
 * The HTML report's one inline script: copy buttons for CIDs and the trace waterfall. It reads the page's
 * data from `<script type="application/json" id="report-data">` (a data block, never executed:
 * https://html.spec.whatwg.org/multipage/scripting.html#data-block) and builds every element with
 * `textContent`, never `innerHTML`, so text from the store stays text. The page is complete without it:
 * the buttons it needs start `hidden` and it reveals them.
 *
 * Copying uses the Clipboard API (https://w3c.github.io/clipboard-apis/#dom-clipboard-writetext) and,
 * where that is missing or refused, selects the CID's text so the user can copy it by hand.
 */
import { createHash } from 'node:crypto';

export const REPORT_SCRIPT = `(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var status = document.getElementById('copy-status');

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function ms(v) {
    if (v < 1) return v.toFixed(2) + ' ms';
    if (v < 10000) return v.toFixed(v < 100 ? 1 : 0) + ' ms';
    return (v / 1000).toFixed(1) + ' s';
  }
  function selectText(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copied(button, message) {
    button.classList.add('copied');
    button.textContent = 'Copied';
    status.textContent = message;
    window.setTimeout(function () {
      button.classList.remove('copied');
      button.textContent = 'Copy';
    }, 1500);
  }
  function fallback(button) {
    var code = button.parentNode.querySelector('code');
    selectText(code);
    var ok = false;
    try {
      ok = document.execCommand('copy');
    } catch (e) {
      ok = false;
    }
    if (ok) copied(button, 'Copied ' + button.getAttribute('data-copy'));
    else status.textContent = 'Selected ' + button.getAttribute('data-copy') + ': press Ctrl+C (or Cmd+C) to copy it.';
  }
  function copy(button) {
    var text = button.getAttribute('data-copy');
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(
        function () {
          copied(button, 'Copied ' + text);
        },
        function () {
          fallback(button);
        }
      );
    } else fallback(button);
  }
  function copyButton(label, cid) {
    var wrap = el('span', 'cid');
    var code = el('code', null, cid);
    code.title = cid;
    var button = el('button', 'copy', 'Copy');
    button.type = 'button';
    button.setAttribute('data-copy', cid);
    button.setAttribute('aria-label', 'Copy ' + label + ' ' + cid);
    wrap.appendChild(code);
    wrap.appendChild(button);
    return wrap;
  }

  document.addEventListener('click', function (event) {
    var target = event.target;
    var button = target && target.closest ? target.closest('button[data-copy]') : null;
    if (button) copy(button);
    var show = target && target.closest ? target.closest('button[data-trace]') : null;
    if (show) {
      picker.value = show.getAttribute('data-trace');
      draw();
      document.getElementById('waterfall').scrollIntoView();
      picker.focus();
    }
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-needs-script]'), function (node) {
    node.hidden = false;
  });

  var picker = document.getElementById('trace-picker');
  var list = document.getElementById('waterfall-spans');
  var summary = document.getElementById('waterfall-summary');
  var traces = {};
  data.traces.forEach(function (t) {
    traces[t.trace_id] = t;
  });

  /** The spans in tree order (children under their parent, by start), with their depth. */
  function ordered(trace) {
    var byId = {};
    var children = {};
    trace.spans.forEach(function (s) {
      byId[s.span_id] = s;
    });
    var roots = [];
    trace.spans.forEach(function (s) {
      if (s.parent_span_id && byId[s.parent_span_id]) (children[s.parent_span_id] = children[s.parent_span_id] || []).push(s);
      else roots.push(s);
    });
    var out = [];
    function walk(s, depth) {
      out.push({ span: s, depth: depth });
      (children[s.span_id] || []).forEach(function (c) {
        walk(c, depth + 1);
      });
    }
    roots.forEach(function (r) {
      walk(r, 0);
    });
    return out;
  }

  function detail(s, id) {
    var box = el('div', 'wf-detail');
    box.id = id;
    box.hidden = true;
    var dl = el('dl');
    function row(term, value) {
      if (value === null || value === undefined) return;
      dl.appendChild(el('dt', null, term));
      var dd = el('dd');
      if (typeof value === 'string' || typeof value === 'number') dd.textContent = String(value);
      else dd.appendChild(value);
      dl.appendChild(dd);
    }
    row('kind', s.kind);
    row('starts at', '+' + ms(s.start_ms));
    row('duration', ms(s.duration_ms));
    row('status', s.error ? 'error' : 'ok');
    row('operation', s.operation);
    row('model', s.model);
    row('tool', s.tool);
    row('route', s.route);
    row('record', copyButton('record CID', s.record_cid));
    if (s.input_cid) row('input', copyButton('input CID', s.input_cid));
    if (s.output_cid) row('output', copyButton('output CID', s.output_cid));
    box.appendChild(dl);
    return box;
  }

  function draw() {
    var trace = traces[picker.value];
    list.textContent = '';
    if (!trace) return;
    var total = trace.duration_ms > 0 ? trace.duration_ms : 1;
    ordered(trace).forEach(function (entry, i) {
      var s = entry.span;
      var item = el('li', 'wf-' + s.category + (s.error ? ' wf-error' : ''));
      item.setAttribute('data-span-id', s.span_id);
      var row = el('div', 'wf-row');
      var name = el('button', 'wf-name');
      name.type = 'button';
      name.style.paddingLeft = entry.depth * 1.1 + 'rem';
      name.appendChild(document.createTextNode(s.name));
      var tag = s.category === 'genai' ? s.model || s.operation : s.category === 'tool' ? 'tool' : s.category === 'route' ? 'route ' + s.route : null;
      if (tag && s.name.indexOf(tag) < 0) name.appendChild(el('span', 'badge', tag));
      var detailId = 'wf-detail-' + i;
      name.setAttribute('aria-expanded', 'false');
      name.setAttribute('aria-controls', detailId);
      var track = el('div', 'wf-track');
      var bar = el('div', 'wf-bar');
      bar.style.left = (s.start_ms / total) * 100 + '%';
      bar.style.width = Math.max((s.duration_ms / total) * 100, 0.25) + '%';
      bar.title = s.name + ': ' + ms(s.duration_ms) + ' at +' + ms(s.start_ms);
      track.appendChild(bar);
      row.appendChild(name);
      row.appendChild(track);
      row.appendChild(el('span', 'wf-dur', ms(s.duration_ms)));
      item.appendChild(row);
      var box = detail(s, detailId);
      item.appendChild(box);
      name.addEventListener('click', function () {
        box.hidden = !box.hidden;
        name.setAttribute('aria-expanded', String(!box.hidden));
      });
      list.appendChild(item);
    });
    summary.textContent =
      trace.spans.length + ' spans, ' + trace.genai_calls + ' GenAI calls, ' + ms(trace.duration_ms) + ', from ' + trace.start.replace('T', ' ').slice(0, 19) + ' UTC' +
      (trace.omitted_spans ? ' (' + trace.omitted_spans + ' more spans not shown)' : '');
  }
  if (picker) {
    picker.addEventListener('change', draw);
    draw();
  }
})();
`;

/** The CSP source that allows exactly this script (https://w3c.github.io/webappsec-csp/#grammardef-hash-source). */
export const REPORT_SCRIPT_HASH = `'sha256-${createHash('sha256').update(REPORT_SCRIPT).digest('base64')}'`;
