// Checks that the page `trunk serve` gives runs under its own
// Content-Security-Policy, live-reload script included (docs/embed.md):
// no policy violation in the console, the app starts, the reload socket
// connects. Usage, with `trunk serve` running:
//   node scripts/check-dev-csp.mjs http://127.0.0.1:8080/
import { chromium } from 'playwright-core';

const url = process.argv[2] ?? 'http://127.0.0.1:8080/';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
});
const page = await browser.newPage();
const violations = [];
const errors = [];
page.on('console', (m) => {
  if (/Content Security Policy|Content-Security-Policy/i.test(m.text())) violations.push(m.text());
  else if (m.type() === 'error') errors.push(m.text());
});
page.on('pageerror', (e) => errors.push(e.message));
const sockets = [];
page.on('websocket', (ws) => sockets.push(ws.url()));
await page.goto(url);
await page.getByTestId('clock').waitFor({ timeout: 60000 });
await page.waitForTimeout(1500);
const reload = await page.evaluate(() =>
  [...document.querySelectorAll('script:not([src])')].some((s) => s.textContent.includes('.well-known/trunk/ws')),
);
await browser.close();
console.log(JSON.stringify({ reloadScript: reload, sockets, violations, errors }, null, 1));
const ok = reload && sockets.some((s) => s.includes('.well-known/trunk/ws')) && violations.length === 0;
console.log(ok ? 'ok: the dev page runs under its CSP with live reload' : 'FAILED');
process.exit(ok ? 0 : 1);
