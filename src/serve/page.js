// partnersim classroom page: lessons, levers and live charts. Everything it shows comes from
// this server (GET /api/lessons, POST /api/run); nothing is loaded from anywhere else.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const state = {
  info: null,
  lesson: null,
  scenario: null,
  overrides: {},
  client: 'page-' + Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join(''),
  controller: null,
  timer: null,
  rendered: 0,
};

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

// Text with `code` spans, as DOM nodes.
function richText(s) {
  const parts = s.split('`');
  if (parts.length % 2 === 0) return [document.createTextNode(s)];
  return parts.map((p, i) => (i % 2 ? el('code', {}, p) : document.createTextNode(p)));
}

// Numbers by magnitude, never in exponent form.
function decimals(a) {
  a = Math.abs(a);
  if (!isFinite(a) || a === 0 || a >= 1000) return 0;
  if (a >= 100) return 1;
  if (a >= 1) return 2;
  return Math.min(9, Math.ceil(-Math.log10(a)) + 2);
}
function fixed(v, k) {
  if (v === null || !isFinite(v)) return 'n/a';
  const s = Math.abs(v).toLocaleString('en-US', { minimumFractionDigits: k, maximumFractionDigits: k });
  const zero = !/[1-9]/.test(s);
  return (v < 0 && !zero ? '-' : '') + s;
}
function fmt(v) { return fixed(v, decimals(v)); }
function signed(v, k) {
  const s = fixed(v, k);
  return v > 0 && /[1-9]/.test(s) ? '+' + s : s;
}
function fmtCI(d, lo, hi) {
  let k = decimals(Math.max(Math.abs(d || 0), Math.abs(lo || 0), Math.abs(hi || 0)));
  while (k < 9 && isFinite(lo) && isFinite(hi) && lo !== hi && fixed(lo, k) === fixed(hi, k)) k++;
  return [signed(d, k), signed(lo, k), signed(hi, k)];
}

function lessonBySlug(slug) { return state.info.lessons.find((l) => l.slug === slug); }
function leverById(id) { return state.info.levers.find((l) => l.id === id); }
function scenarioByName(l, name) { return l.scenarios.find((s) => s.name === name); }

function leverText(lever, v) {
  if (lever.kind === 'switch') return v ? 'yes' : 'no';
  if (lever.kind === 'choice') return String(v);
  const n = Number(v);
  // shares and probabilities in percent; other values with their unit
  if (/^(share|probability)/.test(lever.unit)) return fixed(100 * n, Math.abs(100 * n) < 10 && n !== 0 ? 1 : 0) + '%';
  const unit = n === 1 ? lever.unit.replace(/^(\w+)s\b/, '$1') : lever.unit;
  return fixed(n, Number.isInteger(n) ? 0 : decimals(n)) + ' ' + unit;
}

function ms(seconds) {
  return fixed(1000 * seconds, 0) + ' ms';
}

// The value a lever shows: the override if moved, else the current scenario's value.
function leverValue(lever) {
  const p = lever.paths[0];
  if (p in state.overrides) return state.overrides[p];
  return scenarioByName(state.lesson, state.scenario).levers[lever.id];
}

function setStatus(text, kind) {
  document.getElementById('status').textContent = text;
  if (kind) document.body.dataset.state = kind;
}

function showError(msg) {
  const e = document.getElementById('error');
  e.hidden = !msg;
  e.textContent = msg || '';
}

function renderLessonTabs() {
  const nav = document.getElementById('lessons');
  nav.replaceChildren(...state.info.lessons.map((l) =>
    el('button', { type: 'button', 'data-lesson': l.slug, 'aria-pressed': 'false', onclick: () => selectLesson(l.slug) }, l.title)));
}

function renderLesson() {
  const l = state.lesson;
  for (const b of document.querySelectorAll('nav#lessons button')) {
    b.setAttribute('aria-pressed', b.dataset.lesson === l.slug ? 'true' : 'false');
  }
  const box = document.getElementById('lesson');
  const paras = l.explanation.split('\n\n').filter((p) => p.trim());
  const tries = l.scenarios.map((s, i) => el('li', { 'data-scenario': s.name, class: s.name === state.scenario ? 'current' : '' },
    el('span', { class: 'what' }, el('strong', {}, i === 0 ? s.name + ' (baseline)' : s.name), ' — ', s.description),
    el('button', { type: 'button', class: 'show', 'data-show': s.name, onclick: () => showMe(s.name) }, i === 0 ? 'Baseline' : 'Show me')));
  const watch = l.watch.map((m) => {
    const spec = state.info.metrics[m];
    return el('li', {}, spec.label, ' ', el('span', { class: 'hint' }, '(' + spec.better_text + ')'));
  });
  box.replaceChildren(
    el('h2', {}, l.title),
    el('p', { class: 'question' }, ...richText(l.question)),
    el('div', { class: 'cols' },
      el('div', {}, el('h3', {}, 'What to try'), el('ul', { class: 'try' }, ...tries)),
      el('div', {}, el('h3', {}, 'What to watch'), el('ul', { class: 'watch' }, ...watch))),
    el('details', {}, el('summary', {}, 'Background'), ...paras.map((p) => el('p', {}, ...richText(p)))));
}

function renderLevers() {
  const l = state.lesson;
  const list = document.getElementById('lever-list');
  const mine = l.levers.map(leverById).filter(Boolean);
  const rest = state.info.levers.filter((x) => !l.levers.includes(x.id));
  const block = (lever) => {
    const id = 'lv-' + lever.id;
    const v = leverValue(lever);
    let input;
    if (lever.kind === 'switch') {
      input = el('input', { type: 'checkbox', id, 'data-lever': lever.id });
      input.checked = !!v;
    } else if (lever.kind === 'choice') {
      input = el('select', { id, 'data-lever': lever.id }, ...lever.choices.map((c) => el('option', { value: c }, c)));
      input.value = v;
    } else {
      input = el('input', { type: 'range', id, 'data-lever': lever.id, min: lever.min, max: lever.max, step: lever.step });
      input.value = v;
    }
    input.addEventListener('input', () => moveLever(lever, input));
    const base = scenarioByName(l, l.baseline).levers[lever.id];
    const mixed = scenarioByName(l, state.scenario).mixed.includes(lever.id) && !(lever.paths[0] in state.overrides);
    return el('div', { class: 'lever' + (lever.paths[0] in state.overrides ? ' changed' : ''), 'data-lever': lever.id },
      el('div', { class: 'lever-head' },
        el('label', { for: id }, lever.label),
        el('output', { class: 'val', id: id + '-val', for: id }, leverText(lever, v) + (mixed ? ' (varies)' : ''))),
      input,
      el('div', { class: 'help' }, lever.help + ' Baseline: ' + leverText(lever, base) + '.'));
  };
  const parts = [];
  if (mine.length) parts.push(el('div', { class: 'group-title' }, "This lesson's levers"), ...mine.map(block));
  parts.push(el('details', { open: mine.length ? null : '' }, el('summary', { class: 'group-title' }, 'More levers'), ...rest.map(block)));
  const det = parts[parts.length - 1];
  if (!mine.length) det.setAttribute('open', '');
  else det.removeAttribute('open');
  list.replaceChildren(...parts);
}

function moveLever(lever, input) {
  let v;
  if (lever.kind === 'switch') v = input.checked;
  else if (lever.kind === 'choice') v = input.value;
  else v = Number(input.value);
  for (const p of lever.paths) state.overrides[p] = v;
  document.getElementById(input.id + '-val').textContent = leverText(lever, v);
  input.closest('.lever').classList.add('changed');
  schedule(120);
}

function showMe(name) {
  state.scenario = name;
  state.overrides = {};
  renderLesson();
  renderLevers();
  schedule(0);
}

function selectLesson(slug) {
  state.lesson = lessonBySlug(slug);
  state.scenario = state.lesson.baseline;
  state.overrides = {};
  renderLesson();
  renderLevers();
  document.getElementById('charts').replaceChildren();
  schedule(0);
}

function schedule(ms) {
  clearTimeout(state.timer);
  state.timer = setTimeout(run, ms);
}

async function run() {
  if (state.controller) state.controller.abort();
  const controller = new AbortController();
  state.controller = controller;
  const request = { lesson: state.lesson.slug, scenario: state.scenario, set: { ...state.overrides }, client: state.client };
  setStatus('Running ' + state.info.reps + ' replications…', 'running');
  const t0 = performance.now();
  let resp;
  try {
    resp = await fetch('/api/run', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(request), signal: controller.signal });
  } catch (e) {
    if (e.name === 'AbortError') return;
    setStatus('The server does not answer: is partnersim serve still running?', 'error');
    return;
  }
  let body;
  try { body = await resp.json(); } catch (e) { body = { error: 'unreadable answer (' + resp.status + ')' }; }
  if (state.controller !== controller) return; // a newer request is on its way
  if (resp.status === 409) return;
  if (!resp.ok) {
    showError(body.error || ('error ' + resp.status));
    setStatus('The last settings were not run.', 'error');
    return;
  }
  showError('');
  const elapsed = (performance.now() - t0) / 1000;
  render(body, request);
  const what = body.scenario + (Object.keys(body.set).length ? ' with levers moved' : '');
  const against = body.scenario === body.baseline && !Object.keys(body.set).length
    ? 'the baseline itself' : 'the baseline ' + body.baseline;
  setStatus(body.reps + ' paired replications of ' + what + ' against ' + against + ': answered in ' +
    ms(elapsed) + (body.engine_seconds > 0 ? ' (model ' + ms(body.engine_seconds) + ')' : ' (from memory)') + '.', 'ready');
  document.body.dataset.responseMs = String(Math.round(1000 * elapsed));
}

function niceTicks(lo, hi, n) {
  const span = hi - lo || 1;
  const raw = span / n;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || 10 * mag;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step) out.push(Math.abs(v) < 1e-12 ? 0 : v);
  return out;
}

function axisText(v) {
  const a = Math.abs(v);
  if (a >= 1e6) return fixed(v / 1e6, 1) + 'M';
  if (a >= 1e4) return fixed(v / 1e3, 0) + 'k';
  return fixed(v, a >= 10 || a === 0 ? 0 : a >= 1 ? 1 : 2);
}

function chart(metric, spec, now, base, months, baseName) {
  const W = 460, H = 230, L = 48, R = 10, T = 10, B = 30;
  const all = [...now.p05, ...now.p95, ...base.p05, ...base.p95].filter((v) => v !== null && isFinite(v));
  let lo = Math.min(...all), hi = Math.max(...all);
  if (!all.length) { lo = 0; hi = 1; }
  const pad = (hi - lo) * 0.06 || Math.abs(hi) * 0.1 || 0.5;
  lo -= pad; hi += pad;
  if (/share/.test(spec.unit)) { lo = Math.max(lo, -0.01); hi = Math.min(hi, 1.01); }
  const m0 = months[0] - 1, m1 = months[months.length - 1];
  const x = (m) => L + (W - L - R) * (m - m0) / Math.max(1, m1 - m0);
  const y = (v) => T + (H - T - B) * (1 - (v - lo) / (hi - lo));
  const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': spec.label + ' over months' });
  for (const t of niceTicks(lo, hi, 4)) {
    s.append(svg('line', { x1: L, x2: W - R, y1: y(t), y2: y(t), stroke: '#e3e3e3' }));
    s.append(svg('text', { x: L - 5, y: y(t) + 4, 'text-anchor': 'end' }, axisText(t)));
  }
  for (let m = 0; m <= m1; m += (m1 > 60 ? 24 : 12)) {
    if (m < m0) continue;
    s.append(svg('text', { x: x(m), y: H - B + 15, 'text-anchor': 'middle' }, String(m)));
  }
  s.append(svg('text', { x: (L + W - R) / 2, y: H - 3, 'text-anchor': 'middle' }, 'month'));
  s.append(svg('line', { x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: '#999' }));
  s.append(svg('line', { x1: L, x2: L, y1: T, y2: H - B, stroke: '#999' }));
  const band = (a, b, fill, opacity) => {
    const pts = [];
    months.forEach((m, i) => { if (isFinite(a[i]) && isFinite(b[i]) && a[i] !== null) pts.push(`${x(m)},${y(b[i])}`); });
    for (let i = months.length - 1; i >= 0; i--) if (isFinite(a[i]) && a[i] !== null) pts.push(`${x(months[i])},${y(a[i])}`);
    return svg('polygon', { points: pts.join(' '), fill, 'fill-opacity': opacity, stroke: 'none' });
  };
  const line = (v, stroke, width, dash) => svg('polyline', {
    points: months.map((m, i) => (v[i] === null || !isFinite(v[i]) ? null : `${x(m)},${y(v[i])}`)).filter(Boolean).join(' '),
    fill: 'none', stroke, 'stroke-width': width, 'stroke-dasharray': dash || 'none' });
  s.append(band(base.p05, base.p95, '#000', 0.08));
  s.append(band(now.p05, now.p95, '#0072b2', 0.16));
  s.append(band(now.p25, now.p75, '#0072b2', 0.22));
  s.append(line(base.p50, '#333', 1.5, '5 3'));
  s.append(line(now.p50, '#0072b2', 2.5));
  return s;
}

function render(resp, request) {
  const box = document.getElementById('charts');
  const watched = new Set(state.lesson.watch);
  const cards = resp.metrics.map((m) => {
    const spec = state.info.metrics[m] || { label: m, unit: '', better_text: '' };
    const now = resp.run[m], base = resp.base[m], d = resp.diff[m];
    const [dm, dl, dh] = fmtCI(d.mean, d.low, d.high);
    const [, nl, nh] = fmtCI(now.summary.mean, now.summary.low, now.summary.high);
    const reading = d.reading === 'better' || d.reading === 'worse'
      ? el('span', { class: d.reading }, d.reading) : el('span', {}, d.reading);
    return el('div', { class: 'chart' + (watched.has(m) ? ' watched' : ''), 'data-metric': m, id: 'chart-' + m },
      el('h3', {}, spec.label),
      el('p', { class: 'sub' }, spec.unit + ' · ' + spec.better_text + (watched.has(m) ? ' · watch this' : '')),
      chart(m, spec, now, base, resp.months, resp.baseline),
      el('div', { class: 'legend' },
        el('span', {}, el('span', { class: 'swatch now' }), 'now: median, 50% and 90% bands'),
        el('span', {}, el('span', { class: 'swatch base' }), 'baseline ' + resp.baseline)),
      el('p', { class: 'sum' },
        'Run summary now ', el('b', { class: 'now-mean', 'data-value': String(now.summary.mean) }, fmt(now.summary.mean)),
        ' (95% CI ' + nl.replace(/^\+/, '') + ' to ' + nh.replace(/^\+/, '') + '), baseline ' + fmt(base.summary.mean) + '; difference ',
        el('b', { class: 'diff-mean', 'data-value': String(d.mean) }, dm),
        ' (95% CI ' + dl + ' to ' + dh + '): ', reading, '.'));
  });
  box.replaceChildren(...cards);
  document.getElementById('interval-note').textContent =
    'Bands: spread over ' + resp.reps + ' replications. Intervals: ' + resp.interval +
    '. Both runs use seed ' + resp.seed + ' and the same replications, so the difference is paired.';
  state.rendered += 1;
  document.body.dataset.request = JSON.stringify(request);
  document.body.dataset.generation = String(state.rendered);
}

async function main() {
  document.getElementById('reset').addEventListener('click', () => showMe(state.lesson.baseline));
  try {
    const r = await fetch('/api/lessons');
    state.info = await r.json();
  } catch (e) {
    setStatus('Cannot load the lessons from the server.', 'error');
    return;
  }
  renderLessonTabs();
  selectLesson(state.info.lessons[0].slug);
}

main();
