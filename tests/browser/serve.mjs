// The classroom page in a real browser: choose a lesson, move a slider, wait for the charts to
// answer, read the numbers they show (checked against the engine by the Rust test), press a
// "show me" button, and time a series of slider moves. Screenshots before and after the move.
// Usage: node serve.mjs URL OUT_DIR LESSON LEVER MOVES  (prints one JSON object)
import { launch } from './common.mjs';
import path from 'node:path';

const [base, outDir, lesson, lever, moves] = process.argv.slice(2);
const result = { problems: [] };
const b = await launch({ width: 1280, height: 1000 });

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

try {
  const page = await b.context.newPage();
  await page.goto(base);
  let gen = await rendered(page, 0);
  await page.click(`nav#lessons button[data-lesson="${lesson}"]`);
  gen = await rendered(page, gen);
  result.before = await shown(page);
  await page.screenshot({ path: path.join(outDir, 'serve-before.png'), fullPage: true });

  // move the slider with the keyboard, several steps: each step is an input event, and the
  // runs of the first steps are superseded by the last
  const input = page.locator(`#lv-${lever}`);
  await input.focus();
  for (let k = 0; k < 5; k++) await input.press('ArrowLeft');
  const t0 = Date.now();
  gen = await rendered(page, gen);
  result.after = await shown(page);
  result.after.sliderValue = await input.inputValue();
  result.after.wallMs = Date.now() - t0;
  await page.screenshot({ path: path.join(outDir, 'serve-after.png'), fullPage: true });

  // "show me": the levers take the scenario's values and the charts answer for it
  const names = await page.$$eval('button.show', (bs) => bs.map((e) => e.dataset.show));
  const target = names[names.length - 1];
  await page.click(`button.show[data-show="${target}"]`);
  gen = await rendered(page, gen);
  result.showMe = await shown(page);
  result.showMe.target = target;
  result.showMe.sliderValue = await input.inputValue();

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
} finally {
  result.problems = b.problems;
  await b.close();
}
console.log(JSON.stringify(result));
