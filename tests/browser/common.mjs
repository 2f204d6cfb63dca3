// Shared by the browser checks: headless Chromium from the system (never downloaded), a fresh
// profile per run, no network beyond the page under test.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CHROMIUM = process.env.PARTNERSIM_CHROMIUM || '/usr/bin/chromium';

export async function launch(viewport) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'partnersim-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const problems = [];
  context.on('page', (p) => watch(p, problems));
  for (const p of context.pages()) watch(p, problems);
  return {
    context,
    problems,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Console errors, uncaught exceptions and any request that leaves the page's own origin.
function watch(page, problems) {
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console: ' + m.text()); });
  page.on('pageerror', (e) => problems.push('exception: ' + e.message));
  page.on('request', (r) => {
    const u = r.url();
    if (!/^(file:|data:|about:|http:\/\/127\.0\.0\.1[:/]|http:\/\/localhost[:/])/.test(u)) problems.push('external request: ' + u);
  });
}

// Elements that reach beyond the viewport's width (horizontal overflow), and the page's width.
export async function overflow(page) {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const out = [];
    for (const e of document.querySelectorAll('body *')) {
      const r = e.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.right > vw + 0.5 || r.left < -0.5) {
        out.push(`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : ''}: ${Math.round(r.left)}..${Math.round(r.right)} of ${vw}`);
      }
    }
    return { viewport: vw, scrollWidth: document.documentElement.scrollWidth, elements: out.slice(0, 20), count: out.length };
  });
}
