import { serveDist, launchChromium } from '../e2e/support.js';
const server = await serveDist('dist', '/courses/patterns/playground/');
const browser = await launchChromium();
for (const [q,w,h] of [['?lesson=queue&step=1',390,844],['?lesson=request-response&step=3',390,844],['?scenario=cascade',390,844],['?scenario=seven',700,460],['?scenario=seven&paused=1',844,390]]) {
  const ctx = await browser.newContext({ viewport: { width: w, height: h } });
  const page = await ctx.newPage();
  await page.goto(server.url + q);
  await page.getByTestId('clock').waitFor({ timeout: 20000 });
  await page.waitForTimeout(2000);
  const r = await page.evaluate(() => { const q = (s) => { const b = document.querySelector(s).getBoundingClientRect(); return [Math.round(b.y), Math.round(b.bottom)]; }; return { play: q('[data-testid=play]'), stage: q('[data-testid=stage]') }; });
  console.log(q, w, h, JSON.stringify(r));
  await page.screenshot({ path: `/tmp/phone-shots-${w}x${h}-${q.length}.png` });
  await ctx.close();
}
await browser.close(); await server.close();
