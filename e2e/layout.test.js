// The page's layout: on the default scenario no stage label covers another
// (node names, the lines inside and under nodes such as "RESTARTING", lane
// labels) at a laptop's, a narrow window's and a phone's width, and with a
// lesson open the stage starts within the first screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, screenshot, spoken } from './support.js';

const app = useApp();

/** Pairs of visible stage texts whose boxes intersect (by more than half a pixel each way). */
function overlaps(page) {
  return page.evaluate(() => {
    const texts = [...document.querySelectorAll('[data-testid=stage] svg text')].filter((t) => {
      const r = t.getBoundingClientRect();
      // A link's glyph sits on its line inside a circle; it is a symbol, not a label.
      return t.textContent.trim() && r.width > 0 && r.height > 0 && !t.closest('.link__glyph');
    });
    const boxes = texts.map((t) => ({
      text: t.textContent.trim(),
      owner: t.closest('[data-testid]')?.dataset.testid ?? '',
      r: t.getBoundingClientRect(),
    }));
    const out = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i].r, boxes[j].r];
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 0.5 && h > 0.5) {
          out.push(`${boxes[i].owner} "${boxes[i].text}" × ${boxes[j].owner} "${boxes[j].text}" (${w.toFixed(1)}×${h.toFixed(1)} px)`);
        }
      }
    }
    return { count: boxes.length, out };
  });
}

/** Texts drawn inside a node (its label, its line of figures, a topic's
 * warning) that reach outside the node's box, in the node's own units. */
function outsideTheirBox(page) {
  return page.evaluate(() => {
    const out = [];
    for (const node of document.querySelectorAll('[data-testid=stage] .node')) {
      const body = node.querySelector('.node__body').getBBox();
      for (const t of node.querySelectorAll(':scope > .node__label, .node__meta, :scope > .node__warn')) {
        const b = t.getBBox();
        if (!t.textContent.trim() || b.width === 0) continue;
        if (b.x < body.x - 0.5 || b.x + b.width > body.x + body.width + 0.5) {
          out.push(`${node.dataset.testid} "${t.textContent.trim()}" (${b.x.toFixed(0)}..${(b.x + b.width).toFixed(0)} in ${body.x}..${body.x + body.width})`);
        }
      }
    }
    return out;
  });
}

test('seven at 1280 px: each node\'s name and figures stay inside its box, fitted and zoomed in', async () => {
  const { context, page, problems } = await app.openAt('?scenario=seven&at=20&paused=1', { viewport: { width: 1280, height: 900 } });
  const zoom = async () => Number(await page.getByTestId('stage').getAttribute('data-zoom'));
  assert.ok((await zoom()) >= 0.7 && (await zoom()) < 0.9, `fitted, not compact (${await zoom()})`);
  assert.deepEqual(await outsideTheirBox(page), []);
  // The long topic name is shortened to its first word at this zoom, whole in its accessible name.
  assert.equal((await page.getByTestId('node-order-events').locator('.node__label').textContent()).trim(), 'order.placed');
  assert.match(await spoken(page.getByTestId('node-order-events')), /^order\.placed topic/);
  await page.getByTestId('zoom-in').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=stage]').dataset.zoom) > 1);
  assert.deepEqual(await outsideTheirBox(page), []);
  // Names that fit stay whole.
  assert.equal((await page.getByTestId('node-reconciliation').locator('.node__label').textContent()).trim(), 'Reconciliation');
  assert.deepEqual(problems, []);
  await context.close();
});

for (const [width, height] of [[1280, 900], [700, 900], [390, 844]]) {
  for (const colorScheme of ['light', 'dark']) {
    test(`seven at ${width} px (${colorScheme}): no stage label covers another, with restarts and a crash`, async () => {
      // At 16 s the gateway is restarting and Shipping errs; Email is crashed by hand on top.
      const { context, page, problems } = await app.openAt('?scenario=seven&at=16&paused=1', {
        viewport: { width, height },
        colorScheme,
      });
      await page.getByTestId('node-email').click();
      await page.getByTestId('fault-crash').click();
      await page.getByTestId('fault-errors-50--').click();
      await page.getByTestId('node-email').press('Escape');
      await page.getByTestId('step').click();
      await page.waitForFunction(() => /crashed/i.test(document.querySelector('[data-testid=node-email]').querySelector('desc')?.textContent));
      if (width >= 900) {
        // Full detail at a laptop's width: the words whose placement is tested are drawn.
        assert.match(await page.getByTestId('node-notify').locator('.node__badges').textContent(), /RESTARTING/);
        assert.match(await page.getByTestId('node-email').locator('.node__badges').textContent(), /CRASHED/);
        assert.ok(Number(await page.getByTestId('stage').getAttribute('data-zoom')) >= 0.7, 'not compact');
      }
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no sideways scrolling (${overflow} px)`);
      const { count, out } = await overlaps(page);
      console.log(`${width} ${colorScheme}: ${count} labels, zoom ${await page.getByTestId('stage').getAttribute('data-zoom')}`);
      console.log(`screenshot: ${await screenshot(page, `layout-seven-${width}-${colorScheme}`)}`);
      assert.ok(count >= 16, `every node's label at least (${count})`);
      assert.deepEqual(out, []);
      if (width >= 900) assert.deepEqual(await outsideTheirBox(page), []);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}

/** On the stage as drawn (badges and glyphs grown when zoomed out): a
 * link's text or breaker badge over another link's transport glyph, a
 * corner badge touching a link's line, and a lane's text across another
 * link's line. */
function glyphsAndBadges(page) {
  return page.evaluate(() => {
    const stage = document.querySelector('[data-testid=stage]');
    const owner = (el) => el.closest('[data-testid^=link-], [data-testid^=node-]')?.dataset.testid ?? '';
    const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
    const meet = (a, b, gap = 0) => a.left - gap < b.right && b.left - gap < a.right && a.top - gap < b.bottom && b.top - gap < a.bottom;
    const glyphs = [...stage.querySelectorAll('.link__glyph circle')].filter(visible).map((c) => ({ owner: owner(c), r: c.getBoundingClientRect() }));
    const covers = [...stage.querySelectorAll('.breaker rect, [data-testid^=link-] text:not(.link__glyph text)')]
      .filter((e) => visible(e) && (e.tagName !== 'text' || e.textContent.trim()))
      .map((e) => ({ owner: owner(e), what: e.tagName === 'rect' ? 'breaker' : e.textContent.trim(), r: e.getBoundingClientRect() }));
    const out = [];
    for (const c of covers) for (const g of glyphs) if (c.owner !== g.owner && meet(c.r, g.r)) out.push(`${c.owner} "${c.what}" over ${g.owner}'s glyph`);
    // Corner badges against every link's line, in screen coordinates.
    const lines = [...stage.querySelectorAll('.link__line')].map((l) => {
      const m = l.getScreenCTM();
      const p = (x, y) => new DOMPoint(x, y).matrixTransform(m);
      return { owner: owner(l), a: p(l.x1.baseVal.value, l.y1.baseVal.value), b: p(l.x2.baseVal.value, l.y2.baseVal.value) };
    });
    for (const badge of [...stage.querySelectorAll('.node__manual rect, .node__dlq rect')].filter(visible)) {
      const r = badge.getBoundingClientRect();
      for (const { owner: link, a, b } of lines) {
        // Sampled along the line: a point within 1 px of the badge touches it.
        for (let k = 0; k <= 200; k++) {
          const x = a.x + ((b.x - a.x) * k) / 200;
          const y = a.y + ((b.y - a.y) * k) / 200;
          if (x > r.left - 1 && x < r.right + 1 && y > r.top - 1 && y < r.bottom + 1) {
            out.push(`${owner(badge)}'s badge touches ${link}`);
            break;
          }
        }
      }
    }
    // A lane's words against every other link's line, its arrowhead's half width (4 px) included:
    // a line through words hides them, and reads as pointing at them.
    for (const t of [...stage.querySelectorAll('.lane text')].filter((e) => visible(e) && e.textContent.trim())) {
      const r = t.getBoundingClientRect();
      const link = `link-${t.closest('.lane').dataset.testid.replace(/^(lane|group)-/, '')}`;
      for (const { owner: other, a, b } of lines.filter((l) => l.owner !== link)) {
        for (let k = 0; k <= 200; k++) {
          const x = a.x + ((b.x - a.x) * k) / 200;
          const y = a.y + ((b.y - a.y) * k) / 200;
          if (x > r.left - 4 && x < r.right + 4 && y > r.top - 4 && y < r.bottom + 4) {
            out.push(`${link}'s "${t.textContent.trim()}" lies across ${other}`);
            break;
          }
        }
      }
    }
    return out;
  });
}

test('seven at 1280 px: no link text or breaker badge covers a glyph, no corner badge touches a line, no lane text lies across a line', async () => {
  const { context, page, problems } = await app.openAt('?scenario=seven&at=40&paused=1', { viewport: { width: 1280, height: 900 } });
  const zoom = Number(await page.getByTestId('stage').getAttribute('data-zoom'));
  assert.ok(zoom < 0.8, `fitted, badges grown (${zoom})`);
  await page.getByTestId('node-saga').locator('.node__manual').waitFor();
  // Email's lane says what the schema change did (the warning found across the orders log's arrow).
  assert.match(await page.getByTestId('lane-order-events-email').textContent(), /⚠ \d+ unreadable/);
  assert.deepEqual(await glyphsAndBadges(page), []);
  assert.deepEqual(problems, []);
  await context.close();
});

for (const [width, height] of [[700, 900], [390, 844]]) {
  test(`seven at 40 s at ${width} px, compact: the DLQ badge's words and the breaker glyphs cover no label, the badge touches no line`, async () => {
    const { context, page, problems } = await app.openAt('?scenario=seven&at=40&paused=1', { viewport: { width, height } });
    assert.ok(Number(await page.getByTestId('stage').getAttribute('data-zoom')) < 0.7, 'compact');
    assert.match(await page.locator('.node__dlq text').textContent(), /^DLQ \d+$/);
    assert.ok((await page.locator('.node__dlq text').boundingBox())?.width > 0, 'the words are drawn');
    assert.ok((await page.locator('.breaker__glyph tspan').filter({ hasText: '✓' }).first().boundingBox())?.width > 0, 'a glyph is drawn');
    const { count, out } = await overlaps(page);
    console.log(`${width}: ${count} labels; screenshot: ${await screenshot(page, `layout-seven-40s-${width}`)}`);
    assert.deepEqual(out, []);
    assert.deepEqual(await glyphsAndBadges(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

for (const [width, height] of [[1280, 900], [700, 900], [390, 844]]) {
  test(`a lesson open at ${width}×${height}: the stage starts within the first screen`, async () => {
    const { context, page, problems } = await app.open('?lesson=queue&step=1', { viewport: { width, height } });
    await page.getByTestId('lesson-text').waitFor();
    const stage = await page.getByTestId('stage').boundingBox();
    const card = await page.getByTestId('lesson').boundingBox();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (${overflow} px)`);
    console.log(`${width}: stage at ${Math.round(stage.y)} px (${Math.round(stage.width)}×${Math.round(stage.height)}), card at ${Math.round(card.x)},${Math.round(card.y)}`);
    assert.ok(stage.y < height - 200, `the stage starts at ${stage.y}, in the first screen with room to see it`);
    if (width >= 900) {
      // Beside the stage: the card's column starts right of the stage, near the top.
      assert.ok(card.x >= stage.x + stage.width, 'the card is beside the stage');
      // All of it, or 450 px of a tall one (a stage is no taller than its topology needs).
      const seen = Math.min(stage.y + stage.height, height) - stage.y;
      assert.ok(seen >= Math.min(450, stage.height), `${seen} px of the stage in the first screen`);
    }
    console.log(`screenshot: ${await screenshot(page, `layout-lesson-${width}`)}`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}
