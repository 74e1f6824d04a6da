import { serveDist, launchChromium } from '../e2e/support.js';
const server = await serveDist('dist', '/courses/patterns/playground/');
const browser = await launchChromium();
const out = '/tmp/shots';
async function open(query, w, h, scheme='light') {
  const ctx = await browser.newContext({ viewport: { width: w, height: h }, colorScheme: scheme });
  const page = await ctx.newPage();
  page.on('pageerror', e => console.log('ERR', e.message));
  await page.goto(server.url + query);
  await page.getByTestId('clock').waitFor({ timeout: 20000 });
  await page.waitForTimeout(2500);
  return { ctx, page };
}
const r = (page) => page.evaluate(() => { const q = (s) => { const e = document.querySelector(s); if (!e) return null; const b = e.getBoundingClientRect(); return [Math.round(b.x), Math.round(b.y), Math.round(b.width), Math.round(b.height)]; }; return { play: q('[data-testid=play]'), stage: q('[data-testid=stage]'), card: q('[data-testid=lesson]'), text: q('[data-testid=lesson-text]') }; });
for (const q of ['?embed=1&lesson=queue', '?embed=1&scenario=cascade&controls=play,step,speed,inspector', '?embed=1&lesson=cascade&controls=play,step,speed']) {
  const { ctx, page } = await open(q, 360, 640);
  console.log(q, JSON.stringify(await r(page)));
  await page.screenshot({ path: `${out}/e-${q.length}.png` });
  await ctx.close();
}
for (const w of [1280, 700, 390]) {
  const { ctx, page } = await open('?scenario=commit-after&paused=1', w, 860);
  await page.getByTestId('link-orders-fulfilment').click();
  await page.waitForTimeout(800);
  const over = await page.evaluate(() => { const ins = document.querySelector('[data-testid=inspector]'); const ib = ins.getBoundingClientRect(); return { ins: [ib.x, ib.right], bad: [...ins.querySelectorAll('select, input, button, textarea')].filter(e => e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().right > ib.right + 0.5).map(e => (e.dataset.testid || e.id || e.tagName) + ':' + Math.round(e.getBoundingClientRect().right)) }; });
  console.log(w, JSON.stringify(over), 'focus', await page.evaluate(() => document.activeElement?.dataset?.testid));
  await page.locator('[data-testid=select-commit]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${out}/commit-${w}.png` });
  await ctx.close();
}
await browser.close(); await server.close();
