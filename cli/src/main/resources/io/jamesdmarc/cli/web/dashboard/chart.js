/* The pass/fail chart of the dashboard: stacked bars of messages (pass below, fail above) per day or
   month, and the pass rate as a line on its own 0-100 % scale. Plain SVG, drawn here: no chart library. */
(function () {
  'use strict';

  const SVG = 'http://www.w3.org/2000/svg';
  const MARGIN = { top: 14, right: 46, bottom: 30, left: 54 };

  function el(name, attributes, parent) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes || {})) {
      node.setAttribute(key, String(value));
    }
    if (parent) {
      parent.appendChild(node);
    }
    return node;
  }

  /** A round axis maximum and step for values up to max, about 4 steps. */
  function niceScale(max) {
    if (max <= 0) {
      return { max: 4, step: 1 };
    }
    const rough = max / 4;
    const power = Math.pow(10, Math.floor(Math.log10(rough)));
    const step = [1, 2, 2.5, 5, 10].map(f => f * power).find(s => s >= rough);
    return { max: Math.ceil(max / step) * step, step: step };
  }

  function compact(n) {
    if (n >= 1e6) {
      return (n / 1e6).toFixed(n >= 1e7 ? 0 : 1).replace(/\.0$/, '') + 'M';
    }
    if (n >= 1e3) {
      return (n / 1e3).toFixed(n >= 1e4 ? 0 : 1).replace(/\.0$/, '') + 'k';
    }
    return String(n);
  }

  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  function label(date, granularity, long) {
    const parts = date.split('-');
    const month = MONTHS[Number(parts[1]) - 1];
    if (granularity === 'month') {
      return long ? month + ' ' + parts[0] : month;
    }
    return long ? Number(parts[2]) + ' ' + month + ' ' + parts[0] : Number(parts[2]) + ' ' + month;
  }

  /**
   * Draws the series into container (emptied first).
   * series: [{date, messages, pass_messages, fail_messages, pass_rate}], granularity: 'day' | 'month'.
   */
  function render(container, series, granularity, format) {
    container.textContent = '';
    const width = Math.max(container.clientWidth, 320);
    const height = Math.max(container.clientHeight, 200);
    const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, 'data-points': series.length }, container);
    const plotWidth = width - MARGIN.left - MARGIN.right;
    const plotHeight = height - MARGIN.top - MARGIN.bottom;
    const total = series.reduce((sum, p) => sum + p.messages, 0);

    const scale = niceScale(Math.max(0, ...series.map(p => p.messages)));
    const y = value => MARGIN.top + plotHeight - (value / scale.max) * plotHeight;
    const yRate = rate => MARGIN.top + plotHeight - (rate / 100) * plotHeight;

    for (let v = 0; v <= scale.max + 1e-9; v += scale.step) {
      el('line', { class: 'grid', x1: MARGIN.left, x2: width - MARGIN.right, y1: y(v), y2: y(v) }, svg);
      el('text', { class: 'axis-label', x: MARGIN.left - 8, y: y(v) + 4, 'text-anchor': 'end' }, svg).textContent = compact(v);
    }
    for (const rate of [0, 50, 100]) {
      el('text', { class: 'axis-label', x: width - MARGIN.right + 8, y: yRate(rate) + 4 }, svg).textContent = rate + '%';
    }
    if (series.length === 0 || total === 0) {
      el('text', { class: 'empty', x: MARGIN.left + plotWidth / 2, y: MARGIN.top + plotHeight / 2, 'text-anchor': 'middle' }, svg)
        .textContent = 'No messages reported in this period';
      return;
    }

    const slot = plotWidth / series.length;
    const barWidth = Math.max(1, Math.min(36, slot * 0.68));
    const labelEvery = Math.ceil(series.length / Math.max(1, Math.floor(plotWidth / 64)));
    const hover = el('rect', { class: 'hover', x: 0, y: MARGIN.top, width: slot, height: plotHeight, visibility: 'hidden' }, svg);
    const bars = el('g', {}, svg);
    const ratePoints = [];

    series.forEach((point, i) => {
      const x = MARGIN.left + i * slot + (slot - barWidth) / 2;
      const passTop = y(point.pass_messages);
      const failTop = y(point.messages);
      if (point.pass_messages > 0) {
        el('rect', { class: 'bar-pass', x: x, y: passTop, width: barWidth, height: y(0) - passTop, rx: 1.5 }, bars);
      }
      if (point.fail_messages > 0) {
        el('rect', { class: 'bar-fail', x: x, y: failTop, width: barWidth, height: Math.max(1, passTop - failTop), rx: 1.5 }, bars);
      }
      if (point.messages > 0) {
        ratePoints.push([MARGIN.left + i * slot + slot / 2, yRate(point.pass_rate)]);
      }
      if (i % labelEvery === 0) {
        el('text', { class: 'axis-label', x: MARGIN.left + i * slot + slot / 2, y: height - 10, 'text-anchor': 'middle' }, svg)
          .textContent = label(point.date, granularity, false);
      }
    });
    if (ratePoints.length > 1) {
      el('polyline', { class: 'rate-line', points: ratePoints.map(p => p.join(',')).join(' ') }, svg);
    }
    if (series.length <= 45) {
      ratePoints.forEach(p => el('circle', { class: 'rate-dot', cx: p[0], cy: p[1], r: 2.2 }, svg));
    }

    const tooltip = document.createElement('div');
    tooltip.className = 'tooltip';
    tooltip.hidden = true;
    container.appendChild(tooltip);
    svg.addEventListener('mousemove', event => {
      const box = svg.getBoundingClientRect();
      const px = (event.clientX - box.left) * (width / box.width);
      const i = Math.floor((px - MARGIN.left) / slot);
      if (i < 0 || i >= series.length) {
        hover.setAttribute('visibility', 'hidden');
        tooltip.hidden = true;
        return;
      }
      const point = series[i];
      hover.setAttribute('x', MARGIN.left + i * slot);
      hover.setAttribute('visibility', 'visible');
      tooltip.innerHTML = '';
      const lines = [
        ['', label(point.date, granularity, true)],
        ['Messages', format.number(point.messages)],
        ['Pass', format.number(point.pass_messages) + (point.messages ? ' (' + format.percent(point.pass_rate) + ')' : '')],
        ['Fail', format.number(point.fail_messages)],
        ['Reports', format.number(point.reports)]
      ];
      for (const [name, value] of lines) {
        const line = document.createElement('div');
        if (name) {
          line.textContent = name + ': ';
          const b = document.createElement('b');
          b.textContent = value;
          line.appendChild(b);
        } else {
          const b = document.createElement('b');
          b.textContent = value;
          line.appendChild(b);
        }
        tooltip.appendChild(line);
      }
      tooltip.hidden = false;
      const left = (MARGIN.left + (i + 0.5) * slot) * (box.width / width);
      tooltip.style.left = Math.min(box.width - tooltip.offsetWidth - 4, Math.max(4, left - tooltip.offsetWidth / 2)) + 'px';
      tooltip.style.top = '4px';
    });
    svg.addEventListener('mouseleave', () => {
      hover.setAttribute('visibility', 'hidden');
      tooltip.hidden = true;
    });
  }

  window.DmarcChart = { render: render };
})();
