// Browser benchmark (not a test): the stage with 1,000 nodes.
// `scripts/dev build && node e2e/bench_nodes.mjs [dist-dir]`
// Cascade plus 996 unlinked services at one point (e2e/many_nodes.js),
// imported into a paused page, then played at ×0.1 (the default speed):
// 1. animation frames per second over 2 s of play, and DOM mutations per frame;
// 2. where a frame's main-thread time goes (a Chromium trace: scripting,
//    style, layout, paint), per frame;
// 3. how long a click on Pause takes to show paused (mouse down to the
//    button's data-playing="false", seen from outside the page), and the
//    same through Playwright's locator click (which waits for frames);
// 4. an arrow-key move of one node (paused): node elements added and removed,
//    whether the moved node's element survived, the time to two frames later.
// Figures go to docs/performance.md by hand, with the date and machine.
import { serveDist, launchChromium } from './support.js';
import { manyNodes, importScenario } from './many_nodes.js';
import { framesAndMutations, traced, median } from './bench_frames.js';

const RUNS = 3;
const dist = process.argv[2] ?? 'dist';

const server = await serveDist(dist, '/bench/');
const browser = await launchChromium();
const text = manyNodes();
try {
  const rows = { fps: [], mut: [], pause: [], pauseClick: [], moveMs: [], added: [], removed: [] };
  for (let run = 0; run < RUNS; run++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(`${server.url}?scenario=cascade&paused=1`);
    await page.getByTestId('clock').waitFor();
    const t0 = Date.now();
    await importScenario(page, text);
    const imported = Date.now() - t0;
    // Paused: an arrow-key move of one node.
    const move = await page.evaluate(async () => {
      const q = (id) => document.querySelector(`[data-testid=node-${id}]`);
      const before = { moved: q('s500'), other: q('s10'), pricing: q('pricing') };
      let added = 0;
      let removed = 0;
      const obs = new MutationObserver((records) => {
        for (const r of records) {
          added += [...r.addedNodes].filter((n) => n.nodeType === 1 && n.matches?.('[data-node]')).length;
          removed += [...r.removedNodes].filter((n) => n.nodeType === 1 && n.matches?.('[data-node]')).length;
        }
      });
      obs.observe(document.querySelector('[data-testid=stage]'), { subtree: true, childList: true });
      before.moved.focus();
      const t = performance.now();
      before.moved.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true, cancelable: true }));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const ms = performance.now() - t;
      obs.disconnect();
      return {
        ms,
        added,
        removed,
        same: q('s500') === before.moved && q('s10') === before.other && q('pricing') === before.pricing,
        focused: document.activeElement?.dataset.testid,
      };
    });
    // Play for 2 s, trace 2 s, count 2 s, then Pause.
    await page.getByTestId('play').click();
    await page.waitForTimeout(2000);
    const trace = await traced(page, 2000);
    const fm = await framesAndMutations(page, 2000);
    const box = await page.getByTestId('play').boundingBox();
    const p0 = Date.now();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction(() => document.querySelector('[data-testid=play]').dataset.playing === 'false', null, { polling: 16, timeout: 60000 });
    const pause = Date.now() - p0;
    // The same through Playwright's click, whose checks that the button is
    // visible and still wait for animation frames (as a reviewer's script would).
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction(() => document.querySelector('[data-testid=play]').dataset.playing === 'true', null, { polling: 16, timeout: 60000 });
    await page.waitForTimeout(1000);
    const c0 = Date.now();
    await page.getByTestId('play').click({ timeout: 60000 });
    await page.waitForFunction(() => document.querySelector('[data-testid=play]').dataset.playing === 'false', null, { polling: 16, timeout: 60000 });
    const pauseClick = Date.now() - c0;
    rows.pauseClick.push(pauseClick);
    rows.fps.push(fm.fps);
    rows.mut.push(fm.mutationsPerFrame);
    rows.pause.push(pause);
    rows.moveMs.push(move.ms);
    rows.added.push(move.added);
    rows.removed.push(move.removed);
    console.log(
      `run ${run + 1}: import ${imported} ms; move ${move.ms.toFixed(0)} ms, ${move.added} node elements added, ${move.removed} removed, same elements ${move.same}, focus ${move.focused}; ` +
        `${fm.fps.toFixed(1)} fps, ${fm.mutationsPerFrame.toFixed(0)} DOM mutations/frame; pause ${pause} ms (Playwright click ${pauseClick} ms); trace ${trace.frames} frames in ${trace.ms} ms, ms/frame ${JSON.stringify(trace.perFrame)}`,
    );
    await page.close();
  }
  console.log(
    `median: ${median(rows.fps).toFixed(1)} fps, ${median(rows.mut).toFixed(0)} mutations/frame, pause ${median(rows.pause)} ms (Playwright click ${median(rows.pauseClick)} ms), move ${median(rows.moveMs).toFixed(0)} ms (${median(rows.added)} added, ${median(rows.removed)} removed)`,
  );
} finally {
  await browser.close();
  await server.close();
}
