// An embed's reading order is its visual order: it shows an open lesson's
// card, then the stage, then the run controls and the list of states, and
// its DOM says them in that order, so Tab and a screen reader go the way
// the eye does (the controls came first in the DOM and were moved under
// the stage by CSS `order`). The page's too: below 900 px it is one column
// in another order than beside it (the stage and its list of states under
// the run controls, or above them in a short frame or with a lesson open,
// then the story and the tools; an open lesson's card first), and its DOM
// is rearranged to match (src/ui/reading_order.rs) where CSS `order` and
// grid areas had moved them in sight only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, screenshot } from './support.js';

const app = useApp();

const QUERY = '?embed=1&lesson=queue&step=1&controls=play,step,speed,reset,scenario,lesson,inspector,events';

/** The visible parts of the topology region, in DOM order, with their tops. */
const parts = (page) =>
  page.getByTestId('region-topology').evaluate((region) =>
    [...region.children]
      .filter((c) => c.getBoundingClientRect().height > 2 && getComputedStyle(c).display !== 'none')
      .map((c) => ({ part: `${c.tagName.toLowerCase()}.${[...c.classList].join('.')}`, top: Math.round(c.getBoundingClientRect().top + window.scrollY) })),
  );

/** Tab through the page from its start: each stop's part (the child of a region holding it) and region, with their places. */
async function tabStops(page, most = 80) {
  await page.evaluate(() => document.activeElement?.blur());
  const stops = [];
  for (let i = 0; i < most; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return null;
      const region = e.closest('.region');
      let part = e;
      while (part.parentElement && part.parentElement !== region) part = part.parentElement;
      const at = (el) => {
        const r = el.getBoundingClientRect();
        return { top: Math.round(r.top + window.scrollY), left: Math.round(r.left) };
      };
      return {
        id: e.dataset.testid ?? e.tagName.toLowerCase(),
        region: region?.dataset.testid ?? null,
        regionAt: region ? at(region) : null,
        part: region ? `${part.tagName.toLowerCase()}.${[...part.classList].join('.')}` : null,
        partAt: region ? at(part) : null,
      };
    });
    if (!stop) break;
    stops.push(stop);
  }
  return stops;
}

for (const [width, height] of [
  [1280, 860],
  [700, 900],
  [390, 844],
]) {
  for (const colorScheme of ['light', 'dark']) {
    test(`embed at ${width} px (${colorScheme}): the DOM and Tab follow what is seen`, async () => {
      const { context, page, problems } = await app.open(QUERY, { viewport: { width, height }, colorScheme });
      await page.getByTestId('lesson-text').waitFor();
      await page.waitForTimeout(300);
      // What a screen reader reads in turn: every part below the one before it.
      const seen = await parts(page);
      console.log(`${width}: ${seen.map((p) => `${p.part}@${p.top}`).join(' | ')}`);
      for (let i = 1; i < seen.length; i++) {
        assert.ok(seen[i].top >= seen[i - 1].top, `${seen[i].part} (at ${seen[i].top}) comes after ${seen[i - 1].part} (at ${seen[i - 1].top}) in the DOM but is seen above it`);
      }
      const order = seen.map((p) => p.part.split('.')[1]);
      assert.ok(order.indexOf('lesson') < order.indexOf('stage') && order.indexOf('stage') < order.indexOf('controls'), order.join());
      // Tab: from one part to the next, never back up; regions left to right, then down.
      const stops = await tabStops(page);
      console.log(stops.map((s) => `${s.id}${s.part ? ` in ${s.part}@${s.partAt.top}` : ''}`).join(' > '));
      assert.ok(stops.some((s) => s.id === 'play') && stops.some((s) => s.id.startsWith('node-')), 'Tab reaches the controls and the stage');
      for (let i = 1; i < stops.length; i++) {
        const [a, b] = [stops[i - 1], stops[i]];
        if (!a.region || !b.region) continue;
        if (a.region === b.region) {
          assert.ok(b.partAt.top >= a.partAt.top, `Tab goes up from ${a.id} (${a.part} at ${a.partAt.top}) to ${b.id} (${b.part} at ${b.partAt.top})`);
        } else {
          const later = b.regionAt.top > a.regionAt.top || (b.regionAt.top === a.regionAt.top && b.regionAt.left > a.regionAt.left);
          assert.ok(later, `Tab goes back from ${a.region} to ${b.region}`);
        }
      }
      // The lesson card, the stage and Play still fit the first screen.
      const play = await page.getByTestId('play').boundingBox();
      assert.ok(play.y + play.height <= height, `Play at ${play.y}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no sideways scrolling (${overflow} px)`);
      console.log(`screenshot: ${await screenshot(page, `order-embed-${width}-${colorScheme}`)}`);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}

/** The page's visible regions in DOM order, with their places. */
const regions = (page) =>
  page.locator('main.regions').evaluate((main) =>
    [...main.children]
      .filter((c) => c.getBoundingClientRect().height > 2 && getComputedStyle(c).display !== 'none')
      .map((c) => {
        const r = c.getBoundingClientRect();
        return { part: `${c.tagName.toLowerCase()}.${[...c.classList].join('.')}`, top: Math.round(r.top + window.scrollY), left: Math.round(r.left) };
      }),
  );

/** What is wrong with the page's order: regions read left to right, then down; the topology's parts top to bottom; Tab the same way. */
async function disorder(page, { tab = true } = {}) {
  const out = [];
  const seen = await regions(page);
  for (let i = 1; i < seen.length; i++) {
    const [a, b] = [seen[i - 1], seen[i]];
    if (!(b.top > a.top || (b.top === a.top && b.left > a.left))) out.push(`region ${b.part} (at ${b.top},${b.left}) comes after ${a.part} (at ${a.top},${a.left}) in the DOM but is seen before it`);
  }
  const inside = await parts(page);
  for (let i = 1; i < inside.length; i++) {
    if (inside[i].top < inside[i - 1].top) out.push(`${inside[i].part} (at ${inside[i].top}) comes after ${inside[i - 1].part} (at ${inside[i - 1].top}) in the DOM but is seen above it`);
  }
  if (tab) {
    const stops = await tabStops(page, 400);
    for (let i = 1; i < stops.length; i++) {
      const [a, b] = [stops[i - 1], stops[i]];
      if (!a.region || !b.region) continue;
      if (a.region === b.region) {
        if (b.partAt.top < a.partAt.top) out.push(`Tab goes up from ${a.id} (${a.part} at ${a.partAt.top}) to ${b.id} (${b.part} at ${b.partAt.top})`);
      } else if (!(b.regionAt.top > a.regionAt.top || (b.regionAt.top === a.regionAt.top && b.regionAt.left > a.regionAt.left))) {
        out.push(`Tab goes back from ${a.region} to ${b.region}`);
      }
    }
    const reached = new Set(stops.map((s) => s.region));
    for (const r of ['region-topology', 'region-events']) if (!reached.has(r)) out.push(`Tab never reaches ${r}`);
  }
  return { out, seen, inside };
}

const PAGE_SIZES = [
  [1280, 860],
  [700, 900],
  [390, 844],
  [700, 600],
];

for (const [width, height] of PAGE_SIZES) {
  for (const [what, query] of [
    ['default', '?paused=1'],
    ['lesson open', '?lesson=queue&step=1'],
  ]) {
    test(`page at ${width}×${height}, ${what}: the DOM and Tab follow what is seen`, async () => {
      const { context, page, problems } = await app.open(query, { viewport: { width, height } });
      if (what === 'lesson open') await page.getByTestId('lesson-text').waitFor();
      await page.waitForFunction(() => !document.querySelector('[data-testid=fast-forward]'));
      await page.waitForTimeout(300);
      const { out, seen, inside } = await disorder(page);
      console.log(`${width}×${height} ${what}: ${seen.map((p) => `${p.part.split('.').pop()}@${p.top}`).join(' | ')}`);
      console.log(`  topology: ${inside.map((p) => `${p.part.split('.')[1] ?? p.part}@${p.top}`).join(' | ')}`);
      assert.deepEqual(out, []);
      if (width < 900) {
        const order = inside.map((p) => p.part.split('.')[1]);
        const first = what === 'default' && height >= 700 ? ['controls', 'stage'] : ['stage', 'controls'];
        assert.ok(order.indexOf(first[0]) < order.indexOf(first[1]) && order.indexOf('stage') < order.indexOf('story'), order.join());
        const lesson = seen.findIndex((r) => r.part === 'section.lesson');
        const topology = seen.findIndex((r) => r.part.includes('region--topology'));
        assert.ok(what === 'lesson open' ? lesson < topology : lesson > topology, `the lesson card's place: ${seen.map((r) => r.part).join()}`);
      }
      console.log(`screenshot: ${await screenshot(page, `order-page-${width}x${height}-${what.replace(' ', '-')}`)}`);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}

test('page: the DOM follows the layout across a resize, and opening a lesson in one column keeps the focus on its picker', async () => {
  const { context, page, problems } = await app.open('?paused=1');
  for (const [width, height] of [[390, 844], [700, 600], [1280, 860], [700, 900]]) {
    await page.setViewportSize({ width, height });
    await page.waitForTimeout(300);
    assert.deepEqual((await disorder(page, { tab: false })).out, [], `at ${width}×${height}`);
  }
  // The card moves up to head the page as the lesson opens: the picker keeps the focus.
  const picker = page.getByTestId('lesson-picker');
  await picker.focus();
  await picker.selectOption('queue');
  await page.getByTestId('lesson-text').waitFor();
  await page.waitForFunction(() => document.querySelector('main.regions > .lesson')?.nextElementSibling?.classList.contains('region--topology'));
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'lesson-picker');
  assert.deepEqual((await disorder(page, { tab: false })).out, []);
  // Closed again, it goes back under the topology, the focus on the picker still.
  await picker.selectOption('');
  await page.waitForFunction(() => document.querySelector('main.regions > .region--topology')?.nextElementSibling?.classList.contains('lesson'));
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'lesson-picker');
  assert.deepEqual((await disorder(page, { tab: false })).out, []);
  assert.deepEqual(problems, []);
  await context.close();
});
