// partnersim classroom page: lessons, a prediction recorded before the levers open, live charts,
// a view of individual organizations, exports and a printable hand-out. Everything it shows
// comes from this server (GET /api/lessons, POST /api/run); nothing is loaded from elsewhere.
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
  last: null, // the last answer drawn, with its request: what the exports write
  predictions: loadPredictions(),
  // assumption notes by lesson|scenario|metric (null while the server checks)
  notes: {},
};

// Predictions, per lesson, kept in this browser (localStorage) so a reload keeps them.
function loadPredictions() {
  try { return JSON.parse(localStorage.getItem('partnersim-predictions') || '{}') || {}; } catch (e) { return {}; }
}
function savePredictions() {
  try { localStorage.setItem('partnersim-predictions', JSON.stringify(state.predictions)); } catch (e) { /* private mode: kept for this visit */ }
}
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

function scenarioTitle(l, name) {
  const s = scenarioByName(l, name);
  return s ? s.title : name;
}

// How a difference of metric `spec` reads to a student: shares in percentage points.
function isShare(spec) { return /^share/.test(spec.unit); }
function amountUnit(spec) { return isShare(spec) ? 'percentage points' : spec.unit; }
function toAmount(spec, v) { return isShare(spec) ? 100 * v : v; }

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
  const paras = l.explanation.split('\n\n').filter((p) => p.trim());
  const watch = l.watch.map((m) => {
    const spec = state.info.metrics[m];
    return el('li', {}, spec.label, ' ', el('span', { class: 'hint' }, '(' + spec.better_text + ')'));
  });
  document.getElementById('lesson').replaceChildren(
    el('h2', {}, l.title),
    el('p', { class: 'question' }, ...richText(l.question)),
    el('details', {}, el('summary', {}, 'About this lesson: background and what to watch'),
      ...paras.map((p) => el('p', {}, ...richText(p))),
      el('h3', {}, 'What to watch'), el('ul', { class: 'watch' }, ...watch)));
  renderTry();
}

// The lesson's scenarios by title, each with its "show me" button.
function renderTry() {
  const l = state.lesson;
  const locked = !state.predictions[l.slug];
  document.getElementById('try').replaceChildren(...l.scenarios.map((s, i) => el('li', { 'data-scenario': s.name, class: s.name === state.scenario ? 'current' : '' },
    el('span', { class: 'what', title: s.description }, el('strong', {}, s.title), i === 0 ? ' (baseline)' : ''),
    el('button', { type: 'button', class: 'show', 'data-show': s.name, onclick: () => showMe(s.name), ...(locked && i > 0 ? { disabled: '' } : {}) }, i === 0 ? 'Baseline' : 'Show me'))));
}

function predictedMetric() {
  const l = state.lesson;
  return l.predict_metric || l.watch[0] || (state.last && state.last.resp.metrics[0]);
}

const DIRECTIONS = { up: 'go up', same: 'stay about the same', down: 'go down' };

function predictionSentence(p, spec) {
  const amount = p.direction !== 'same' && p.amount !== '' && p.amount !== undefined
    ? ' by about ' + p.amount + ' ' + amountUnit(spec) : '';
  return spec.label + ' will ' + DIRECTIONS[p.direction] + amount;
}

// The prediction: a form until it is recorded (the levers stay locked), then one line.
function renderPredict() {
  const l = state.lesson;
  const box = document.getElementById('predict');
  const p = state.predictions[l.slug];
  const m = predictedMetric();
  const spec = state.info.metrics[m] || { label: m, unit: '' };
  document.body.dataset.predicted = p ? 'yes' : 'no';
  document.getElementById('lever-set').disabled = !p;
  document.getElementById('lever-hint').textContent = p
    ? 'Move a lever: the charts answer from a fresh run.'
    : 'The levers open once your prediction is recorded.';
  if (p) {
    box.className = 'recorded';
    box.replaceChildren(
      el('span', { class: 'label' }, 'Your prediction: '),
      el('span', { id: 'prediction-text' }, predictionSentence(p, spec) + '.'),
      el('button', { type: 'button', id: 'change-prediction', class: 'show', onclick: () => {
        delete state.predictions[l.slug];
        savePredictions();
        showMe(l.baseline);
      } }, 'Change'));
    return;
  }
  box.className = 'asking';
  const radios = Object.entries(DIRECTIONS).map(([k, t]) => el('label', { class: 'dir' },
    el('input', { type: 'radio', name: 'direction', value: k, required: '' }), ' ' + t[0].toUpperCase() + t.slice(1)));
  const form = el('form', { id: 'prediction-form' },
    el('p', { class: 'prompt' }, el('span', { class: 'label' }, 'Predict first. '), ...richText(l.predict)),
    el('div', { class: 'answer' },
      el('span', {}, spec.label + ' will:'), ...radios,
      el('label', { class: 'amount' }, 'By about ',
        el('input', { type: 'number', name: 'amount', id: 'prediction-amount', step: 'any', min: '0', inputmode: 'decimal' }),
        ' ' + amountUnit(spec)),
      el('button', { type: 'submit', id: 'record-prediction' }, 'Record my prediction')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const f = new FormData(form);
    if (!f.get('direction')) return;
    state.predictions[l.slug] = { metric: m, direction: f.get('direction'), amount: String(f.get('amount') || '').trim(), at: new Date().toISOString() };
    savePredictions();
    renderPredict();
    renderTry();
    renderComparison();
  });
  box.replaceChildren(form);
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
  const det = el('details', {}, el('summary', { class: 'group-title' }, 'More levers'), ...rest.map(block));
  if (!mine.length) det.setAttribute('open', '');
  parts.push(det);
  list.replaceChildren(...parts);
}

function moveLever(lever, input) {
  if (!state.predictions[state.lesson.slug]) return; // locked until the prediction is recorded
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
  renderTry();
  renderPredict();
  renderLevers();
  schedule(0);
}

function selectLesson(slug) {
  state.lesson = lessonBySlug(slug);
  state.scenario = state.lesson.baseline;
  state.overrides = {};
  state.last = null;
  renderLesson();
  renderPredict();
  renderLevers();
  document.getElementById('charts').replaceChildren();
  document.getElementById('comparison').replaceChildren();
  document.getElementById('organizations').replaceChildren();
  schedule(0);
}

function schedule(ms) {
  clearTimeout(state.timer);
  state.timer = setTimeout(run, ms);
}

// Whether a request runs something other than the baseline itself.
function isChange(request) {
  return request.scenario !== state.lesson.baseline || Object.keys(request.set).length > 0;
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
  const l = state.lesson;
  const what = scenarioTitle(l, body.scenario) + (Object.keys(body.set).length ? ' with levers moved' : '');
  const against = !isChange(request) ? 'the baseline itself' : 'the baseline (' + scenarioTitle(l, body.baseline) + ')';
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
  // months on the axis in years (fiscal years from the first reported month)
  const every = m1 > 72 ? 24 : 12;
  for (let m = 0; m <= m1; m += every) {
    if (m < m0) continue;
    s.append(svg('text', { x: x(m), y: H - B + 15, 'text-anchor': 'middle' }, String(m / 12)));
  }
  s.append(svg('text', { x: (L + W - R) / 2, y: H - 3, 'text-anchor': 'middle' }, 'years'));
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


// Charts in the lesson's order of interest: the predicted metric, the watched ones, the rest.
function chartOrder(metrics) {
  const l = state.lesson;
  const first = [predictedMetric(), ...l.watch];
  return [...metrics].sort((a, b) => {
    const ia = first.indexOf(a), ib = first.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  });
}

function render(resp, request) {
  state.last = { resp, request };
  const box = document.getElementById('charts');
  const watched = new Set(state.lesson.watch);
  const l = state.lesson;
  const cards = chartOrder(resp.metrics).map((m) => {
    const spec = state.info.metrics[m] || { label: m, unit: '', better_text: '' };
    const now = resp.run[m], base = resp.base[m], d = resp.diff[m];
    const [dm, dl, dh] = fmtCI(d.mean, d.low, d.high);
    const [, nl, nh] = fmtCI(now.summary.mean, now.summary.low, now.summary.high);
    const reading = d.reading === 'better' || d.reading === 'worse'
      ? el('span', { class: d.reading }, d.reading) : el('span', {}, d.reading);
    const pic = chart(m, spec, now, base, resp.months);
    return el('div', { class: 'chart' + (watched.has(m) ? ' watched' : ''), 'data-metric': m, id: 'chart-' + m },
      el('div', { class: 'chart-head' },
        el('h3', {}, spec.label),
        el('span', { class: 'dl' },
          el('button', { type: 'button', class: 'png', title: 'Download this chart as a PNG picture', onclick: () => exportChart(m, 'png') }, 'PNG'),
          el('button', { type: 'button', class: 'svg', title: 'Download this chart as an SVG drawing', onclick: () => exportChart(m, 'svg') }, 'SVG'))),
      el('p', { class: 'sub' }, spec.unit + ' · ' + spec.better_text + (m === predictedMetric() ? ' · your prediction' : watched.has(m) ? ' · watch this' : '')),
      pic,
      el('div', { class: 'legend' },
        el('span', {}, el('span', { class: 'swatch now' }), 'now: median, 50% and 90% bands'),
        el('span', {}, el('span', { class: 'swatch base' }), 'baseline: ' + scenarioTitle(l, resp.baseline))),
      el('p', { class: 'sum' },
        'Run summary now ', el('b', { class: 'now-mean', 'data-value': String(now.summary.mean) }, fmt(now.summary.mean)),
        ' (95% CI ' + nl.replace(/^\+/, '') + ' to ' + nh.replace(/^\+/, '') + '), baseline ' + fmt(base.summary.mean) + '; difference ',
        el('b', { class: 'diff-mean', 'data-value': String(d.mean) }, dm),
        ' (95% CI ' + dl + ' to ' + dh + '): ', reading, '.'));
  });
  box.replaceChildren(...cards);
  document.getElementById('interval-note').textContent =
    'Bands: spread over ' + resp.reps + ' replications; x axis in years from the first reported month. Intervals: ' + resp.interval +
    '. Both runs use seed ' + resp.seed + ' and the same replications, so the difference is paired.';
  renderComparison();
  renderOrganizations(resp);
  renderHandout();
  state.rendered += 1;
  document.body.dataset.request = JSON.stringify(request);
  document.body.dataset.generation = String(state.rendered);
}

// What the model says about the predicted metric, beside the prediction.
function modelDirection(d) {
  if (!(isFinite(d.low) && isFinite(d.high))) return 'same';
  if (d.low > 0) return 'up';
  if (d.high < 0) return 'down';
  return 'same';
}

function renderComparison() {
  const box = document.getElementById('comparison');
  const l = state.lesson;
  const p = state.predictions[l.slug];
  if (!p || !state.last) { box.replaceChildren(); box.className = ''; return; }
  const { resp, request } = state.last;
  const m = p.metric in resp.diff ? p.metric : predictedMetric();
  const spec = state.info.metrics[m] || { label: m, unit: '' };
  const d = resp.diff[m];
  if (!d) { box.replaceChildren(); return; }
  if (!isChange(request)) {
    box.className = 'waiting';
    box.replaceChildren(el('p', {}, 'Now test your prediction: move a lever or press “Show me” beside a scenario.'));
    return;
  }
  const k = Math.max(decimals(toAmount(spec, d.mean)), 1);
  const [dm, dl, dh] = fmtCI(toAmount(spec, d.mean), toAmount(spec, d.low), toAmount(spec, d.high));
  const got = modelDirection(d);
  const match = got === p.direction;
  const words = { up: 'went up', same: 'did not change clearly', down: 'went down' };
  let amountNote = '';
  const amt = Number(p.amount);
  if (p.amount !== '' && isFinite(amt) && p.direction !== 'same' && match) {
    const actual = Math.abs(toAmount(spec, d.mean));
    amountNote = actual > 0 ? ' You guessed ' + p.amount + '; the model moved ' + fixed(actual, k) + ' ' + amountUnit(spec) +
      (amt > 2 * actual ? ' (less than you thought).' : amt < actual / 2 ? ' (more than you thought).' : ' (close).') : '';
  }
  box.className = match ? 'match' : 'nomatch';
  box.replaceChildren(
    el('p', { class: 'side mine' }, el('span', { class: 'label' }, 'You predicted: '), predictionSentence(p, spec) + '.'),
    el('p', { class: 'side model', 'data-direction': got, title: scenarioTitle(l, request.scenario) + (Object.keys(request.set).length ? ' with levers moved' : '') },
      el('span', { class: 'label' }, 'The model: '), spec.label + ' ' + words[got] + ', ', el('b', {}, dm + (isShare(spec) ? ' pp' : '')),
      ' (95% CI ' + dl + ' to ' + dh + ').'),
    el('p', { class: 'verdict' }, match ? '✔ Your direction matches.' + amountNote : '✘ Not what you predicted: what could explain the difference?'));
  if (request.scenario !== l.baseline) box.append(assumptionNote(l, request.scenario, p.metric in resp.diff ? p.metric : m));
}

// The light form of "what would change this answer": the lesson scenario as shipped against the
// baseline, with each top assumption of the ledger at both ends of its plausible range
// (POST /api/assumptions, computed once by the server and kept; a few seconds the first time).
function assumptionNote(l, scenario, metric) {
  const key = l.slug + '|' + scenario + '|' + metric;
  const n = state.notes[key];
  const title = '“' + scenarioTitle(l, scenario) + '” as shipped';
  const box = el('p', { class: 'assumptions', id: 'assumption-note' });
  if (n === undefined) {
    state.notes[key] = null;
    fetch('/api/assumptions', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ lesson: l.slug, scenario, metrics: [metric], client: state.client }) })
      // superseded by a newer run of this page: asked again at the next answer
      .then((r) => r.json().then((j) => { if (r.status === 409) delete state.notes[key]; else state.notes[key] = r.ok ? j : { error: j.error || String(r.status) }; }))
      .catch((e) => { state.notes[key] = { error: String(e) }; })
      .then(() => { if (state.lesson === l) renderComparison(); });
  }
  if (!n) {
    box.dataset.status = 'checking';
    box.append(el('span', { class: 'label' }, 'Assumptions: '), 'checking whether an assumption within its plausible range would change the answer for ' + title + '…');
    return box;
  }
  if (n.error) {
    box.dataset.status = 'error';
    box.append(el('span', { class: 'label' }, 'Assumptions: '), 'could not be checked (' + n.error + ').');
    return box;
  }
  box.dataset.status = n.status;
  const tried = n.assumptions.length + ' assumption' + (n.assumptions.length === 1 ? '' : 's') + ' of the ledger, each at both ends of its plausible range';
  const lead = { holds: '', vanishes: 'Careful: ', reverses: 'Careful: ', unclear: '' }[n.status] || '';
  const said = n.sentence.replace(/`([^`]+)`/g, '$1');
  box.append(el('span', { class: 'label' }, 'Assumptions: '), lead + 'for ' + title + (n.status === 'unclear' ? ': ' + said : ', the effect ' + said) + ' (' + tried + ').');
  return box;
}

// The view of individual organizations: one strip per ISO of the first replication.
function renderOrganizations(resp) {
  const box = document.getElementById('organizations');
  const o = resp.organizations;
  if (!o || !o.isos.length) { box.replaceChildren(); return; }
  const l = state.lesson;
  // reserves drawn up to their 95th percentile over the strips (2 to 12 months of cost)
  const all = o.isos.flatMap((t) => t.reserves).filter((v) => v > 0).sort((a, b) => a - b);
  const cap = Math.min(12, Math.max(2, Math.ceil(all.length ? all[Math.floor(0.95 * (all.length - 1))] : 2)));
  const closed = o.isos.filter((t) => t.closed !== null).length;
  const baseClosed = o.isos.filter((t) => t.base_closed !== null).length;
  // the organizations that closed first (in this run, then in the baseline), then the others
  const rank = (t) => (t.closed !== null ? t.closed : t.base_closed !== null ? 1e6 + t.base_closed : 2e6 + t.index);
  const ordered = [...o.isos].sort((a, b) => rank(a) - rank(b));
  const W = 200, H = 58, T = 3, MID = 30, Bot = 55;
  const strips = ordered.map((t) => {
    const n = t.staff.length;
    const maxStaff = Math.max(1, ...t.staff);
    const x = (k) => (W * (k + 0.5)) / n;
    const ys = (v) => MID - 3 - (MID - 3 - T) * (v / maxStaff);
    const yr = (v) => Bot - (Bot - MID - 3) * (Math.min(Math.max(v, 0), cap) / cap);
    const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'ISO ' + (t.index + 1) + ': staff and reserves by month' });
    s.append(svg('line', { x1: 0, x2: W, y1: MID, y2: MID, stroke: '#ddd' }));
    s.append(svg('line', { x1: 0, x2: W, y1: Bot, y2: Bot, stroke: '#ccc' }));
    const alive = (k) => t.closed === null || (k + 1) * o.every < t.closed;
    const pts = [];
    const area = [`${x(0)},${Bot}`];
    let lastK = 0;
    for (let k = 0; k < n; k++) {
      if (!alive(k)) continue;
      pts.push(`${x(k)},${ys(t.staff[k])}`);
      area.push(`${x(k)},${yr(t.reserves[k])}`);
      lastK = k;
      // no reserves left: payroll at risk
      if (t.reserves[k] <= 0) s.append(svg('rect', { x: x(k) - 0.8, y: Bot - 4, width: 1.6, height: 4, fill: '#b2182b' }));
    }
    area.push(`${x(lastK)},${Bot}`);
    s.prepend(svg('polygon', { points: area.join(' '), fill: '#009e73', 'fill-opacity': 0.4, stroke: 'none', class: 'reserves' }));
    s.append(svg('polyline', { points: pts.join(' '), fill: 'none', stroke: '#0b3d5c', 'stroke-width': 1.6, class: 'staff' }));
    if (t.closed !== null) {
      const cx = (W * (t.closed - 0.5)) / o.months;
      s.append(svg('rect', { x: cx, y: 0, width: Math.max(0, W - cx), height: H, fill: '#999', 'fill-opacity': 0.3 }));
      s.append(svg('line', { x1: cx, x2: cx, y1: 0, y2: H, stroke: '#b2182b', 'stroke-width': 2 }));
    }
    const fate = t.closed !== null ? el('b', { class: 'worse' }, 'closed month ' + t.closed) : el('span', {}, 'open');
    const base = t.base_closed !== null ? 'baseline: closed month ' + t.base_closed : 'baseline: open';
    return el('div', { class: 'strip' + (t.closed !== null ? ' closed' : ''), 'data-iso': String(t.index), 'data-closed': t.closed === null ? '' : String(t.closed) },
      el('div', { class: 'strip-head' }, el('b', {}, 'ISO ' + (t.index + 1)), el('span', { title: 'most staff over the run' }, 'up to ' + maxStaff + ' staff')),
      s,
      el('div', { class: 'strip-foot' }, fate, ' · ' + base));
  });
  box.replaceChildren(
    el('h3', {}, 'Individual organizations (ISOs) in one run'),
    el('p', { class: 'hint' },
      'Replication ' + (o.replication + 1) + ' of ' + resp.reps + ', ' + scenarioTitle(l, resp.scenario) + (Object.keys(resp.set).length ? ' with levers moved' : '') +
      ': ' + o.isos.length + ' of the ' + o.operating_at_start + ' organizations operating at the start, those that closed first; ' +
      closed + ' closed (baseline, same run: ' + baseClosed + '). Each strip covers ' + fixed(o.months / 12, 0) + ' years: staff (dark line, from 0 to the organization’s most) above; ' +
      'reserves in months of cost (green, up to ' + cap + ') below, red ticks when none are left; grey once closed.'),
    el('div', { class: 'strips' }, ...strips));
}

// ---- exports (made in the browser from the answer shown) ----

function download(name, type, data) {
  const blob = data instanceof Blob ? data : new Blob([data], { type });
  const a = el('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

function csvCell(v) {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}
function csv(rows) { return rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n'; }

function fileStem() {
  const { resp } = state.last;
  return 'partnersim-' + resp.lesson + '-' + resp.scenario + (Object.keys(resp.set).length ? '-levers' : '');
}
function settingsText(resp) {
  return Object.entries(resp.set).map(([k, v]) => k + '=' + v).join('; ');
}
// The levers moved, by their labels ("Chance that payments start late 10%").
function leversText(resp) {
  const out = [];
  for (const lever of state.info.levers) {
    const p = lever.paths.find((x) => x in resp.set);
    if (p === undefined) continue;
    const raw = resp.set[p];
    const v = lever.kind === 'switch' ? raw === 'true' : lever.kind === 'choice' ? raw : Number(raw);
    out.push(lever.label + ' ' + leverText(lever, v));
  }
  return out.join(', ');
}

function exportSummary() {
  if (!state.last) return;
  const { resp } = state.last;
  const p = state.predictions[state.lesson.slug];
  const rows = [['lesson', 'scenario', 'levers_set', 'baseline', 'seed', 'reps', 'metric', 'label', 'unit',
    'now_mean', 'now_ci95_low', 'now_ci95_high', 'baseline_mean', 'baseline_ci95_low', 'baseline_ci95_high',
    'difference', 'difference_ci95_low', 'difference_ci95_high', 'reading', 'predicted_direction', 'predicted_amount']];
  for (const m of resp.metrics) {
    const spec = state.info.metrics[m] || { label: m, unit: '' };
    const n = resp.run[m].summary, b = resp.base[m].summary, d = resp.diff[m];
    const mine = p && p.metric === m;
    rows.push([resp.lesson, resp.scenario, settingsText(resp), resp.baseline, resp.seed, resp.reps, m, spec.label, spec.unit,
      n.mean, n.low, n.high, b.mean, b.low, b.high, d.mean, d.low, d.high, d.reading,
      mine ? p.direction : '', mine ? p.amount : '']);
  }
  download(fileStem() + '-summary.csv', 'text/csv', csv(rows));
}

function exportBands() {
  if (!state.last) return;
  const { resp } = state.last;
  const rows = [['lesson', 'scenario', 'levers_set', 'metric', 'arm', 'month', 'p05', 'p25', 'p50', 'p75', 'p95']];
  for (const m of resp.metrics) {
    for (const [arm, s] of [['now', resp.run[m]], ['baseline', resp.base[m]]]) {
      resp.months.forEach((mo, i) => rows.push([resp.lesson, resp.scenario, settingsText(resp), m, arm, mo, s.p05[i], s.p25[i], s.p50[i], s.p75[i], s.p95[i]]));
    }
  }
  download(fileStem() + '-bands.csv', 'text/csv', csv(rows));
}

function exportOrganizations() {
  if (!state.last || !state.last.resp.organizations) return;
  const { resp } = state.last;
  const o = resp.organizations;
  const rows = [['lesson', 'scenario', 'levers_set', 'replication', 'organization', 'month', 'operating', 'staff', 'reserve_months']];
  for (const t of o.isos) {
    t.staff.forEach((v, k) => {
      const mo = (k + 1) * o.every;
      const on = t.closed === null || mo < t.closed;
      rows.push([resp.lesson, resp.scenario, settingsText(resp), o.replication + 1, t.index + 1, mo, on ? 1 : 0, v, t.reserves[k]]);
    });
  }
  download(fileStem() + '-organizations.csv', 'text/csv', csv(rows));
}

// A chart as a stand-alone SVG: the drawing with its title, the settings and its legend.
function standaloneSvg(m) {
  const { resp } = state.last;
  const spec = state.info.metrics[m] || { label: m, unit: '' };
  const l = state.lesson;
  const src = document.querySelector(`#chart-${CSS.escape(m)} svg`);
  const [W, H] = src.getAttribute('viewBox').split(' ').slice(2).map(Number);
  const moved = leversText(resp);
  const top = moved ? 54 : 40, bottom = 36;
  const out = svg('svg', { xmlns: SVG, viewBox: `0 0 ${W} ${H + top + bottom}`, width: 2 * W, height: 2 * (H + top + bottom) });
  out.append(svg('style', {}, 'text{font-family:sans-serif;font-size:11px;fill:#333}.t{font-size:14px;font-weight:bold;fill:#111}'));
  out.append(svg('rect', { x: 0, y: 0, width: W, height: H + top + bottom, fill: '#fff' }));
  out.append(svg('text', { x: 8, y: 16, class: 't' }, spec.label + ' (' + spec.unit + ')'));
  const cut = (t) => (t.length > 88 ? t.slice(0, 87) + '…' : t);
  out.append(svg('text', { x: 8, y: 32 }, cut(l.title + ': ' + scenarioTitle(l, resp.scenario))));
  if (moved) out.append(svg('text', { x: 8, y: 46 }, cut('Levers moved: ' + moved)));
  const g = svg('g', { transform: `translate(0,${top})` });
  for (const c of src.childNodes) g.append(c.cloneNode(true));
  out.append(g);
  const ly = H + top + 14;
  out.append(svg('line', { x1: 8, x2: 26, y1: ly - 4, y2: ly - 4, stroke: '#0072b2', 'stroke-width': 2.5 }));
  out.append(svg('text', { x: 30, y: ly }, 'now: median, 50% and 90% bands'));
  out.append(svg('line', { x1: 8, x2: 26, y1: ly + 10, y2: ly + 10, stroke: '#333', 'stroke-width': 1.5, 'stroke-dasharray': '5 3' }));
  out.append(svg('text', { x: 30, y: ly + 14 }, cut('baseline: ' + scenarioTitle(l, resp.baseline) + ' · ' + resp.reps + ' paired replications, seed ' + resp.seed)));
  return new XMLSerializer().serializeToString(out);
}

function exportChart(m, kind) {
  if (!state.last) return;
  const text = standaloneSvg(m);
  const name = fileStem() + '-' + m;
  if (kind === 'svg') { download(name + '.svg', 'image/svg+xml', text); return; }
  const img = new Image();
  img.onload = () => {
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const g = c.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, c.width, c.height);
    g.drawImage(img, 0, 0);
    c.toBlob((b) => { if (b) download(name + '.png', 'image/png', b); }, 'image/png');
  };
  img.onerror = () => showError('This browser could not draw the chart as a PNG; try SVG.');
  img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(text);
}

// ---- the printed hand-out: what prints besides the question and the charts ----

function renderHandout() {
  const l = state.lesson;
  const m = predictedMetric();
  const spec = state.info.metrics[m] || { label: m, unit: '' };
  const box = (t) => el('span', { class: 'box' }, el('span', { class: 'tick' }), t);
  const notice = l.notice.length ? l.notice : l.watch.map((w) => 'Watch ' + (state.info.metrics[w] || { label: w }).label.toLowerCase() + '.');
  const tries = l.scenarios.map((s, i) => el('li', {}, el('b', {}, s.title), i === 0 ? ' (baseline)' : '', ': ' + s.description));
  document.getElementById('handout-pre').replaceChildren(
    el('div', { class: 'ho-predict' },
      el('h3', {}, 'Before you move anything: predict'),
      el('p', {}, ...richText(l.predict)),
      el('p', { class: 'boxes' }, spec.label + ' will: ', box('go up'), box('stay about the same'), box('go down')),
      el('p', {}, 'By about ', el('span', { class: 'blank' }), ' ' + amountUnit(spec) + '.   Why? ', el('span', { class: 'blank wide' }))),
    el('div', { class: 'ho-try' }, el('h3', {}, 'Scenarios to try'), el('ul', {}, ...tries)),
    el('h3', {}, 'What the model shows: ' + scenarioTitle(l, state.last ? state.last.resp.scenario : l.baseline) +
      (state.last && Object.keys(state.last.resp.set).length ? ' with ' + leversText(state.last.resp) : '') + ', against the baseline'));
  document.getElementById('handout').replaceChildren(
    el('div', { class: 'ho-notice' }, el('h3', {}, 'What to notice'), el('ol', {}, ...notice.map((n) => el('li', {}, ...richText(n), el('span', { class: 'blank line' }))))),
    el('div', { class: 'ho-found' }, el('h3', {}, 'What the model showed, and what surprised you'), ...[1, 2, 3, 4].map(() => el('span', { class: 'blank line' }))));
}

async function main() {
  document.getElementById('reset').addEventListener('click', () => showMe(state.lesson.baseline));
  document.getElementById('export-summary').addEventListener('click', exportSummary);
  document.getElementById('export-bands').addEventListener('click', exportBands);
  document.getElementById('export-orgs').addEventListener('click', exportOrganizations);
  document.getElementById('print').addEventListener('click', () => { renderHandout(); window.print(); });
  window.addEventListener('beforeprint', () => { if (state.lesson) renderHandout(); });
  try {
    const r = await fetch('/api/lessons');
    state.info = await r.json();
  } catch (e) {
    setStatus('Cannot load the lessons from the server.', 'error');
    return;
  }
  renderLessonTabs();
  const wanted = new URLSearchParams(location.search).get('lesson');
  selectLesson(lessonBySlug(wanted) ? wanted : state.info.lessons[0].slug);
}

main();
