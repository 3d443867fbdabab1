/* The james-dmarc dashboard: reads the JSON API of the server it came from and shows one domain over
   one period. Plain JavaScript, no framework, nothing loaded from elsewhere. */
(function () {
  'use strict';

  const API = '/api/exchange/dmarc-reports';
  const TOKEN_KEY = 'james-dmarc-token';
  const PERIODS = [7, 30, 90, 365];
  const TOP_SOURCES = 12;
  const RECENT_FAILURES = 12;

  const state = { domain: null, days: 30, sort: 'messages', failureKind: 'records', config: null, summary: null };
  const numberFormat = new Intl.NumberFormat('en-US');
  const format = {
    number: n => numberFormat.format(n),
    percent: p => (p >= 99.95 || p === 0 ? p.toFixed(0) : p.toFixed(1)) + '%'
  };
  const $ = selector => document.querySelector(selector);

  // ------------------------------------------------------------------ talking to the API

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function api(path, parameters) {
    const query = new URLSearchParams(parameters || {}).toString();
    const headers = { Accept: 'application/json' };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) {
      headers.Authorization = 'Bearer ' + token;
    }
    const response = await fetch(path + (query ? '?' + query : ''), { headers: headers });
    const body = await response.json().catch(() => ({ message: response.statusText }));
    if (!response.ok) {
      throw new ApiError(response.status, body.message || response.statusText);
    }
    return body;
  }

  function askForToken(rejected) {
    return new Promise(resolve => {
      const dialog = $('#token-dialog');
      $('#token-error').hidden = !rejected;
      $('#token-form').onsubmit = event => {
        event.preventDefault();
        sessionStorage.setItem(TOKEN_KEY, $('#token-input').value.trim());
        dialog.close();
        resolve();
      };
      dialog.showModal();
    });
  }

  /** Calls fn, asking for the token as long as the server says 401. */
  async function withToken(fn) {
    for (;;) {
      try {
        return await fn();
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 401) {
          throw error;
        }
        const hadOne = sessionStorage.getItem(TOKEN_KEY) !== null;
        sessionStorage.removeItem(TOKEN_KEY);
        await askForToken(hadOne);
      }
    }
  }

  // ------------------------------------------------------------------ helpers for the page

  function text(selector, value) {
    document.querySelectorAll(selector).forEach(node => { node.textContent = value; });
  }

  function node(tag, className, content) {
    const element = document.createElement(tag);
    if (className) {
      element.className = className;
    }
    if (content !== undefined && content !== null) {
      element.textContent = content;
    }
    return element;
  }

  function cell(row, content, className) {
    const td = node('td', className);
    if (content instanceof Node) {
      td.appendChild(content);
    } else if (content !== undefined && content !== null) {
      td.textContent = content;
    }
    row.appendChild(td);
    return td;
  }

  function emptyRow(tbody, columns, message) {
    const row = node('tr', 'empty-row');
    const td = cell(row, message);
    td.colSpan = columns;
    tbody.appendChild(row);
  }

  function showMessage(message, kind) {
    const box = $('#message');
    box.textContent = message;
    box.className = 'message' + (kind ? ' ' + kind : '');
    box.hidden = !message;
  }

  function rateBar(rate) {
    const wrap = node('div', 'rate');
    const bar = node('div', 'rate-bar');
    const fill = node('span');
    fill.style.width = Math.max(0, Math.min(100, rate)) + '%';
    bar.appendChild(fill);
    wrap.appendChild(bar);
    wrap.appendChild(node('span', 'rate-text', format.percent(rate)));
    return wrap;
  }

  function dispositionPill(disposition) {
    const kind = disposition === 'reject' ? 'fail' : disposition === 'quarantine' ? 'quarantine' : 'none';
    return node('span', 'pill pill-' + kind, disposition);
  }

  function selectButtons(container, attribute, value) {
    container.querySelectorAll('button').forEach(button => {
      button.setAttribute('aria-checked', String(button.dataset[attribute] === String(value)));
    });
  }

  function periodParameters() {
    return { days: String(state.days) };
  }

  // ------------------------------------------------------------------ the parts of the page

  function renderSummary(summary) {
    state.summary = summary;
    text('[data-metric="reports"]', format.number(summary.reports));
    text('[data-metric="sources"]', format.number(summary.sources));
    text('[data-metric="messages"]', format.number(summary.messages));
    text('[data-metric="pass-rate"]', summary.messages ? format.percent(summary.pass_rate) : '–');
    text('[data-metric="fail-rate"]', summary.messages ? format.percent(summary.fail_rate) : '–');
    text('[data-metric="pass-messages"]', format.number(summary.pass_messages));
    text('[data-metric="fail-messages"]', format.number(summary.fail_messages));
    text('[data-metric="none"]', format.number(summary.policy_applied.none));
    text('[data-metric="quarantine"]', format.number(summary.policy_applied.quarantine));
    text('[data-metric="reject"]', format.number(summary.policy_applied.reject));
    text('[data-metric="failure-reports-hint"]', 'aggregate reports, and ' + format.number(summary.failure_reports)
      + ' failure report' + (summary.failure_reports === 1 ? '' : 's'));
    const bar = $('#policy-bar');
    bar.textContent = '';
    const applied = summary.policy_applied;
    const all = applied.none + applied.quarantine + applied.reject;
    for (const [kind, value] of [['none', applied.none], ['quarantine', applied.quarantine], ['reject', applied.reject]]) {
      if (all > 0 && value > 0) {
        const part = node('span', 'dot-' + kind);
        part.style.width = (100 * value / all) + '%';
        part.title = kind + ': ' + format.number(value);
        bar.appendChild(part);
      }
    }
    drawChart();
  }

  function drawChart() {
    if (state.summary) {
      window.DmarcChart.render($('#chart'), state.summary.series, state.summary.series_granularity, format);
    }
  }

  function renderSources(answer) {
    const tbody = $('#sources tbody');
    tbody.textContent = '';
    if (answer.sources.length === 0) {
      emptyRow(tbody, 5, 'No sources reported in this period.');
    }
    for (const source of answer.sources) {
      const row = node('tr');
      row.dataset.ip = source.ip;
      const who = node('div');
      who.appendChild(node('span', 'ip', source.ip));
      if (source.ptr) {
        who.appendChild(node('span', 'ptr', source.ptr));
      } else if (source.ptr_status === 'pending') {
        who.appendChild(node('span', 'ptr pending', 'looking up name…'));
      } else if (source.ptr_status === 'none') {
        who.appendChild(node('span', 'ptr pending', 'no reverse name'));
      }
      const reporters = source.reporters.map(r => (r.name || '(unnamed)') + ': ' + format.number(r.messages) + ' messages in '
        + r.reports + ' report' + (r.reports === 1 ? '' : 's'));
      const by = node('span', 'sub', source.reporters.length === 1 ? 'reported by ' + (source.reporters[0].name || '(unnamed)')
        : 'reported by ' + source.reporters.length + ' reporters');
      by.title = reporters.join('\n');
      who.appendChild(by);
      cell(row, who);
      cell(row, format.number(source.messages), 'num');
      cell(row, rateBar(source.pass_rate));
      const dkim = cell(row, format.percent(source.dkim.aligned_rate), 'num');
      dkim.title = 'DKIM: ' + format.number(source.dkim.aligned_pass) + ' messages passed aligned with the domain, '
        + format.number(source.dkim.pass) + ' with any signature passing';
      const spf = cell(row, format.percent(source.spf.aligned_rate), 'num');
      spf.title = 'SPF: ' + format.number(source.spf.aligned_pass) + ' messages passed aligned with the domain, '
        + format.number(source.spf.pass) + ' passed for any domain';
      tbody.appendChild(row);
    }
    text('#sources-foot', answer.total > answer.sources.length
      ? 'The ' + answer.sources.length + ' of ' + format.number(answer.total) + ' sources with the most '
        + (state.sort === 'failures' ? 'failing messages' : 'messages') + '. DKIM and SPF: share of messages passing aligned.'
      : format.number(answer.total) + ' source' + (answer.total === 1 ? '' : 's')
        + '. DKIM and SPF: share of messages passing aligned with the domain.');
    return answer.sources.some(source => source.ptr_status === 'pending');
  }

  /** A mechanism's outcome in a few words: aligned pass, pass for another domain, or the worst result. */
  function mechanism(name, aligned, results) {
    const outcomes = results.map(r => r.slice(r.lastIndexOf(': ') + 2));
    let word;
    let kind;
    if (aligned === 'pass') {
      word = 'pass';
      kind = 'pass';
    } else if (outcomes.includes('pass')) {
      word = 'unaligned';
      kind = 'quarantine';
    } else if (outcomes.length === 0) {
      word = 'none';
      kind = 'fail';
    } else {
      word = outcomes[0];
      kind = 'fail';
    }
    const pill = node('span', 'pill pill-' + kind, name + ' ' + word);
    pill.title = name + (results.length ? ': ' + results.join('; ') : ': no result');
    return pill;
  }

  function shortDay(iso) {
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    return Number(iso.slice(8, 10)) + ' ' + months[Number(iso.slice(5, 7)) - 1];
  }

  function renderFailures(answer) {
    const records = $('#failed-records tbody');
    records.textContent = '';
    if (answer.failed_records.items.length === 0) {
      emptyRow(records, 4, 'No failing aggregate rows in this period.');
    }
    for (const record of answer.failed_records.items) {
      const row = node('tr');
      const when = node('div', 'nowrap');
      when.appendChild(node('span', null, shortDay(record.begin)));
      when.appendChild(node('span', 'sub', record.reporter || '(unnamed)'));
      cell(row, when);
      const source = node('div');
      source.appendChild(node('span', 'ip', record.source_ip));
      if (record.envelope_from) {
        source.appendChild(node('span', 'sub', 'MAIL FROM ' + record.envelope_from));
      }
      cell(row, source);
      const count = node('div');
      count.appendChild(node('span', null, format.number(record.messages)));
      const applied = node('span', 'sub');
      applied.appendChild(dispositionPill(record.disposition));
      count.appendChild(applied);
      cell(row, count, 'num');
      const auth = node('div', 'pills');
      auth.appendChild(mechanism('DKIM', record.policy_dkim, record.dkim));
      auth.appendChild(mechanism('SPF', record.policy_spf, record.spf));
      cell(row, auth);
      records.appendChild(row);
    }
    const reports = $('#failure-reports tbody');
    reports.textContent = '';
    if (answer.failure_reports.items.length === 0) {
      emptyRow(reports, 5, 'No failure reports in this period.');
    }
    for (const report of answer.failure_reports.items) {
      const row = node('tr');
      cell(row, shortDay(report.time) + ' ' + report.time.slice(11, 16), 'nowrap');
      cell(row, node('span', 'ip', report.source_ip || '–'));
      const subject = node('div');
      subject.appendChild(node('span', null, report.subject || '(no subject)'));
      if (report.from) {
        subject.appendChild(node('span', 'sub', report.from));
      }
      cell(row, subject);
      cell(row, report.identity_alignment === 'none' ? 'no aligned identity' : (report.identity_alignment || report.auth_failure || '–'));
      cell(row, report.delivery_result ? dispositionPill(report.delivery_result === 'spam' ? 'quarantine' : report.delivery_result) : '–');
      reports.appendChild(row);
    }
    $('#failed-records').hidden = state.failureKind !== 'records';
    $('#failure-reports').hidden = state.failureKind !== 'reports';
    text('#failures-foot', format.number(answer.failed_records.total) + ' failing aggregate row'
      + (answer.failed_records.total === 1 ? '' : 's') + ' and ' + format.number(answer.failure_reports.total)
      + ' failure report' + (answer.failure_reports.total === 1 ? '' : 's') + ' in this period; the newest first.');
  }

  // ------------------------------------------------------------------ loading

  let generation = 0;

  async function loadSources(current, attempt) {
    const answer = await api(API + '/' + encodeURIComponent(state.domain) + '/sources',
      Object.assign(periodParameters(), { limit: String(TOP_SOURCES), sort: state.sort }));
    if (current !== generation) {
      return;
    }
    const pending = renderSources(answer);
    // reverse names are looked up in the background: show them once known
    if (pending && attempt < 5) {
      setTimeout(() => loadSources(current, attempt + 1).catch(() => {}), 1500);
    }
  }

  async function load() {
    const current = ++generation;
    if (!state.domain) {
      return;
    }
    document.body.classList.add('loading');
    const url = new URL(window.location.href);
    url.searchParams.set('domain', state.domain);
    url.searchParams.set('days', String(state.days));
    history.replaceState(null, '', url);
    $('#api-link').href = API + '/' + encodeURIComponent(state.domain) + '/summary?days=' + state.days;
    try {
      const summary = api(API + '/' + encodeURIComponent(state.domain) + '/summary', periodParameters());
      const failures = api(API + '/' + encodeURIComponent(state.domain) + '/failures',
        Object.assign(periodParameters(), { limit: String(RECENT_FAILURES) }));
      const sources = loadSources(current, 0);
      const [summaryAnswer, failuresAnswer] = await Promise.all([summary, failures]);
      if (current !== generation) {
        return;
      }
      renderSummary(summaryAnswer);
      renderFailures(failuresAnswer);
      await sources;
      if (summaryAnswer.pending_reports > 0) {
        // reports stored moments ago are being added to the figures: show them once they are
        showMessage(format.number(summaryAnswer.pending_reports) + ' newly stored report'
          + (summaryAnswer.pending_reports === 1 ? ' is' : 's are') + ' being added to the figures…', 'info');
        setTimeout(() => { if (current === generation) { load(); } }, 3000);
      } else {
        showMessage('');
      }
      document.body.dataset.loaded = state.domain + '/' + state.days;
    } catch (error) {
      if (current === generation) {
        showMessage('Could not load ' + state.domain + ': ' + error.message);
      }
    } finally {
      if (current === generation) {
        document.body.classList.remove('loading');
      }
    }
  }

  async function start() {
    const parameters = new URLSearchParams(window.location.search);
    const days = Number(parameters.get('days'));
    state.days = PERIODS.includes(days) ? days : 30;
    state.config = await fetch('/config.json').then(r => r.json()).catch(() => ({}));
    $('#demo-badge').hidden = !state.config.demo;

    let domains;
    try {
      domains = await withToken(() => api(API + '/domains', periodParameters()));
    } catch (error) {
      showMessage('Could not reach the DMARC API: ' + error.message);
      return;
    }
    const picker = $('#domain-picker');
    picker.textContent = '';
    for (const domain of domains.domains) {
      const option = node('option', null, domain.domain);
      option.value = domain.domain;
      picker.appendChild(option);
    }
    if (domains.domains.length === 0) {
      showMessage('No DMARC reports have been received yet. Import some with "dmarc import", or try "dmarc serve --demo".', 'info');
      return;
    }
    const wanted = parameters.get('domain');
    state.domain = domains.domains.some(d => d.domain === wanted) ? wanted : domains.domains[0].domain;
    picker.value = state.domain;

    selectButtons($('#period-picker'), 'days', state.days);
    selectButtons($('#source-sort'), 'sort', state.sort);
    selectButtons($('#failure-kind'), 'kind', state.failureKind);
    picker.addEventListener('change', () => { state.domain = picker.value; load(); });
    $('#period-picker').addEventListener('click', event => {
      const button = event.target.closest('button');
      if (button) {
        state.days = Number(button.dataset.days);
        selectButtons($('#period-picker'), 'days', state.days);
        load();
      }
    });
    $('#source-sort').addEventListener('click', event => {
      const button = event.target.closest('button');
      if (button) {
        state.sort = button.dataset.sort;
        selectButtons($('#source-sort'), 'sort', state.sort);
        loadSources(generation, 0).catch(error => showMessage('Could not load the sources: ' + error.message));
      }
    });
    $('#failure-kind').addEventListener('click', event => {
      const button = event.target.closest('button');
      if (button) {
        state.failureKind = button.dataset.kind;
        selectButtons($('#failure-kind'), 'kind', state.failureKind);
        $('#failed-records').hidden = state.failureKind !== 'records';
        $('#failure-reports').hidden = state.failureKind !== 'reports';
      }
    });
    let resizing;
    window.addEventListener('resize', () => {
      clearTimeout(resizing);
      resizing = setTimeout(drawChart, 120);
    });
    await load();
  }

  document.addEventListener('DOMContentLoaded', start);
})();
