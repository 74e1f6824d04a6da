// A scenario at the node limit (1,000 nodes, e2e/many_nodes.js) stays usable:
// moving one node changes that node's element only, and the run plays and
// pauses with frames coming. Timings are loose floors, never performance
// claims (figures: e2e/bench_nodes.mjs and docs/performance.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, framesIn } from './support.js';
import { manyNodes, importScenario } from './many_nodes.js';

const app = useApp();

test('an arrow-key move changes only the moved node’s element, which keeps its focus', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade&paused=1');
  await importScenario(page, manyNodes());
  assert.equal(await page.locator('[data-node]').count(), 1000);
  const seen = await page.evaluate(async () => {
    const nodes = [...document.querySelectorAll('[data-node]')];
    const moved = document.querySelector('[data-testid=node-s500]');
    const before = moved.getAttribute('transform');
    const elsewhere = [];
    const obs = new MutationObserver((records) => {
      for (const r of records) if (!moved.contains(r.target)) elsewhere.push(`${r.type} on ${r.target.nodeName}`);
    });
    obs.observe(document.querySelector('.stage__nodes'), { subtree: true, childList: true, attributes: true, characterData: true });
    moved.focus();
    moved.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true, cancelable: true }));
    // Reactive updates run in microtasks: the focus is checked before any frame could give it back.
    for (let i = 0; i < 20; i++) await Promise.resolve();
    const focusAtOnce = document.activeElement === moved;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    obs.disconnect();
    const after = [...document.querySelectorAll('[data-node]')];
    return {
      before,
      after: moved.getAttribute('transform'),
      focusAtOnce,
      sameElement: document.querySelector('[data-testid=node-s500]') === moved,
      sameOthers: after.length === nodes.length && after.every((el, i) => el === nodes[i]),
      elsewhere: elsewhere.slice(0, 5),
    };
  });
  assert.equal(seen.before, 'translate(450 420)');
  assert.equal(seen.after, 'translate(460 420)', 'the node moved one step right');
  assert.ok(seen.sameElement, 'the moved node’s element survives the move');
  assert.ok(seen.focusAtOnce, 'and never loses the focus');
  assert.ok(seen.sameOthers, 'no other node is built again');
  assert.deepEqual(seen.elsewhere, [], 'nothing in another node changed');
  assert.deepEqual(problems, []);
  await context.close();
});

test('1,000 nodes: Play, frames keep coming, Pause stops the clock', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade&paused=1');
  await importScenario(page, manyNodes());
  const play = page.getByTestId('play');
  await play.click();
  await page.waitForFunction(() => document.querySelector('[data-testid=play]').dataset.playing === 'true');
  await page.waitForTimeout(500);
  // A loose floor: before the fix the page drew about 5 frames a second with these nodes, now about 60.
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
