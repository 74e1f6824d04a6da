import { serveDist, launchChromium } from '../e2e/support.js';
const server = await serveDist('dist', '/courses/patterns/playground/');
const browser = await launchChromium();
const out = process.argv[2] || '/tmp/shots';
import fs from 'node:fs'; fs.mkdirSync(out, { recursive: true });
async function shot(query, w, h, name, fn, scheme='light') {
  const ctx = await browser.newContext({ viewport: { width: w, height: h }, colorScheme: scheme });
  const page = await ctx.newPage();
  page.on('pageerror', e => console.log('ERR', e.message));
  await page.goto(server.url + query);
  await page.getByTestId('clock').waitFor({ timeout: 20000 });
  await page.waitForTimeout(2500);
  if (fn) await fn(page);
  await page.screenshot({ path: `${out}/${name}-screen.png` });
  await page.screenshot({ path: `${out}/${name}-full.png`, fullPage: true });
  const info = await page.evaluate(() => {
    const r = (s) => { const e = document.querySelector(s); if (!e) return null; const b = e.getBoundingClientRect(); return [Math.round(b.x), Math.round(b.y), Math.round(b.width), Math.round(b.height)]; };
    return { play: r('[data-testid=play]'), stage: r('[data-testid=stage]'), list: r('[data-testid=state-list]'), text: r('[data-testid=lesson-text]'), active: document.activeElement?.dataset?.testid || document.activeElement?.tagName, svgnodes: (() => { const s = document.querySelector('[data-testid=stage] svg.stage__svg g'); return null })() };
  });
  console.log(name, JSON.stringify(info));
  await ctx.close();
}
await shot('?scenario=seven&at=16&paused=1', 390, 844, 'seven-390');
await shot('?embed=1', 360, 640, 'embed-360');
await shot('?embed=1&scenario=cascade&controls=play,speed,metrics', 360, 640, 'embed-360-ctl');
await shot('?lesson=queue&step=1', 390, 844, 'lesson-390');
await shot('?scenario=seven&paused=1', 390, 844, 'sheet-390', async (p) => { await p.getByTestId('node-inventory').click(); await p.waitForTimeout(800); console.log('focus', await p.evaluate(() => document.activeElement?.dataset?.testid + ' ' + document.activeElement?.textContent)); });
await shot('?scenario=commit-after&paused=1', 1280, 860, 'commit-1280');
await browser.close(); await server.close();
