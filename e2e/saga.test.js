// Type 5 on the page: each saga preset's outcome shows in words the engine
// derived (running sagas, compensations, the manual-intervention queue and
// its alert), the inspector's settings are edits, and screenshots of the
// orchestrator are written in light, dark, 700 px and phone widths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { useApp, screenshot, spoken } from './support.js';

const app = useApp();
const SHOTS = '/tmp/shots-saga';

const openAt = app.openAt;

const label = (page, id) => spoken(page.getByTestId(id));
const count = (s, re) => Number((s.match(re) ?? [0, 0])[1]);

async function shoot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
  return screenshot(page, name);
}

for (const [name, mode] of [['saga', 'orchestration'], ['saga-choreography', 'choreography']]) {
  test(`${name}: shipping fails, compensations undo the order, then one saga needs a person`, async () => {
    const { context, page, problems } = await openAt(`?scenario=${name}&at=20&paused=1`);
    const words = await label(page, 'node-orchestrator');
    assert.match(words, new RegExp(`saga ${mode}`), words);
    assert.ok(count(words, /(\d+) compensated/) > 5, words);
    assert.ok(count(words, /(\d+) completed/) > 5, words);
    assert.match(words, /1 waiting for manual intervention \(saga 16\)/, words);
    const badge = page.locator('[data-testid=node-orchestrator] .node__manual');
    assert.equal((await badge.locator('text').textContent()).trim(), 'manual 1');
    assert.match(await badge.getAttribute('class'), /node__manual--alert/);
    // The compensating services are the ones that failed: shipping's steps, payment's refunds.
    assert.match(await label(page, 'node-shipping'), /Shipping, service/);
    await page.getByTestId('node-orchestrator').click();
    assert.match(await page.getByTestId('manual-queue').textContent(), /^1 waiting: saga 16$/);
    console.log(`screenshot: ${await shoot(page, `type5-${name}`)}`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('the manual badge holds a count of two and more digits, with the exact count in its title', async () => {
  // The saga preset with shipping failing for good and every refund failing: each order ends in the manual queue.
  const scenario = JSON.parse(fs.readFileSync('src/engine/presets/saga.json', 'utf8'));
  scenario.faults[0].until_ms = null;
  scenario.faults[1].effect.count = 100000;
  const { context, page, problems } = await app.open('?paused=1&speed=20');
  await page.getByTestId('import').setInputFiles({ name: 'manual.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(scenario)) });
  await page.getByTestId('node-orchestrator').waitFor();
  await page.getByTestId('play').click();
  const badge = page.locator('[data-testid=node-orchestrator] .node__manual');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=node-orchestrator] .node__manual text')?.textContent.replace(/\D/g, '')) >= 12, null, { timeout: 60000 });
  await page.getByTestId('play').click();
  const fits = await badge.evaluate((g) => {
    const [r, t] = [g.querySelector('rect').getBoundingClientRect(), g.querySelector('text').getBoundingClientRect()];
    return { inside: t.left >= r.left + 2 && t.right <= r.right - 2, text: g.querySelector('text').textContent, title: g.querySelector('title').textContent };
  });
  assert.ok(fits.inside, JSON.stringify(fits));
  assert.match(fits.text, /^manual \d{2,}$/);
  assert.match(fits.title, /^\d+ sagas waiting for manual intervention$/);
  assert.equal(fits.title.split(' ')[0], fits.text.split(' ')[1], 'the exact count, under a thousand');
  console.log(`screenshot: ${await shoot(page, 'type5-manual-many')}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('inspector: the orchestrator switches to choreography and retries more; the refund fault is a button', async () => {
  const { context, page, problems } = await openAt('?scenario=saga&at=2&paused=1');
  await page.getByTestId('node-orchestrator').click();
  const sw = page.getByTestId('switch-choreography');
  assert.equal(await sw.isChecked(), false);
  await sw.check();
  await page.waitForFunction(() => /saga choreography/.test(document.querySelector('[data-testid=node-orchestrator]').querySelector('desc')?.textContent));
  assert.match(await page.getByTestId('comp-retries').textContent(), /^2 compensation retries$/);
  await page.getByTestId('comp-retries-more').click();
  await page.waitForFunction(() => /^3 compensation retries$/.test(document.querySelector('[data-testid=comp-retries]').textContent));
  await page.getByTestId('node-inventory').click();
  await page.getByTestId('fault-compensation-fails').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=inspector]').textContent.includes('compensation fails on Inventory'));
  assert.deepEqual(problems, []);
  await context.close();
});

for (const [name, options] of [
  ['dark', { colorScheme: 'dark' }],
  ['700', { viewport: { width: 700, height: 900 } }],
  ['phone', { viewport: { width: 390, height: 844 }, isMobile: true }],
]) {
  test(`the saga preset reads at ${name}`, async () => {
    const { context, page, problems } = await openAt('?scenario=saga&at=9&paused=1', { colorScheme: 'light', ...options });
    assert.match(await label(page, 'node-orchestrator'), /saga orchestration/);
    console.log(`screenshot: ${await shoot(page, `type5-saga-${name}`)}`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}
