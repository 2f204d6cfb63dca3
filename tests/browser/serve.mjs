// The classroom page in a real browser at 1024x768: choose a lesson, check that the levers stay
// locked until a prediction is recorded, record one, move a slider, wait for the charts to
// answer, read the numbers they show, the prediction beside the result and the strips of the
// individual organizations (checked against the engine by the Rust test), export the result
// (CSV and a chart as PNG), print the hand-out, press a "show me" button, and time a series of
// slider moves. Screenshots of the first screen before and after, and of the organizations.
// Usage: node serve.mjs URL OUT_DIR LESSON LEVER MOVES  (prints one JSON object)
import { launch, overflow } from './common.mjs';
import fs from 'node:fs';
import path from 'node:path';

const [base, outDir, lesson, lever, moves] = process.argv.slice(2);
const VIEW = { width: 1024, height: 768 };
const result = { problems: [] };
const b = await launch(VIEW);

async function rendered(page, after) {
  await page.waitForFunction((n) => Number(document.body.dataset.generation) > n && document.body.dataset.state === 'ready', after, { timeout: 30000 });
  return Number(await page.evaluate(() => document.body.dataset.generation));
}

async function shown(page) {
  return page.evaluate(() => ({
    request: JSON.parse(document.body.dataset.request),
    responseMs: Number(document.body.dataset.responseMs),
    status: document.getElementById('status').textContent,
    charts: Object.fromEntries([...document.querySelectorAll('.chart')].map((c) => [c.dataset.metric, {
      now: Number(c.querySelector('.now-mean').dataset.value),
      diff: Number(c.querySelector('.diff-mean').dataset.value),
    }])),
  }));
}

// The first chart's box against the viewport, with the page's horizontal overflow.
async function firstScreen(page) {
  await page.evaluate(() => window.scrollTo(0, 0));
  const r = await page.evaluate(() => {
    const c = document.querySelector('.chart');
    const box = c && c.getBoundingClientRect();
    const s = c && c.querySelector('svg').getBoundingClientRect();
    return { viewportHeight: window.innerHeight, chartTop: box ? box.top : null, chartBottom: box ? box.bottom : null, svgBottom: s ? s.bottom : null, metric: c ? c.dataset.metric : null };
  });
  r.overflow = await overflow(page);
  return r;
}

async function downloaded(page, click) {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 15000 }), click()]);
  const file = path.join(outDir, d.suggestedFilename());
  await d.saveAs(file);
  return { name: d.suggestedFilename(), file, bytes: fs.statSync(file).size };
}

try {
  const page = await b.context.newPage();
  await page.goto(base);
  let gen = await rendered(page, 0);
  await page.click(`nav#lessons button[data-lesson="${lesson}"]`);
  gen = await rendered(page, gen);
  result.before = await shown(page);
  result.firstScreenBefore = await firstScreen(page);
  await page.screenshot({ path: path.join(outDir, 'serve-predict-1024.png') });

  // before a prediction: the levers are locked, nothing runs, no result beside a prediction
  const input = page.locator(`#lv-${lever}`);
  result.locked = await page.evaluate((id) => ({
    predicted: document.body.dataset.predicted,
    sliderDisabled: document.getElementById(id).matches(':disabled'),
    showMeDisabled: [...document.querySelectorAll('button.show[data-show]')].slice(1).every((e) => e.disabled),
    comparison: document.getElementById('comparison').textContent,
    prompt: document.querySelector('#predict .prompt') ? document.querySelector('#predict .prompt').textContent : null,
  }), `lv-${lever}`);
  const original = await input.inputValue();
  await page.evaluate((id) => {
    const e = document.getElementById(id);
    e.value = e.min;
    e.dispatchEvent(new Event('input', { bubbles: true }));
  }, `lv-${lever}`);
  await page.waitForTimeout(600);
  await input.evaluate((e, v) => { e.value = v; }, original);
  result.locked.generationAfterForcedMove = Number(await page.evaluate(() => document.body.dataset.generation));
  result.locked.generationBefore = gen;
  result.locked.requestAfterForcedMove = JSON.parse(await page.evaluate(() => document.body.dataset.request));

  // record a prediction: survival goes up by 5 points
  await page.check('#prediction-form input[name="direction"][value="up"]');
  await page.fill('#prediction-amount', '5');
  await page.click('#record-prediction');
  result.recorded = await page.evaluate((id) => ({
    predicted: document.body.dataset.predicted,
    sliderDisabled: document.getElementById(id).matches(':disabled'),
    text: document.getElementById('prediction-text').textContent,
    comparison: document.getElementById('comparison').textContent,
  }), `lv-${lever}`);

  // move the slider with the keyboard, several steps: each step is an input event, and the
  // runs of the first steps are superseded by the last
  await input.focus();
  for (let k = 0; k < 5; k++) await input.press('ArrowLeft');
  const t0 = Date.now();
  gen = await rendered(page, gen);
  result.after = await shown(page);
  result.after.sliderValue = await input.inputValue();
  result.after.wallMs = Date.now() - t0;
  result.after.comparison = await page.evaluate(() => {
    const c = document.getElementById('comparison');
    const m = c.querySelector('.model');
    return { className: c.className, text: c.textContent, direction: m ? m.dataset.direction : null };
  });
  result.firstScreenAfter = await firstScreen(page);
  await page.screenshot({ path: path.join(outDir, 'serve-lesson-1024.png') });
  await page.screenshot({ path: path.join(outDir, 'serve-after.png'), fullPage: true });

  // the individual organizations of the first replication
  result.organizations = await page.evaluate(() => ({
    strips: document.querySelectorAll('#organizations .strip').length,
    drawn: document.querySelectorAll('#organizations .strip svg polyline.staff').length,
    closed: [...document.querySelectorAll('#organizations .strip')].map((s) => ({ iso: Number(s.dataset.iso), closed: s.dataset.closed === '' ? null : Number(s.dataset.closed) })),
    hint: document.querySelector('#organizations .hint').textContent,
  }));
  await page.locator('#organizations').scrollIntoViewIfNeeded();
  await page.evaluate(() => document.getElementById('organizations').scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: path.join(outDir, 'serve-organizations-1024.png') });
  await page.evaluate(() => window.scrollTo(0, 0));

  // exports, made in the browser
  const summary = await downloaded(page, () => page.click('#export-summary'));
  summary.text = fs.readFileSync(summary.file, 'utf8');
  const bands = await downloaded(page, () => page.click('#export-bands'));
  bands.lines = fs.readFileSync(bands.file, 'utf8').trim().split('\n').length;
  const orgs = await downloaded(page, () => page.click('#export-orgs'));
  orgs.lines = fs.readFileSync(orgs.file, 'utf8').trim().split('\n').length;
  const png = await downloaded(page, () => page.click('.chart .dl button.png'));
  const head = fs.readFileSync(png.file).subarray(0, 24);
  png.magic = head.subarray(0, 8).toString('hex');
  png.width = head.readUInt32BE(16);
  png.height = head.readUInt32BE(20);
  const svgFile = await downloaded(page, () => page.click('.chart .dl button.svg'));
  svgFile.start = fs.readFileSync(svgFile.file, 'utf8').slice(0, 200);
  result.exports = { summary, bands, orgs, png, svg: svgFile };

  // the printed hand-out: question, prediction boxes, charts and what to notice; no controls
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize({ width: 700, height: 1000 });
  result.print = await page.evaluate(() => {
    const vis = (sel) => [...document.querySelectorAll(sel)].some((e) => e.checkVisibility());
    return {
      question: vis('#lesson .question'),
      predictionBoxes: document.querySelectorAll('#handout-pre .tick').length,
      predictionBoxesShown: vis('#handout-pre .tick'),
      charts: [...document.querySelectorAll('.chart')].filter((e) => e.checkVisibility()).length,
      notice: [...document.querySelectorAll('#handout .ho-notice li')].filter((e) => e.checkVisibility()).length,
      levers: vis('aside#levers'),
      buttons: vis('.toolbar button') || vis('nav#lessons button'),
      order: ['#lesson', '#handout-pre .ho-predict', '#charts', '#handout .ho-notice'].map((s) => document.querySelector(s).getBoundingClientRect().top),
    };
  });
  result.print.overflow = await overflow(page);
  await page.screenshot({ path: path.join(outDir, 'serve-handout.png'), fullPage: true });
  result.print.pdf = path.join(outDir, 'serve-handout.pdf');
  await page.pdf({ path: result.print.pdf, format: 'A4' });
  await page.emulateMedia({ media: 'screen' });
  await page.setViewportSize(VIEW);

  // "show me": the levers take the scenario's values and the charts answer for it
  const names = await page.$$eval('button.show[data-show]', (bs) => bs.map((e) => e.dataset.show));
  const target = names[names.length - 1];
  await page.click(`button.show[data-show="${target}"]`);
  gen = await rendered(page, gen);
  result.showMe = await shown(page);
  result.showMe.target = target;
  result.showMe.sliderValue = await input.inputValue();
  // the assumptions line under the answer: checked by the server once (a few seconds)
  await page.waitForFunction(() => {
    const n = document.getElementById('assumption-note');
    return n && n.dataset.status && n.dataset.status !== 'checking';
  }, null, { timeout: 120000 });
  result.showMe.note = await page.evaluate(() => {
    const n = document.getElementById('assumption-note');
    return { status: n.dataset.status, text: n.textContent };
  });
  await page.evaluate(() => document.getElementById('comparison').scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: path.join(outDir, 'serve-assumptions-1024.png') });
  await page.evaluate(() => window.scrollTo(0, 0));

  // timing: one step at a time, each waiting for its answer (new values: nothing cached)
  const times = [];
  for (let k = 0; k < Number(moves); k++) {
    await input.press('ArrowRight');
    const t = Date.now();
    gen = await rendered(page, gen);
    const s = await shown(page);
    times.push({ responseMs: s.responseMs, wallMs: Date.now() - t });
  }
  result.times = times;

  // every lesson, freshly opened (its prediction form showing): a chart on the first screen
  result.lessons = {};
  const slugs = await page.$$eval('nav#lessons button', (bs) => bs.map((e) => e.dataset.lesson));
  for (const slug of slugs) {
    if (slug === lesson) continue;
    await page.click(`nav#lessons button[data-lesson="${slug}"]`);
    gen = await rendered(page, gen);
    result.lessons[slug] = await firstScreen(page);
    result.lessons[slug].predicted = await page.evaluate(() => document.body.dataset.predicted);
  }
} finally {
  result.problems = b.problems;
  await b.close();
}
console.log(JSON.stringify(result));
