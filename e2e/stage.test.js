// The stage on the release build: dragging nodes at any zoom (no drift,
// Escape puts them back), keyboard moves and links, the minimap, and the
// stage inside course pages (iframes of 700 × 560 and 390 × 640): the
// whole topology in view, the inspector over the stage, no text under 11 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useApp, collectProblems, SCREENSHOT_DIR } from './support.js';

const app = useApp();

/** A node's world position, from its `translate(x y)`. */
const position = async (page, id) => {
  const t = await page.getByTestId(`node-${id}`).getAttribute('transform');
  const [, x, y] = t.match(/translate\(([-\d.e]+) ([-\d.e]+)\)/);
  return [Number(x), Number(y)];
};
const zoom = async (page) => Number(await page.getByTestId('stage').getAttribute('data-zoom'));
const centre = async (locator) => {
  const b = await locator.boundingBox();
  return [b.x + b.width / 2, b.y + b.height / 2];
};

/** Zooms to exactly `z` (a power of two) with the keyboard: 1 is actual size, + and − double in two steps. */
async function zoomTo(page, z) {
  await page.getByTestId('stage').focus();
  await page.keyboard.press('1');
  for (let i = 0; i < Math.abs(Math.log2(z)) * 2; i++) await page.keyboard.press(z > 1 ? '+' : '-');
  await page.waitForFunction((z) => Math.abs(Number(document.querySelector('[data-testid=stage]').dataset.zoom) - z) < 1e-6, z);
}

/** A node whose centre is well inside the stage (so a drag stays on it). */
async function nodeInView(page, ids) {
  const stage = await page.getByTestId('stage').boundingBox();
  for (const id of ids) {
    const [x, y] = await centre(page.getByTestId(`node-${id}`));
    if (x > stage.x + 40 && x < stage.x + stage.width - 160 && y > stage.y + 60 && y < stage.y + stage.height - 120) return id;
  }
  const t = await page.locator('.stage__world').getAttribute('transform');
  throw new Error(`no node in view: ${JSON.stringify(stage)} ${t}`);
}

const ORDER_FLOW = ['order-api', 'inventory', 'payments', 'pricing', 'browser', 'payment-workers'];

test('dragging a node moves it by the drag distance over the zoom, at zoom 0.5, 1 and 2', async () => {
  for (const z of [0.5, 1, 2]) {
    const { context, page, problems } = await app.open('?scenario=order-flow&paused=1');
    await zoomTo(page, z);
    assert.ok(Math.abs((await zoom(page)) - z) < 1e-6);
    const id = await nodeInView(page, ORDER_FLOW);
    const before = await position(page, id);
    const [x, y] = await centre(page.getByTestId(`node-${id}`).locator('.node__body'));
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + 60, y + 40, { steps: 8 });
    await page.mouse.up();
    await page.waitForFunction(
      ([id, bx]) => !document.querySelector(`[data-testid=node-${id}]`).getAttribute('transform').startsWith(`translate(${bx} `),
      [id, before[0]],
    );
    const after = await position(page, id);
    assert.ok(Math.abs(after[0] - before[0] - 60 / z) < 1.01 / z, `zoom ${z}: dx ${after[0] - before[0]}`);
    assert.ok(Math.abs(after[1] - before[1] - 40 / z) < 1.01 / z, `zoom ${z}: dy ${after[1] - before[1]}`);
    assert.match(await page.getByTestId('announcer').textContent(), /^Moved /);
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('Escape in the middle of a drag puts the node back', async () => {
  const { context, page } = await app.open('?scenario=order-flow&paused=1');
  const before = await position(page, 'inventory');
  const [x, y] = await centre(page.getByTestId('node-inventory').locator('.node__body'));
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + 80, y + 50, { steps: 5 });
  assert.notDeepEqual(await position(page, 'inventory'), before, 'the node follows the pointer');
  await page.keyboard.press('Escape');
  assert.deepEqual(await position(page, 'inventory'), before, 'back at once');
  await page.mouse.move(x + 120, y + 90, { steps: 3 });
  await page.mouse.up();
  await page.waitForTimeout(100);
  assert.deepEqual(await position(page, 'inventory'), before, 'and no move on release');
  assert.match(await page.getByTestId('announcer').textContent(), /cancelled/);
  await context.close();
});

test('keyboard: arrows move the focused node one edit a press; C, Tab and Enter ask for a link', async () => {
  const { context, page } = await app.open('?scenario=order-flow&paused=1');
  const before = await position(page, 'pricing');
  await page.getByTestId('node-pricing').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Shift+ArrowDown');
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'node-pricing');
  assert.deepEqual(await position(page, 'pricing'), [before[0] + 10, before[1] + 50]);
  await page.keyboard.press('c');
  assert.match(await page.getByTestId('announcer').textContent(), /New link from Pricing/);
  await page.getByTestId('rubber-band').waitFor();
  await page.keyboard.press('Tab');
  assert.match(await page.getByTestId('announcer').textContent(), /^To /);
  await page.keyboard.press('Enter');
  assert.match(await page.getByTestId('announcer').textContent(), /^New link from Pricing to .+: choose how they talk/);
  assert.equal(await page.getByTestId('rubber-band').count(), 0);
  await context.close();
});

test('a link is drawn by dragging from a node’s handle onto another node', async () => {
  const { context, page } = await app.open('?scenario=order-flow&paused=1');
  await page.getByTestId('node-browser').hover();
  const [x, y] = await centre(page.getByTestId('node-browser').locator('.node__handle'));
  const [tx, ty] = await centre(page.getByTestId('node-payments').locator('.node__body'));
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(tx, ty, { steps: 10 });
  assert.equal(await page.getByTestId('rubber-band').count(), 1, 'a rubber band while connecting');
  await page.mouse.up();
  assert.match(await page.getByTestId('announcer').textContent(), /^New link from Browser to payments queue/);
  await context.close();
});

test('zoom buttons, the minimap and fit', async () => {
  const { context, page } = await app.open('?scenario=seven&paused=1');
  assert.equal(await page.getByTestId('minimap').isVisible(), false, 'everything fits: no minimap');
  for (let i = 0; i < 4; i++) await page.getByTestId('zoom-in').click();
  await page.getByTestId('minimap').waitFor();
  const t0 = await page.locator('.stage__world').getAttribute('transform');
  const map = await page.getByTestId('minimap').boundingBox();
  await page.mouse.click(map.x + 8, map.y + 8);
  assert.notEqual(await page.locator('.stage__world').getAttribute('transform'), t0, 'the view moved');
  await page.getByTestId('zoom-fit').click();
  assert.equal(await page.getByTestId('minimap').isVisible(), false);
  await context.close();
});

/** A course page: paragraphs around an iframe of the app. */
const host = (src, w, h) => `<!doctype html><html><body style="font: 16px/1.5 serif; margin: 0 16px">
<h1>Lesson: how services talk</h1><p>Read this, then try the playground below.</p>
<iframe id="app" src="${src}" width="${w}" height="${h}" style="border: 1px solid #999"></iframe>
${'<p>More text of the lesson. '.repeat(3)}</p>`.padEnd(200) + '<p>Lorem ipsum dolor sit amet.</p>'.repeat(60) + '</body></html>';

for (const [w, h] of [[700, 560], [390, 640]]) {
  test(`in an iframe of ${w} × ${h}: all in view, select and switch without scrolling, text ≥ 11 px`, async () => {
    for (const scheme of ['light', 'dark']) {
      const context = await app.browser.newContext({ viewport: { width: 1000, height: 900 }, colorScheme: scheme });
      const page = await context.newPage();
      const problems = collectProblems(page);
      // The course page is served beside the app (Chromium blocks a public page framing a loopback one).
      const lesson = `${app.server.url}lesson.html`;
      await page.route(lesson, (r) =>
        r.fulfill({ contentType: 'text/html', body: host(`${app.server.url}?scenario=seven&paused=1`, w, h) }),
      );
      await page.goto(lesson);
      const frame = page.frameLocator('#app');
      await frame.getByTestId('clock').waitFor({ timeout: 15000 });
      const inner = page.frames().find((f) => f !== page.mainFrame());
      // Fitted once the stage is measured.
      await inner.waitForFunction(() => Number(document.querySelector('[data-testid=stage]').dataset.zoom) < 1);
      await page.waitForTimeout(200);
      const fit = await inner.evaluate(() => {
        const s = document.querySelector('[data-testid=stage]').getBoundingClientRect();
        const out = [];
        for (const n of document.querySelectorAll('[data-testid^=node-]')) {
          const r = n.querySelector('.node__body').getBoundingClientRect();
          if (r.left < s.left - 0.5 || r.right > s.right + 0.5 || r.top < s.top - 0.5 || r.bottom > s.bottom + 0.5) out.push(n.dataset.testid);
        }
        return { outside: out, stageBottom: s.bottom, stageTop: s.top, height: innerHeight, scrollWidth: document.documentElement.scrollWidth, width: innerWidth };
      });
      assert.deepEqual(fit.outside, [], `${w}×${h}: every node inside the stage`);
      assert.ok(fit.stageTop >= 0 && fit.stageBottom <= fit.height, `${w}×${h}: the stage is on screen (${fit.stageTop}–${fit.stageBottom} of ${fit.height})`);
      assert.ok(fit.scrollWidth <= fit.width, `${w}×${h}: no sideways scrolling`);
      // No text on the stage below 11 px on screen.
      const small = await inner.evaluate(() =>
        [...document.querySelectorAll('.stage__svg text')]
          .filter((t) => t.textContent.trim() && t.getClientRects().length && getComputedStyle(t).display !== 'none')
          .map((t) => [t.textContent.trim(), parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a])
          .filter(([, px]) => px < 10.99),
      );
      assert.deepEqual(small, [], `${w}×${h}: text under 11 px`);
      // Select a node and switch a fault on from the sheet, with no scrolling anywhere.
      const hostY = await page.evaluate(() => scrollY);
      fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await frame.getByTestId('node-pricing').click();
      const sheet = await inner.evaluate(() => {
        const r = document.querySelector('[data-testid=region-inspector]').getBoundingClientRect();
        return { top: r.top, bottom: r.bottom, position: getComputedStyle(document.querySelector('[data-testid=region-inspector]')).position };
      });
      assert.equal(sheet.position, 'fixed', 'the inspector opens over the stage');
      assert.ok(sheet.bottom <= h + 0.5 && sheet.top > 0, JSON.stringify(sheet));
      await frame.getByTestId('fault-crash').click();
      await inner.waitForFunction(() => /crashed/.test(document.querySelector('[data-testid=node-pricing]').querySelector('desc')?.textContent));
      assert.equal(await page.evaluate(() => scrollY), hostY, 'the host page did not scroll');
      assert.equal(await inner.evaluate(() => scrollY), 0, 'nor did the app');
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `stage-iframe-${w}-${scheme}.png`) });
      // Escape closes the sheet.
      await frame.getByTestId('node-pricing').focus();
      await page.keyboard.press('Escape');
      assert.equal(await inner.evaluate(() => getComputedStyle(document.querySelector('[data-testid=region-inspector]')).position), 'static');
      assert.deepEqual(problems, []);
      await context.close();
    }
  });
}

test('Tab from the stage reaches the view tools at its top before the nodes, and they stay clickable', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade&paused=1');
  await page.getByTestId('stage').focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'zoom-in');
  // Named groups, not toolbars: a toolbar promises arrow keys between its buttons, and Tab moves here.
  assert.equal(await page.locator('[role=toolbar]').count(), 0);
  assert.equal(await page.getByRole('group', { name: 'View' }).count(), 1);
  assert.equal(await page.getByRole('group', { name: 'Run controls' }).count(), 1);
  assert.equal(await page.getByRole('group', { name: 'Edit the topology' }).count(), 1);
  const before = await zoom(page);
  await page.getByTestId('zoom-in').click();
  await page.waitForFunction((z) => Number(document.querySelector('[data-testid=stage]').dataset.zoom) > z, before);
  assert.deepEqual(problems, []);
  await context.close();
});

test('breaker badges are drawn above the moving messages and clear of their link’s glyph', async () => {
  const { context, page } = await app.open('?scenario=seven&at=16&paused=1');
  const badge = page.locator('[data-testid=stage-badges] .breaker--open');
  await badge.waitFor();
  // The badges' layer comes after the messages' canvas, so it paints above it, and lets the pointer through.
  const order = await page.evaluate(() => {
    const canvas = document.querySelector('[data-testid=flights]');
    const over = document.querySelector('[data-testid=stage-badges]');
    return {
      after: Boolean(canvas.compareDocumentPosition(over) & Node.DOCUMENT_POSITION_FOLLOWING),
      pointer: getComputedStyle(over).pointerEvents,
      hidden: over.getAttribute('aria-hidden'),
    };
  });
  assert.deepEqual(order, { after: true, pointer: 'none', hidden: 'true' });
  // Inventory → Pricing is short: its OPEN badge sits beside the line, not over the ⇄ glyph.
  const b = await badge.boundingBox();
  const glyphs = await page.locator('.link__glyph').evaluateAll((gs) => gs.map((g) => g.getBoundingClientRect().toJSON()));
  const overlapping = glyphs.filter((g) => g.x < b.x + b.width && b.x < g.x + g.width && g.y < b.y + b.height && b.y < g.y + g.height);
  assert.deepEqual(overlapping, [], 'no transport glyph under the OPEN badge');
  // The link's description still says the state for screen readers.
  const said = await page.locator('[data-testid^=link-][aria-describedby]').evaluateAll((ls) =>
    ls.map((l) => l.getAttribute('aria-describedby').split(' ').map((id) => document.getElementById(id)?.textContent || '').join(' ')),
  );
  assert.ok(said.some((n) => /breaker open/.test(n)), said.join('\n'));
  await context.close();
});
