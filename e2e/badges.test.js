// A queue's dead-letter badge holds its count at every width: "DLQ 123"
// widens its pill (it overflowed a fixed 50 px pill, and the compact
// stage's 42 px one from two digits), and from 1,000 the badge says
// "DLQ 1.2k" with the exact count in its title and in the node's
// description.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useApp, SCREENSHOT_DIR, spoken } from './support.js';

const app = useApp();

/** The dead letters the queue's description says it holds. */
const deadLetters = async (page) => Number((await spoken(page.getByTestId('node-payments'))).match(/(\d+) in the dead-letter queue/)?.[1] ?? 0);

/** Plays until the queue holds at least `n` dead letters, then pauses. */
async function playUntil(page, n) {
  await page.getByTestId('play').click();
  await page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid=node-payments] desc')?.textContent.match(/(\d+) in the dead-letter queue/)?.[1] ?? 0) >= n,
    n,
    { timeout: 90000 },
  );
  await page.getByTestId('play').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=play]').textContent === 'Play');
}

/** The pill's box and its text's box on screen, and what it says. */
const badge = (page) =>
  page.locator('[data-testid=node-payments] .node__dlq').evaluate((g) => {
    const box = (e) => {
      const r = e.getBoundingClientRect();
      return { x: r.x, y: r.y, right: r.right, bottom: r.bottom, w: r.width };
    };
    return { rect: box(g.querySelector('rect')), text: box(g.querySelector('text')), says: g.querySelector('text').textContent, title: g.querySelector('title')?.textContent ?? '' };
  });

const WIDTHS = [
  [1280, 860],
  [700, 900],
  [390, 844],
];

/** At each width: the text inside its pill (half a pixel of rounding), 11 px text kept. */
async function checkWidths(page, name) {
  const out = [];
  for (const [width, height] of WIDTHS) {
    await page.setViewportSize({ width, height });
    // The stage fits the topology again on a resize; wait for it to settle.
    await page.waitForTimeout(400);
    const b = await badge(page);
    const zoom = Number(await page.getByTestId('stage').getAttribute('data-zoom'));
    out.push({ width, zoom, ...b });
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `badges-${name}-${width}.png`);
    await page.getByTestId('stage').screenshot({ path: file });
    console.log(`${width} px (zoom ${zoom.toFixed(2)}): "${b.says}" text ${b.text.x.toFixed(1)}–${b.text.right.toFixed(1)} in pill ${b.rect.x.toFixed(1)}–${b.rect.right.toFixed(1)}; screenshot: ${file}`);
    assert.ok(b.text.x >= b.rect.x - 0.5 && b.text.right <= b.rect.right + 0.5, `${width} px: "${b.says}" fits its pill: ${JSON.stringify(b)}`);
    assert.ok(b.text.w > 20, `the text is drawn (${b.text.w})`);
  }
  return out;
}

test('a dead-letter badge of three and four digits fits its pill at 1280, 700 and 390 px, the exact count in words', async () => {
  const { context, page, problems } = await app.open('?scenario=poison-dlq&paused=1&speed=100');
  // Half of the workers' messages fail: each is dead-lettered after three receives.
  await page.getByTestId('node-payment-workers').click();
  await page.getByTestId('fault-errors-50--').click();
  await page.keyboard.press('Escape');
  await playUntil(page, 100);
  const n = await deadLetters(page);
  for (const b of await checkWidths(page, 'hundreds')) {
    assert.equal(b.says, `DLQ ${n}`, 'three digits are shown whole');
  }
  await playUntil(page, 1000);
  const m = await deadLetters(page);
  for (const b of await checkWidths(page, 'thousands')) {
    assert.match(b.says, /^DLQ \d+(\.\d)?k$/, 'four digits and more are shortened');
    assert.equal(b.title, `${m.toLocaleString('en-US')} messages in the dead-letter queue`, 'the exact count in its title');
  }
  assert.deepEqual(problems, []);
  await context.close();
});
