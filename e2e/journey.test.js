// The journey of one order on the release build: the panel follows orders
// only while open, draws the picked order's messages on a time axis with
// its path on the topology, marks what went wrong, and refuses numbers it
// does not hold with a message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, screenshot } from './support.js';

const app = useApp();

const clock = async (page) => parseFloat(await page.getByTestId('clock').textContent());

async function openPanel(page) {
  await page.locator('[data-testid=region-journey] summary').click();
  await page.getByTestId('journey-latest').waitFor();
}

test('the latest order: every hop on a time axis, its path on the topology', async () => {
  const { context, page, problems } = await app.open('?scenario=order-flow&speed=1');
  await openPanel(page);
  const from = await clock(page);
  await page.waitForFunction((t) => parseFloat(document.querySelector('[data-testid=clock]').textContent) > t + 1.5, from);
  await page.getByTestId('journey-failed').click();
  assert.match(await page.getByTestId('journey-problem').textContent(), /No order followed so far has failed/);
  await page.getByTestId('journey-latest').click();
  assert.equal(await page.getByTestId('journey-problem').textContent(), '');
  assert.match(await page.getByTestId('journey-summary').textContent(), /^Order \d+: /);
  // Wait until the newest order has gone all the way through its calls.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=journey-row]').length >= 4);
  const rows = await page.getByTestId('journey-row').allTextContents();
  assert.match(rows[0], /order placed at Browser/);
  assert.ok(rows.some((r) => /Order API → Inventory/.test(r)), rows.join(' | '));
  assert.ok((await page.locator('.journey__span--working').count()) >= 3, 'work spans drawn');
  assert.ok((await page.locator('.node--journey').count()) >= 3, 'its nodes are highlighted');
  assert.ok((await page.locator('.link--journey').count()) >= 2, 'its links are highlighted');
  // In words too, for screen readers.
  assert.match(rows[1], /on the wire \d/);
  await page.getByTestId('journey-clear').click();
  assert.equal(await page.locator('.node--journey').count(), 0, 'clearing removes the highlight');
  await screenshot(page, 'journey-order-flow');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a failed order in the cascade shows its timeouts and failures; unknown numbers are refused', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade&speed=5');
  await openPanel(page);
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=clock]').textContent) > 14, null, {
    timeout: 30000,
  });
  await page.getByTestId('journey-failed').click();
  await page.waitForFunction(() => /answered with a failure/.test(document.querySelector('[data-testid=journey-summary]').textContent));
  assert.ok((await page.locator('.journey__mark--bad').count()) >= 1, 'what went wrong is marked');
  const titles = await page.locator('.journey__mark--bad').evaluateAll((els) => els.map((e) => e.title));
  assert.ok(titles.some((t) => /timeout|failed|refused|breaker/.test(t)), titles.join(' | '));
  await page.getByTestId('journey-id').fill('1');
  await page.getByTestId('journey-id').dispatchEvent('change');
  assert.match(await page.getByTestId('journey-problem').textContent(), /Order 1 is not among the last 200 orders followed/);
  await page.getByTestId('journey-id').fill('-3');
  await page.getByTestId('journey-id').dispatchEvent('change');
  assert.match(await page.getByTestId('journey-problem').textContent(), /not an order number/);
  // The order picked stays, however many orders have come since.
  await page.waitForTimeout(1500);
  assert.match(await page.getByTestId('journey-summary').textContent(), /answered with a failure/);
  for (const [w, scheme] of [[700, 'light'], [390, 'dark']]) {
    await page.setViewportSize({ width: w, height: 900 });
    await page.emulateMedia({ colorScheme: scheme });
    await page.getByTestId('region-journey').scrollIntoViewIfNeeded();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scroll at ${w} px: ${overflow}`);
    await page.getByTestId('region-journey').screenshot({ path: `test-results/screenshots/journey-${w}-${scheme}.png` });
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('a retried call shows its retry as a new try on the time axis', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade-retries&speed=5');
  await openPanel(page);
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=clock]').textContent) > 14, null, {
    timeout: 30000,
  });
  await page.getByTestId('journey-failed').click();
  await page.waitForFunction(() => /\d+ retr(y|ies)/.test(document.querySelector('[data-testid=journey-summary]').textContent));
  const rows = await page.getByTestId('journey-row').allTextContents();
  assert.ok(rows.some((r) => /, try \d/.test(r)), rows.join(' | '));
  const titles = await page.locator('.journey__mark').evaluateAll((els) => els.map((e) => e.title));
  assert.ok(titles.some((t) => /retry scheduled \(try \d\)/.test(t)), titles.join(' | '));
  assert.deepEqual(problems, []);
  await context.close();
});
