// An embed's reading order is its visual order: it shows an open lesson's
// card, then the stage, then the run controls and the list of states, and
// its DOM says them in that order, so Tab and a screen reader go the way
// the eye does (the controls came first in the DOM and were moved under
// the stage by CSS `order`).
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
async function tabStops(page) {
  await page.evaluate(() => document.activeElement?.blur());
  const stops = [];
  for (let i = 0; i < 80; i++) {
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
