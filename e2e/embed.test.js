// Embed mode, the postMessage API, the demo course page, the CSP and the
// offline copy (docs/embed.md). Served by its own small server: files carry
// `Access-Control-Allow-Origin: *` (as GitHub Pages sends), which a sandboxed
// iframe without allow-same-origin needs to load the app's module and wasm.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { launchChromium, collectProblems, screenshot, SCREENSHOT_DIR } from './support.js';

const BASE = '/courses/patterns/playground/';
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml' };
let server;
let browser;
let port;

before(async () => {
  const root = path.resolve('dist');
  server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const rel = decodeURIComponent(url.pathname.slice(BASE.length)) || 'index.html';
    const file = path.join(root, rel);
    if (!url.pathname.startsWith(BASE) || !file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream', 'access-control-allow-origin': '*' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  port = server.address().port;
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

const origin = () => `http://127.0.0.1:${port}`;
const url = (rel) => `${origin()}${BASE}${rel}`;
const cspProblems = (problems) => problems.filter((p) => /Content Security Policy|Content-Security-Policy/i.test(p));

async function demo(query = '', width = 1000) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const problems = collectProblems(page);
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) problems.push(`csp: ${m.text()}`); });
  await page.goto(url(`course-demo.html${query}`));
  return { context, page, problems };
}

const events = (page) => page.evaluate(() => window.patchbayEvents.map((e) => ({ ...e })));
// Waits for an event of `type` whose fields include `match` (a function
// predicate: the demo page's CSP forbids evaluating strings).
async function waitForEvent(page, type, match = {}, timeout = 20000) {
  const fits = (e) => e.type === type && Object.entries(match).every(([k, v]) => e[k] === v);
  await page.waitForFunction(
    ([t, m]) => window.patchbayEvents.some((e) => e.type === t && Object.entries(m).every(([k, v]) => e[k] === v)),
    [type, match],
    { timeout },
  );
  return (await events(page)).filter(fits);
}

test('the demo page loads two sandboxed lesson embeds and drives one by postMessage', async () => {
  const { context, page, problems } = await demo();
  const ready = await waitForEvent(page, 'ready');
  assert.equal(ready[0].patchbay, 1);
  assert.equal(ready[0].scenario, 'cascade');
  const frames = page.frames().filter((f) => f !== page.mainFrame());
  assert.equal(frames.length, 2);
  for (const f of frames) await f.getByTestId('clock').waitFor({ timeout: 20000 });
  const cascade = page.frameLocator('#cascade');
  // Both embeds are guided lessons, opened by their addresses.
  await cascade.getByTestId('lesson-step').getByText(/^Step 1 of \d+$/).waitFor({ timeout: 20000 });
  assert.equal(await cascade.getByTestId('lesson-picker').inputValue(), 'request-response');
  await page.frameLocator('#queue').getByTestId('lesson-step').getByText(/^Step 2 of \d+$/).waitFor({ timeout: 20000 });
  assert.equal(await page.frameLocator('#queue').getByTestId('lesson-picker').inputValue(), 'queue');
  // Embed chrome: no header, the controls asked for only.
  assert.equal(await cascade.locator('.app-header').count(), 0);
  assert.equal(await cascade.getByTestId('play').isVisible(), true);
  assert.equal(await cascade.getByTestId('reset').isVisible(), false);
  assert.equal(await cascade.getByTestId('region-inspector').isVisible(), false);
  // The regions' headings are out of sight, not out of the accessibility tree.
  const title = await cascade.locator('#topology-title').evaluate((h) => ({ display: getComputedStyle(h).display, width: h.getBoundingClientRect().width }));
  assert.notEqual(title.display, 'none');
  assert.ok(title.width <= 1, `${title.width}`);

  await page.getByRole('button', { name: 'Speed ×10' }).click();
  await waitForEvent(page, 'ok', { command: 'set_speed' });
  assert.equal(await cascade.getByTestId('speed-label').textContent(), '×10');
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await waitForEvent(page, 'ok', { command: 'play' });
  await cascade.getByTestId('play').getByText('Pause').waitFor();
  await page.waitForTimeout(800);
  await page.getByRole('button', { name: 'Pause' }).click();
  await waitForEvent(page, 'ok', { command: 'pause' });
  await page.getByRole('button', { name: 'Get metrics' }).click();
  const [m] = await waitForEvent(page, 'metrics');
  assert.equal(m.metrics.scenario, 'cascade');
  assert.equal(m.metrics.playing, false);
  assert.equal(m.metrics.speed, 10);
  assert.ok(m.metrics.now_ms > 0 && m.metrics.orders_started > 0, JSON.stringify(m));
  await page.getByRole('button', { name: 'Crash inventory' }).click();
  await waitForEvent(page, 'ok', { command: 'apply_edits' });
  await page.getByRole('button', { name: 'Go to lesson step' }).click();
  const [lesson] = await waitForEvent(page, 'lesson_step', { step: 2 });
  assert.deepEqual([lesson.lesson, lesson.step], ['request-response', 2]);
  await cascade.getByTestId('lesson-step').getByText(/^Step 2 of \d+$/).waitFor();
  // The second embed opened a lesson by its address.
  await page.frameLocator('#queue').getByTestId('lesson-step').getByText(/^Step 2 of \d+$/).waitFor();
  await page.evaluate(() =>
    window.patchbaySend({ patchbay: 1, type: 'go_to_lesson_step', lesson: 'cascade-basics', step: 2, id: 99 }),
  );
  const [missing] = await waitForEvent(page, 'error', { code: 'failed' });
  assert.match(missing.message, /"cascade-basics"/);
  // A malformed message is answered with an error and changes nothing.
  const before = await cascade.getByTestId('clock').textContent();
  await page.getByRole('button', { name: 'Send a malformed message' }).click();
  const [bad] = await waitForEvent(page, 'error', { code: 'unknown_type' });
  assert.match(bad.message, /run_this/);
  await page.evaluate(() => window.patchbaySend('{not json'));
  await waitForEvent(page, 'error', { code: 'malformed' });
  assert.equal(await cascade.getByTestId('clock').textContent(), before);
  assert.equal(await cascade.getByTestId('play').textContent(), 'Play');
  // Alerts come from the narration once the run has something notable.
  await page.evaluate(() => window.patchbaySend({ patchbay: 1, type: 'play' }));
  await waitForEvent(page, 'alert', {}, 30000);
  // The log shows received data as text.
  assert.ok((await page.getByTestId('log').locator('li').count()) > 5);
  console.log('screenshot:', await screenshot(page, 'embed-demo-1000'));
  assert.deepEqual(cspProblems(problems), []);
  assert.deepEqual(problems, []);
  await context.close();
});

/** Each of `parts` (test ids) in embed `frame` is shown inside the iframe's box `f`. */
async function assertInside(frame, f, id, parts) {
  for (const part of parts) {
    const b = await frame.getByTestId(part).boundingBox();
    assert.ok(b, `${id}: ${part} is shown`);
    const where = `${id}: ${part} at ${Math.round(b.x - f.x)},${Math.round(b.y - f.y)} ${Math.round(b.width)}×${Math.round(b.height)} in a ${Math.round(f.width)}×${Math.round(f.height)} frame`;
    assert.ok(b.x >= f.x && b.y >= f.y && b.x + b.width <= f.x + f.width && b.y + b.height <= f.y + f.height, where);
  }
}

// docs/embed.md: the card, the stage and the run controls fit a 460 px
// frame. On a 390 px phone the demo's column leaves the frames 358 px wide.
for (const scheme of ['light', 'dark']) {
  test(`the course page on a 390 px phone (${scheme}): each lesson's card, stage and run controls are inside its 460 px frame`, async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: scheme });
    const page = await context.newPage();
    const problems = collectProblems(page);
    await page.goto(url('course-demo.html'));
    const shown = { '#cascade': ['play', 'step', 'step-notable', 'speed', 'speed-label'], '#queue': ['play', 'speed', 'speed-label'] };
    for (const [id, controls] of Object.entries(shown)) {
      const frame = page.frameLocator(id);
      await frame.getByTestId('lesson-text').waitFor({ timeout: 20000 });
      await page.locator(id).scrollIntoViewIfNeeded();
      // The stage's height follows the fitted topology, set a frame after it is drawn.
      await page.waitForTimeout(500);
      const f = await page.locator(id).boundingBox();
      assert.equal(Math.round(f.height), 462, `${id}: the demo's 460 px frame and its border`);
      await assertInside(frame, f, id, ['lesson', 'lesson-next', 'stage', ...controls]);
      fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const file = path.join(SCREENSHOT_DIR, `embed-demo-390-${id.slice(1)}-${scheme}.png`);
      await page.locator(id).screenshot({ path: file });
      console.log(`screenshot: ${file}`);
    }
    assert.deepEqual(problems.filter((p) => !/favicon/.test(p)), []);
    await context.close();
  });
}

// At a lesson's last step the card has more to say (finished, and where it
// leads) and the way on takes Next's place: still inside the phone's frame.
test('the course page on a 390 px phone: each lesson\'s last step, its way on and the run controls are inside the frame', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const problems = collectProblems(page);
  await page.goto(url('course-demo.html'));
  const shown = { '#cascade': ['play', 'step', 'step-notable', 'speed', 'speed-label'], '#queue': ['play', 'speed', 'speed-label'] };
  for (const [id, controls] of Object.entries(shown)) {
    const frame = page.frameLocator(id);
    await frame.getByTestId('lesson-text').waitFor({ timeout: 20000 });
    await page.locator(id).scrollIntoViewIfNeeded();
    // Next until the lesson is finished (each step's fast-forward ends before Next shows again).
    for (let i = 0; i < 12 && !(await frame.getByTestId('lesson-done').isVisible()); i++) {
      const next = frame.getByTestId('lesson-next');
      if (await next.isVisible()) await next.click();
      await page.waitForTimeout(300);
    }
    await frame.getByTestId('lesson-onward').waitFor({ timeout: 60000 });
    await page.waitForTimeout(500);
    const f = await page.locator(id).boundingBox();
    await assertInside(frame, f, id, ['lesson', 'lesson-done', 'lesson-onward', 'stage', 'clock', ...controls]);
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `embed-demo-390-${id.slice(1)}-last-step.png`);
    await page.locator(id).screenshot({ path: file });
    console.log(`screenshot: ${file}`);
  }
  assert.deepEqual(problems.filter((p) => !/favicon/.test(p)), []);
  await context.close();
});

test('messages from an origin not on the list change nothing and get no answer', async () => {
  const { context, page, problems } = await demo(`?origin=${encodeURIComponent('https://course.example')}`);
  const cascade = page.frameLocator('#cascade');
  await cascade.getByTestId('clock').waitFor({ timeout: 20000 });
  await page.getByRole('button', { name: 'Speed ×10' }).click();
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await page.getByRole('button', { name: 'Send a malformed message' }).click();
  await page.waitForTimeout(1000);
  assert.equal(await cascade.getByTestId('play').textContent(), 'Play');
  assert.notEqual(await cascade.getByTestId('speed-label').textContent(), '×10');
  // Not even `ready`: events go only to the allowed origin.
  assert.deepEqual(await events(page), []);
  assert.deepEqual(problems, []);
  await context.close();
});

for (const [width, scheme] of [[360, 'light'], [700, 'dark']]) {
  test(`embed mode at ${width} px (${scheme}) puts the stage first with few controls`, async () => {
    const context = await browser.newContext({ viewport: { width, height: 640 }, colorScheme: scheme });
    const page = await context.newPage();
    const problems = collectProblems(page);
    await page.goto(url(`index.html?embed=1&scenario=cascade&controls=play,speed,metrics&autoplay=1&speed=2`));
    await page.getByTestId('clock').waitFor({ timeout: 20000 });
    await page.getByTestId('play').getByText('Pause').waitFor();
    const stage = await page.locator('.stage').boundingBox();
    const controls = await page.locator('.controls').boundingBox();
    assert.ok(stage.y < controls.y, 'the stage is above the controls');
    assert.ok(stage.width <= width && stage.width > width - 60, `stage width ${stage.width}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page overflows by ${overflow}px`);
    await page.waitForTimeout(600);
    console.log('screenshot:', await screenshot(page, `embed-${width}-${scheme}`));
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('an embed shows the lesson picker only when controls= asks for it or a lesson is open', async () => {
  const context = await browser.newContext({ viewport: { width: 700, height: 600 } });
  const page = await context.newPage();
  const shown = async (query) => {
    await page.goto(url(`index.html?embed=1&${query}`));
    await page.getByTestId('clock').waitFor({ timeout: 20000 });
    return page.getByTestId('lesson').isVisible();
  };
  assert.equal(await shown('scenario=cascade&controls=play,step,speed'), false, 'not asked, no lesson: hidden');
  assert.equal(await shown('scenario=cascade&controls=play,lesson'), true, 'asked for');
  assert.equal(await shown('lesson=queue&controls=play'), true, 'a lesson opened by the link keeps its card');
  await context.close();
});

test('theme=dark forces dark colours on a light system', async () => {
  const context = await browser.newContext({ colorScheme: 'light' });
  const page = await context.newPage();
  await page.goto(url('index.html?embed=1&scenario=cascade&theme=dark'));
  await page.getByTestId('clock').waitFor({ timeout: 20000 });
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, 'rgb(15, 20, 26)');
  await context.close();
});

test('the Embed dialog makes a sandboxed iframe snippet, copies or offers the text, and gives focus back', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const problems = collectProblems(page);
  await page.goto(url('index.html?scenario=cascade'));
  await page.getByTestId('clock').waitFor({ timeout: 20000 });
  const opener = page.getByTestId('embed-open');
  await opener.click();
  const dialog = page.getByRole('dialog', { name: 'Embed this playground' });
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'embed-scenario');
  await page.getByTestId('embed-theme').selectOption('dark');
  await dialog.getByLabel('inspector').check();
  const code = await page.getByTestId('embed-code').inputValue();
  assert.match(code, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/courses\/patterns\/playground\/index\.html\?embed=1&amp;scenario=cascade&amp;controls=play,step,speed,inspector&amp;theme=dark"/);
  assert.match(code, /sandbox="allow-scripts"/);
  await page.getByTestId('embed-copy').click();
  await page.getByTestId('embed-copied').filter({ hasText: /./ }).waitFor();
  console.log('screenshot:', await screenshot(page, 'embed-dialog'));
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'embed-open');
  assert.deepEqual(cspProblems(problems), []);
  await context.close();
});

test('no CSP violations, and after a first visit the app loads offline', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = collectProblems(page);
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) problems.push(`csp: ${m.text()}`); });
  await page.goto(url('index.html?scenario=cascade'));
  await page.getByTestId('clock').waitFor({ timeout: 20000 });
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /'sha256-[A-Za-z0-9+/=]{44}'/);
  assert.doesNotMatch(csp, /TRUNK_START_SCRIPT|'unsafe-eval'/);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(async () => (await caches.keys()).some((k) => k.startsWith('patchbay-') && !k.includes('__')), null, { timeout: 20000 });
  assert.deepEqual(problems, []);
  await context.setOffline(true);
  await page.reload();
  await page.getByTestId('clock').waitFor({ timeout: 20000 });
  await page.getByTestId('play').click();
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=clock]').textContent) > 0);
  await context.close();
});

for (const width of [700, 390]) {
  test(`the demo page at ${width} px: the open lesson's title can be read whole`, async () => {
    const { context, page, problems } = await demo('', width);
    const cascade = page.frameLocator('#cascade');
    await cascade.getByTestId('lesson-step').getByText(/^Step 1 of \d+$/).waitFor({ timeout: 20000 });
    const measure = () => cascade.getByTestId('lesson').evaluate((card) => {
      const select = card.querySelector('[data-testid=lesson-picker]');
      const text = select.selectedOptions[0].textContent.trim();
      const cs = getComputedStyle(select);
      const ctx = document.createElement('canvas').getContext('2d');
      ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      // The select's room for its text: its inner width less padding and the arrow (about 20 px).
      const room = select.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 20;
      const needs = ctx.measureText(text).width;
      const title = card.querySelector('.lesson__title');
      const r = title.getBoundingClientRect();
      const titleShown = title.textContent.trim() === text && r.height > 10 && r.left >= 0 && r.right <= innerWidth && getComputedStyle(title).clip === 'auto';
      return { text, room: Math.round(room), needs: Math.round(needs), inPicker: needs <= room, titleShown, frame: innerWidth };
    });
    const seen = await measure();
    console.log(`${width}: ${JSON.stringify(seen)}`);
    assert.ok(seen.inPicker || seen.titleShown, JSON.stringify(seen));
    // A course's column (668 px inside the demo's 700 px page) is wide
    // enough for the picker itself to name the lesson: the longest titles
    // too (lessons 3 and 4, once cut), which move the step and buttons to a second row.
    if (width >= 700) {
      assert.ok(seen.inPicker, JSON.stringify(seen));
      assert.equal(seen.frame, 668);
      console.log('screenshot:', await screenshot(page, `embed-demo-${width}`));
      for (const name of ['pubsub', 'stream']) {
        await cascade.getByTestId('lesson-picker').selectOption(name);
        await cascade.getByTestId('lesson-step').getByText(/^Step 1 of \d+$/).waitFor({ timeout: 20000 });
        const long = await measure();
        console.log(`${width}, ${name}: ${JSON.stringify(long)}`);
        assert.ok(long.inPicker, JSON.stringify(long));
        const bar = await cascade.locator('.lesson__bar').evaluate((b) => {
          const r = b.getBoundingClientRect();
          return [...b.children].every((c) => { const q = c.getBoundingClientRect(); return q.width === 0 || (q.left >= r.left - 0.5 && q.right <= r.right + 0.5); });
        });
        assert.ok(bar, 'the step and buttons stay inside the bar');
      }
      console.log('screenshot:', await screenshot(page, `embed-demo-${width}-long-title`));
    } else {
      console.log('screenshot:', await screenshot(page, `embed-demo-${width}`));
    }
    assert.deepEqual(cspProblems(problems), []);
    await context.close();
  });
}
