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

/** Taps the stage beside every link, a few pixels at a time, until a
 * message on the wire is picked (the run is paused, so the dots stay put);
 * if none is on the wire, steps one event and tries again. The taps are
 * pointer events sent in the page, so a scan takes milliseconds. */
async function clickAMessage(page) {
  await page.getByTestId('stage').scrollIntoViewIfNeeded();
  for (let attempt = 0; attempt < 60; attempt++) {
    const found = await page.evaluate(async () => {
      const svg = document.querySelector('.stage__svg');
      const picked = () =>
        document.querySelector('[data-testid=journey-note]').textContent ||
        document.querySelector('[data-testid=journey-summary]').textContent;
      const tap = async (x, y) => {
        const at = { clientX: x, clientY: y, pointerId: 7, isPrimary: true, button: 0, pointerType: 'mouse', bubbles: true };
        svg.dispatchEvent(new PointerEvent('pointerdown', at));
        svg.dispatchEvent(new PointerEvent('pointerup', at));
        await new Promise((r) => setTimeout(r, 0));
      };
      for (const line of document.querySelectorAll('.link__line')) {
        const m = line.getScreenCTM();
        const p = (x, y) => ({ x: m.a * x + m.c * y + m.e, y: m.b * x + m.d * y + m.f });
        const a = p(line.x1.baseVal.value, line.y1.baseVal.value);
        const b = p(line.x2.baseVal.value, line.y2.baseVal.value);
        const len = Math.hypot(b.x - a.x, b.y - a.y);
        for (let d = 0; d <= len; d += 4) {
          await tap(a.x + ((b.x - a.x) * d) / len, a.y + ((b.y - a.y) * d) / len);
          if (picked()) return true;
        }
      }
      return false;
    });
    if (found) return true;
    // The Step button, not the → key: after the taps the stage may hold the
    // focus, and there the arrow keys pan the view instead of stepping.
    await page.getByTestId('step').click();
  }
  return false;
}

test('clicking a moving message opens the journey of its order', async () => {
  const { context, page, problems } = await app.open('?scenario=order-flow&speed=0.2');
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=clock]').textContent) > 1);
  await page.getByTestId('play').click();
  // Closed panel: the click opens it and follows that order from now on.
  assert.ok(await clickAMessage(page), 'a message was found beside a link');
  assert.equal(await page.locator('[data-testid=region-journey] details').evaluate((d) => d.open), true);
  assert.match(await page.getByTestId('journey-note').textContent(), /^Order \d+ was picked on the stage while this panel was closed/);
  // Open panel: the orders are followed, so a click shows the whole journey at once.
  await page.getByTestId('play').click();
  await page.waitForTimeout(1500);
  await page.getByTestId('play').click();
  await page.getByTestId('journey-clear').click();
  assert.ok(await clickAMessage(page), 'a message was found again');
  assert.equal(await page.getByTestId('journey-note').textContent(), '');
  assert.match(await page.getByTestId('journey-summary').textContent(), /^Order \d+: /);
  assert.ok((await page.getByTestId('journey-row').count()) >= 1, 'its messages are drawn');
  assert.ok((await page.locator('.link--journey').count()) >= 1, 'its path is highlighted');
  assert.deepEqual(problems, []);
  await context.close();
});
