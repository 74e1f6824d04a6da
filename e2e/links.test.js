// A scenario at the link limit (4,000 links between 1,000 nodes,
// e2e/many_links.js) stays usable: moving a node redraws only its own
// links, a setting changed builds no link again, a link is still selected
// from the keyboard, and the run plays and pauses with frames coming.
// Before links had wake-ups of their own the page drew no frame for many
// seconds. Timings are loose floors, never performance claims (figures:
// e2e/bench_links.mjs and docs/performance.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, framesIn } from './support.js';
import { importScenario } from './many_nodes.js';
import { manyLinks, linksOf } from './many_links.js';

const app = useApp();
const text = manyLinks();

/** Watches the links' layer: every mutation outside the links named in `own`. */
const watchLinks = (page, own) =>
  page.evaluate((own) => {
    const w = { before: [...document.querySelectorAll('.stage__links .link')], elsewhere: [] };
    w.obs = new MutationObserver((records) => {
      for (const r of records) {
        const link = (r.target.nodeType === 1 ? r.target : r.target.parentElement)?.closest('.link');
        const id = link?.dataset.testid.slice('link-'.length);
        if (!own.includes(id)) w.elsewhere.push(`${r.type} ${r.attributeName ?? ''} on ${r.target.nodeName} of ${id}`);
      }
    });
    w.obs.observe(document.querySelector('.stage__links'), { subtree: true, childList: true, attributes: true, characterData: true });
    window.__links = w;
  }, own);

/** Two frames later: the mutations seen elsewhere, and whether every link kept its element. */
const linksSeen = (page) =>
  page.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const w = window.__links;
    w.obs.disconnect();
    const after = [...document.querySelectorAll('.stage__links .link')];
    return { elsewhere: w.elsewhere.slice(0, 5), count: after.length, kept: after.length === w.before.length && after.every((el, i) => el === w.before[i]) };
  });

test('4,000 links: a move redraws only the moved node’s links, a setting builds none, Enter selects a link', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade&paused=1');
  await importScenario(page, text, 'links.json');
  const own = linksOf(text, 's500');
  assert.equal(own.length, 10);
  const line = (id) => page.locator(`[data-testid=link-${id}] .link__line`).getAttribute('x2');
  const ownBefore = await Promise.all(own.map(line));
  const otherBefore = await line('l3');
  await watchLinks(page, own);
  await page.evaluate(() => {
    const moved = document.querySelector('[data-testid=node-s500]');
    moved.focus();
    moved.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true, cancelable: true }));
  });
  const moved = await linksSeen(page);
  assert.equal(moved.count, 4000);
  assert.ok(moved.kept, 'every link keeps its element');
  assert.deepEqual(moved.elsewhere, [], 'no other link changed');
  const ownAfter = await Promise.all(own.map(line));
  assert.ok(ownAfter.some((x, i) => x !== ownBefore[i]), 'the moved node’s links follow it');
  assert.equal(await line('l3'), otherBefore);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'node-s500', 'the moved node keeps the focus');

  // A setting of that node: the links are not built again.
  await page.getByTestId('node-s500').press('Enter');
  const replicas = page.getByTestId('set-replicas');
  await replicas.fill('3');
  await watchLinks(page, []);
  await replicas.press('Enter');
  const set = await linksSeen(page);
  assert.ok(set.kept, 'every link keeps its element');
  assert.deepEqual(set.elsewhere, [], 'no link changed');

  // A link from the keyboard: focused and selected with Enter.
  const link = page.getByTestId(`link-${own[0]}`);
  await link.focus();
  await link.press('Enter');
  assert.equal(await link.getAttribute('aria-pressed'), 'true');
  assert.equal(await page.getByTestId('node-s500').getAttribute('aria-pressed'), 'false');
  assert.match(await link.getAttribute('aria-label'), /^request-response call from Service \d+ to Service \d+$/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('4,000 links: Play, frames keep coming, Pause stops the clock', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade&paused=1');
  await importScenario(page, text, 'links.json');
  const play = page.getByTestId('play');
  await play.click();
  await page.waitForFunction(() => document.querySelector('[data-testid=play]').dataset.playing === 'true');
  await page.waitForTimeout(500);
  // A loose floor: before links woke on their own the page drew no frame in many seconds.
  const frames = await framesIn(page, 3000);
  assert.ok(frames >= 20, `animation frames keep coming while playing (${frames} in 3 s)`);
  await play.click({ timeout: 5000 });
  await page.waitForFunction(() => document.querySelector('[data-testid=play]').dataset.playing === 'false', null, { timeout: 5000 });
  const clock = await page.getByTestId('clock').textContent();
  assert.ok((await framesIn(page, 500)) > 0, 'frames still come while paused');
  assert.equal(await page.getByTestId('clock').textContent(), clock, 'paused: the clock stands');
  assert.deepEqual(problems, []);
  await context.close();
});
