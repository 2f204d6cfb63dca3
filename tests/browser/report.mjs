// report.html at 1280 and 1024 pixels and printed on A4: no element wider than the page, the
// collapsed tables printed, a screenshot of the first screen at each width and the PDF.
// Usage: node report.mjs REPORT_HTML OUT_DIR NAME  (prints one JSON object)
import { launch, overflow } from './common.mjs';
import path from 'node:path';
import url from 'node:url';

const [file, outDir, name] = process.argv.slice(2);
const href = url.pathToFileURL(path.resolve(file)).href;
const result = { widths: {}, print: null, problems: [] };
const b = await launch({ width: 1280, height: 800 });
try {
  const page = await b.context.newPage();
  for (const w of [1280, 1024]) {
    await page.setViewportSize({ width: w, height: 800 });
    await page.goto(href);
    result.widths[w] = await overflow(page);
    const shot = path.join(outDir, `${name}-${w}.png`);
    await page.screenshot({ path: shot });
    result.widths[w].screenshot = shot;
  }
  // A4 with the report's 14 mm margins: 182 mm of text width, 688 CSS pixels
  await page.setViewportSize({ width: 688, height: 1000 });
  await page.emulateMedia({ media: 'print' });
  result.print = await overflow(page);
  result.print.tablesShown = await page.evaluate(() =>
    [...document.querySelectorAll('details table')].every((t) => t.checkVisibility() && t.getBoundingClientRect().height > 0));
  result.print.tables = await page.evaluate(() => document.querySelectorAll('details table').length);
  result.print.pdf = path.join(outDir, `${name}.pdf`);
  await page.pdf({ path: result.print.pdf, format: 'A4' });
} finally {
  result.problems = b.problems;
  await b.close();
}
console.log(JSON.stringify(result));
