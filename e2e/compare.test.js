// Compare: the same seed without and with a mitigation, side by side. The
// C key and the story's button open it; the inspector's button opens it on
// the selected node's or link's switch; both runs (ten simulated minutes
// each) finish in the background, quickly, and the table and charts show
// the mitigation's effect; the result is announced. Screenshots at 1280
// light and dark, 700 and 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, screenshot } from './support.js';

const app = useApp();

/** Picks the switch whose label starts with `prefix` (and contains `also`). */
async function pick(page, prefix, also = '') {
  const value = await page.getByTestId('compare-toggle').evaluate(
    (sel, [prefix, also]) => [...sel.options].find((o) => o.value.startsWith(prefix) && o.value.includes(also))?.value,
    [prefix, also],
  );
  assert.ok(value, `a switch "${prefix}…${also}"`);
  await page.getByTestId('compare-toggle').selectOption(value);
  return value;
}

/** Runs both and waits for the table; returns the wall ms the page says it took. */
async function runBoth(page) {
  await page.getByTestId('compare-run').click();
  await page.getByTestId('compare-results').waitFor({ timeout: 30000 });
  const text = await page.getByTestId('compare-summary').textContent();
  const ms = Number(/Computed in ([\d,]+) ms/.exec(text)?.[1]?.replaceAll(',', ''));
  assert.ok(Number.isFinite(ms), text);
  return ms;
}

const row = async (page, key) => {
  const r = page.getByTestId(`compare-row-${key}`);
  return [Number(await r.getAttribute('data-without')), Number(await r.getAttribute('data-with'))];
};

test('cascade: the C key opens Compare; the breaker refuses calls only in the run with it', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade&paused=1');
  await page.locator('body').press('c');
  await page.getByTestId('compare-dialog').waitFor();
  assert.equal(await page.getByTestId('compare-dialog').evaluate((d) => d.open), true);
  await pick(page, 'Circuit breaker on', 'Inventory');
  const ms = await runBoth(page);
  console.log(`cascade: two runs of 10 simulated minutes in ${ms} ms`);
  // The promise is well under a second; a loaded CI machine gets some room.
  assert.ok(ms < 2500, `took ${ms} ms`);
  const [without, withIt] = await row(page, 'short_circuits');
  assert.equal(without, 0);
  assert.ok(withIt > 0, `refused with the breaker: ${withIt}`);
  assert.match(await page.getByTestId('compare-head-without').textContent(), /^Without: Circuit breaker/);
  assert.match(await page.getByTestId('compare-head-with').textContent(), /^With: Circuit breaker/);
  assert.match(await page.getByTestId('announcer').textContent(), /Compared 10 simulated minutes without and with circuit breaker/);
  // Each chart is drawn for both runs, with their newest values as data.
  const orders = page.getByTestId('compare-chart-orders');
  assert.equal(await orders.locator('svg').count(), 2);
  assert.match(await page.getByTestId('compare-chart-orders-without').getAttribute('data-last'), /ok: .*failed: /);
  // The same seed again gives the same numbers.
  const first = await row(page, 'orders_failed');
  await runBoth(page);
  assert.deepEqual(await row(page, 'orders_failed'), first);
  // The page's own run did not move: Compare runs copies.
  assert.equal(await page.getByTestId('trace').getAttribute('data-time'), '0');
  await page.keyboard.press('Escape');
  assert.equal(await page.getByTestId('compare-dialog').evaluate((d) => d.open), false);
  assert.deepEqual(problems, []);
  await context.close();
});

test('poison: the queue inspector compares its dead-letter queue', async () => {
  const { context, page, problems } = await app.open('?scenario=poison&paused=1');
  await page.getByTestId('node-payments').click();
  await page.getByTestId('region-inspector').getByTestId('compare-open').click();
  await page.getByTestId('compare-dialog').waitFor();
  assert.match(await page.getByTestId('compare-toggle').inputValue(), /^Dead-letter queue on payments queue/);
  await runBoth(page);
  const [without, withIt] = await row(page, 'dead_lettered');
  assert.equal(without, 0);
  assert.ok(withIt >= 3, `dead letters with the DLQ: ${withIt}`);
  const [crashesWithout, crashesWith] = await row(page, 'crashes');
  assert.ok(crashesWithout > crashesWith, `crashes ${crashesWithout} vs ${crashesWith}`);
  assert.deepEqual(problems, []);
  await context.close();
});

for (const [width, scheme] of [[1280, 'light'], [1280, 'dark'], [700, 'light'], [390, 'light'], [390, 'dark']]) {
  test(`screenshot: Compare at ${width} px, ${scheme}`, async () => {
    const { context, page, problems } = await app.open('?scenario=cascade&paused=1', {
      viewport: { width, height: width < 500 ? 844 : 860 },
      colorScheme: scheme,
    });
    await page.getByTestId('compare-open').first().click();
    await pick(page, 'Circuit breaker on', 'Inventory');
    await runBoth(page);
    // Nothing in the dialog is wider than the screen.
    const wide = await page.getByTestId('compare-dialog').evaluate((d) => d.scrollWidth - d.clientWidth);
    assert.ok(wide <= 1, `the dialog scrolls sideways by ${wide} px`);
    const file = await screenshot(page, `compare-${width}-${scheme}`);
    // The dialog scrolls; a shot of its content as well as the page.
    await page.getByTestId('compare-dialog').screenshot({ path: file.replace('.png', '-dialog.png') });
    console.log(`screenshot: ${file}`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}
