// Narrow screens and the keyboard: at a course column's and a phone's width
// the compact stage's hidden words are listed beside it (each node's and
// link's state, from the same frame, kept current and not redrawn when
// nothing changed) and node names stay told apart; an open lesson's card
// comes first in one column and in a 460 px course iframe; skip links and
// Tab from the selected node reach the inspector in a few presses; a
// focused short link shows a clear ring.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useApp, screenshot, collectProblems, SCREENSHOT_DIR, spoken } from './support.js';

const app = useApp();

/** The state line of the node or link named `name`. */
const line = (page, name) =>
  page.getByTestId('state-list').locator('.states__line').filter({ has: page.getByRole('button', { name, exact: true }) });

/** A screenshot of the first screen only (what a learner sees before scrolling). */
async function firstScreen(page, name) {
  const file = path.join(SCREENSHOT_DIR, `${name}-screen.png`);
  await page.screenshot({ path: file });
  return file;
}

/** The data-testid of the focused element (or its tag). */
const focused = (page) =>
  page.evaluate(() => document.activeElement?.dataset?.testid ?? document.activeElement?.tagName ?? '');

for (const [width, height] of [[700, 900], [390, 844]]) {
  for (const colorScheme of ['light', 'dark']) {
    test(`seven at ${width} px (${colorScheme}): the state list says what the compact stage hides, live`, async () => {
      const { context, page, problems } = await app.openAt('?scenario=seven&at=16&paused=1', {
        viewport: { width, height },
        colorScheme,
      });
      const list = page.getByTestId('state-list');
      await list.waitFor();
      assert.ok(Number(await page.getByTestId('stage').getAttribute('data-zoom')) < 0.7, 'the stage is compact');
      // Right under the stage, before the run controls.
      const stage = await page.getByTestId('stage').boundingBox();
      const box = await list.boundingBox();
      assert.ok(box.y >= stage.y + stage.height - 1 && box.y < stage.y + stage.height + 40, `list under the stage (${box.y})`);
      // Node names on the stage: told apart, never under 11 px.
      const labels = await page.evaluate(() =>
        [...document.querySelectorAll('[data-testid=stage] .node__label')].map((t) => ({
          text: t.textContent.trim(),
          px: parseFloat(getComputedStyle(t).fontSize) * Number(document.querySelector('[data-testid=stage]').dataset.zoom),
        })),
      );
      const texts = labels.map((l) => l.text.toLowerCase()).filter((t) => t);
      assert.equal(new Set(texts).size, texts.length, `names told apart: ${texts.join(', ')}`);
      for (const l of labels) assert.ok(l.px >= 10.99, `${l.text} at ${l.px} px`);
      console.log(`${width}: ${labels.map((l) => l.text).join(' | ')}`);
      // Every node has a line named in full; the gateway's restart is said in words.
      for (const name of ['Order API', 'orders queue', 'order.placed topic', 'orders log', 'Inventory']) {
        assert.equal(await line(page, name).count(), 1, name);
      }
      assert.match(await line(page, 'Notifications').getByTestId('state-text').textContent(), /RESTARTING/);
      // Crash Inventory from the list: its name opens the inspector with focus in it.
      await line(page, 'Inventory').getByRole('button').click();
      await page.waitForFunction(() => document.activeElement?.closest('[data-testid=inspector]'));
      await page.getByTestId('fault-crash').click();
      await page.getByTestId('inspector-close').click();
      await page.getByTestId('step').click();
      const node = page.getByTestId('node-inventory');
      await page.waitForFunction(() => /crashed/i.test(document.querySelector('[data-testid=node-inventory]').querySelector('desc')?.textContent));
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[data-testid=state-list] .states__line')].some((l) => /^Inventory/.test(l.textContent) && /CRASHED/.test(l.textContent)),
      );
      // The line says what the engine says (the node's name is built from the same frame).
      const aria = await spoken(node);
      const [, busy, of] = aria.match(/(\d+) of (\d+) busy/);
      const text = (await line(page, 'Inventory').getByTestId('state-text').textContent()).trim();
      assert.equal(text, `⚠ CRASHED · ${busy}/${of} busy${/(\d+) waiting/.test(aria) ? ` · ${aria.match(/(\d+) waiting/)[1]} wait` : ''}`);
      assert.match(await line(page, 'Inventory').getAttribute('class'), /states__line--alert/);
      const breaker = (await spoken(page.getByTestId('link-api-inventory'))).match(/breaker ([a-z-]+)/)[1];
      assert.match(await line(page, 'Order API to Inventory').getByTestId('state-text').textContent(), new RegExp(`breaker ${breaker.toUpperCase()}`));
      assert.match(await page.getByTestId('state-summary').textContent(), /\d+ needs? attention/);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no sideways scrolling (${overflow} px)`);
      console.log(`screenshot: ${await screenshot(page, `narrow-seven-${width}-${colorScheme}`)}`);
      await page.getByTestId('stage').scrollIntoViewIfNeeded();
      await page.evaluate(() => window.scrollTo(0, document.querySelector('[data-testid=stage]').getBoundingClientRect().top + window.scrollY - 8));
      console.log(`screenshot: ${await firstScreen(page, `narrow-seven-${width}-${colorScheme}`)}`);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}

test('compact breaker chips tell their states apart by shape, not colour alone', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade-protected&paused=1', { viewport: { width: 390, height: 844 } });
  await page.locator('.stage--compact .breaker rect').first().waitFor();
  // Each state's look, with colours left out: whether the chip is filled, and its outline's dashes.
  const shapes = await page.evaluate(() => {
    const g = document.querySelector('.stage--compact .breaker');
    const rect = g.querySelector('rect');
    const surface = getComputedStyle(document.body).getPropertyValue('--surface').trim();
    const probe = document.createElement('div');
    document.body.append(probe);
    probe.style.color = surface;
    const surfaceRgb = getComputedStyle(probe).color;
    probe.remove();
    const out = {};
    for (const state of ['closed', 'half_open', 'open']) {
      g.setAttribute('class', `breaker breaker--${state}`);
      const cs = getComputedStyle(rect);
      out[state] = { filled: cs.fill !== surfaceRgb, dashed: cs.strokeDasharray !== 'none', width: cs.strokeWidth };
    }
    return out;
  });
  const keys = Object.values(shapes).map((v) => JSON.stringify(v));
  assert.equal(new Set(keys).size, 3, JSON.stringify(shapes));
  assert.equal(shapes.closed.filled, true);
  assert.equal(shapes.open.dashed, true);
  assert.deepEqual(problems, []);
  await context.close();
});

/** Screen boxes of what a badge draws: its pill or chip, and each text of it that is shown. */
const badgeBoxes = (page, selector) =>
  page.locator(selector).evaluateAll((gs) =>
    gs.map((g) => {
      const box = (e) => {
        const r = e.getBoundingClientRect();
        return { x: r.x, y: r.y, w: r.width, h: r.height, right: r.right, bottom: r.bottom };
      };
      const shown = [...g.querySelectorAll('text, tspan')].filter((t) => t.getBoundingClientRect().width > 0 && getComputedStyle(t).display !== 'none');
      const leaves = shown.filter((t) => !t.querySelector('tspan') || t.tagName === 'tspan');
      return {
        cls: g.getAttribute('class'),
        rect: box(g.querySelector('rect')),
        texts: leaves.map((t) => ({ text: t.textContent, ...box(t), px: parseFloat(getComputedStyle(t).fontSize) * (t.getScreenCTM()?.a ?? 1) })),
      };
    }),
  );
const inside = (t, r) => t.x >= r.x - 0.5 && t.right <= r.right + 0.5 && t.y >= r.y - 2 && t.bottom <= r.bottom + 2;

test('390 px: a queue\'s DLQ badge says "DLQ N" inside its pill, clear of the queue\'s name', async () => {
  const { context, page, problems } = await app.openAt('?scenario=poison-dlq&at=30&paused=1', { viewport: { width: 390, height: 844 } });
  assert.ok(Number(await page.getByTestId('stage').getAttribute('data-zoom')) < 0.7, 'the stage is compact');
  const [dlq] = await badgeBoxes(page, '.node__dlq');
  assert.ok(dlq, 'a DLQ badge');
  assert.equal(dlq.texts.length, 1, JSON.stringify(dlq));
  const [t] = dlq.texts;
  assert.match(t.text, /^DLQ \d+$/);
  assert.ok(t.px >= 10.9, `11 px text or larger (${t.px})`);
  assert.ok(inside(t, dlq.rect), `the words fit the pill: ${JSON.stringify(dlq)}`);
  const label = await page.locator('.node:has(.node__dlq) .node__label').boundingBox();
  assert.ok(dlq.rect.bottom <= label.y + 1, `the pill (to ${dlq.rect.bottom}) is clear of the name (from ${label.y})`);
  console.log(`screenshot: ${await screenshot(page, 'narrow-dlq-390')}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('390 px: each compact breaker chip sits on its link with the state\'s glyph, and the link says the state in words', async () => {
  const { context, page, problems } = await app.openAt('?scenario=cascade-protected&at=30&paused=1', { viewport: { width: 390, height: 844 } });
  assert.ok(Number(await page.getByTestId('stage').getAttribute('data-zoom')) < 0.7, 'the stage is compact');
  const chips = await badgeBoxes(page, '[data-testid=stage-badges] .breaker');
  assert.ok(chips.length >= 3, `a chip per breaker (${chips.length})`);
  const glyph = { closed: '✓', half_open: '½', open: '✕' };
  // Each link's drawn line, on screen: its middle, and what it says.
  const links = await page.locator('[data-testid^=link-]').evaluateAll((ls) =>
    ls.map((l) => {
      const line = l.querySelector('.link__line');
      const m = line.getScreenCTM();
      const p = (x, y) => new DOMPoint(x, y).matrixTransform(m);
      const [a, b] = [p(line.x1.baseVal.value, line.y1.baseVal.value), p(line.x2.baseVal.value, line.y2.baseVal.value)];
      return { id: l.dataset.testid, mid: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 }, said: document.getElementById(l.getAttribute('aria-describedby'))?.textContent ?? '' };
    }),
  );
  const states = new Set();
  for (const chip of chips) {
    const state = chip.cls.match(/breaker--(\w+)/)[1];
    states.add(state);
    assert.equal(chip.texts.length, 1, `one glyph shown: ${JSON.stringify(chip)}`);
    const [t] = chip.texts;
    assert.equal(t.text, glyph[state], `${state}: ${JSON.stringify(chip)}`);
    assert.ok(t.px >= 10.9, `11 px or larger (${t.px})`);
    assert.ok(chip.rect.w >= 15.5 && chip.rect.h >= 15.5, `a 16 px chip (${chip.rect.w}×${chip.rect.h})`);
    assert.ok(inside(t, chip.rect), `the glyph fits the chip: ${JSON.stringify(chip)}`);
    const centre = { x: chip.rect.x + chip.rect.w / 2, y: chip.rect.y + chip.rect.h / 2 };
    const link = links.find((l) => Math.hypot(l.mid.x - centre.x, l.mid.y - centre.y) < 2);
    assert.ok(link, `on the middle of a link's line: ${JSON.stringify(centre)}`);
    assert.match(link.said, new RegExp(`breaker ${state.replace('_', '-')}`), `${link.id} says it`);
  }
  assert.ok(states.has('open') && states.has('closed'), [...states].join());
  console.log(`screenshot: ${await screenshot(page, 'narrow-breakers-390')}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the state list is not redrawn while nothing changes, and a few times a second while playing', async () => {
  const { context, page, problems } = await app.open('?scenario=seven&paused=1', { viewport: { width: 390, height: 844 } });
  await page.getByTestId('state-list').waitFor();
  await page.waitForTimeout(500);
  const redraws = (ms) =>
    page.evaluate(
      (ms) =>
        new Promise((resolve) => {
          let batches = 0;
          const o = new MutationObserver(() => batches++);
          o.observe(document.querySelector('[data-testid=state-list]'), { subtree: true, childList: true, characterData: true, attributes: true });
          setTimeout(() => {
            o.disconnect();
            resolve(batches);
          }, ms);
        }),
      ms,
    );
  assert.equal(await redraws(1000), 0, 'paused: no redraw');
  await page.getByTestId('play').click();
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=clock]').textContent) > 1);
  const playing = await redraws(2000);
  console.log(`playing: ${playing} redraws in 2 s`);
  assert.ok(playing >= 1 && playing <= 14, `redrawn at most about 4 times a second (${playing} in 2 s)`);
  assert.deepEqual(problems, []);
  await context.close();
});

for (const [width, height] of [[1280, 900], [700, 900], [390, 844]]) {
  for (const colorScheme of ['light', 'dark']) {
    test(`a lesson at ${width}×${height} (${colorScheme}): its text is on the first screen`, async () => {
      const { context, page, problems } = await app.open('?lesson=queue&step=1', { viewport: { width, height }, colorScheme });
      const text = page.getByTestId('lesson-text');
      await text.waitFor();
      const t = await text.boundingBox();
      const card = await page.getByTestId('lesson').boundingBox();
      const stage = await page.getByTestId('stage').boundingBox();
      console.log(`${width}: lesson text at ${Math.round(t.y)}–${Math.round(t.y + t.height)}, stage at ${Math.round(stage.y)}`);
      assert.ok(t.y + t.height <= height, `the lesson text ends on the first screen (${t.y + t.height})`);
      assert.ok(stage.y < height - 200, `the stage starts on the first screen (${stage.y})`);
      if (width >= 900) {
        assert.ok(card.x >= stage.x + stage.width, 'beside the stage from 900 px');
      } else {
        assert.ok(card.y + card.height <= stage.y, 'before the stage in one column');
        // Hide folds the card to its bar and the stage moves up.
        await page.getByTestId('lesson-toggle').click();
        await text.waitFor({ state: 'detached' });
        const up = await page.getByTestId('stage').boundingBox();
        assert.ok(up.y < stage.y - 60, `the stage moves up (${up.y} from ${stage.y})`);
        await page.getByTestId('lesson-toggle').click();
        await text.waitFor();
      }
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no sideways scrolling (${overflow} px)`);
      await page.evaluate(() => window.scrollTo(0, 0));
      console.log(`screenshot: ${await firstScreen(page, `narrow-lesson-${width}-${colorScheme}`)}`);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}

test("the course page's 460 px iframes show their lesson's text and stage inside the frame", async () => {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = collectProblems(page);
  await page.goto(`${app.server.url}course-demo.html`);
  for (const id of ['#cascade', '#queue']) {
    const frame = page.frameLocator(id);
    const text = frame.getByTestId('lesson-text');
    await text.waitFor({ timeout: 20000 });
    await page.locator(id).scrollIntoViewIfNeeded();
    const f = await page.locator(id).boundingBox();
    const t = await text.boundingBox();
    const stage = await frame.getByTestId('stage').boundingBox();
    console.log(`${id}: frame ${Math.round(f.height)} px, text ${Math.round(t.y - f.y)}–${Math.round(t.y + t.height - f.y)}, stage ${Math.round(stage.y - f.y)}–${Math.round(stage.y + stage.height - f.y)}`);
    assert.ok(t.y >= f.y && t.y + t.height <= f.y + f.height, `${id}: the lesson text is inside the frame`);
    assert.ok(stage.y + stage.height <= f.y + f.height, `${id}: the stage too`);
    const play = await frame.getByTestId('play').boundingBox();
    assert.ok(play.y + play.height <= f.y + f.height, `${id}: and Play`);
  }
  await page.locator('#cascade').scrollIntoViewIfNeeded();
  console.log(`screenshot: ${await firstScreen(page, 'narrow-course-demo')}`);
  assert.deepEqual(problems.filter((p) => !/favicon/.test(p)), []);
  await context.close();
});

test('keyboard: skip links, then Inventory and its Crash button in a few Tabs; Shift+Tab comes back', async () => {
  const { context, page, problems } = await app.open('?scenario=seven&paused=1');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'skip-stage');
  const skip = await page.getByTestId('skip-stage').boundingBox();
  assert.ok(skip && skip.y >= 0 && skip.height >= 20, 'the skip link shows when focused');
  assert.equal(await page.getByTestId('skip-stage').textContent(), 'Skip to the stage');
  console.log(`screenshot: ${await firstScreen(page, 'narrow-skip-link')}`);
  await page.keyboard.press('Enter');
  assert.equal(await focused(page), 'node-browser');
  let tabs = 1;
  while ((await focused(page)) !== 'node-inventory' && tabs < 60) {
    await page.keyboard.press('Tab');
    tabs++;
  }
  assert.equal(await focused(page), 'node-inventory');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  tabs++;
  assert.ok(await page.evaluate(() => !!document.activeElement.closest('[data-testid=inspector]')), 'Tab goes to the inspector');
  while ((await focused(page)) !== 'fault-crash' && tabs < 80) {
    await page.keyboard.press('Tab');
    tabs++;
  }
  console.log(`Tabs from the page's start to Inventory's Crash button: ${tabs} (was 66)`);
  assert.equal(await focused(page), 'fault-crash');
  assert.ok(tabs <= 15, `${tabs} Tabs`);
  // Shift+Tab from the inspector's first control goes back to the node.
  await page.evaluate(() => {
    const region = document.querySelector('[data-testid=region-inspector]');
    [...region.querySelectorAll('button, input, select, a[href]')].find((e) => e.getBoundingClientRect().width > 0).focus();
  });
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focused(page), 'node-inventory');
  // A selected link goes to its inspector the same way.
  await page.getByTestId('link-api-inventory').focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  assert.ok(await page.evaluate(() => !!document.activeElement.closest('[data-testid=inspector]')), 'Tab from a selected link too');
  // "Skip to the inspector" is the second skip link.
  await page.getByTestId('skip-stage').focus();
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'skip-inspector');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.closest('[data-testid=region-inspector]'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('a focused short link shows a wide ring along it, at any zoom', async () => {
  const { context, page, problems } = await app.open('?scenario=seven&paused=1', { viewport: { width: 700, height: 900 } });
  const link = page.getByTestId('link-orders-queue-saga');
  await link.focus();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'link-orders-queue-saga');
  const ring = await page.evaluate(() => {
    const hit = document.querySelector('[data-testid=link-orders-queue-saga] .link__hit');
    const s = getComputedStyle(hit);
    const zoom = Number(document.querySelector('[data-testid=stage]').dataset.zoom);
    return { stroke: s.stroke, opacity: Number(s.strokeOpacity), px: parseFloat(s.strokeWidth) * zoom };
  });
  console.log(`focus ring: ${JSON.stringify(ring)}`);
  assert.notEqual(ring.stroke, 'transparent');
  assert.notEqual(ring.stroke, 'none');
  assert.ok(ring.opacity > 0.2 && ring.px >= 11.5, `a band of ${ring.px} px`);
  console.log(`screenshot: ${await firstScreen(page, 'narrow-link-focus')}`);
  assert.deepEqual(problems, []);
  await context.close();
});
