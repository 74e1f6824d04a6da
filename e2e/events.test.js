// Types 3 and 4 on the page: each preset's outcome shows in text the engine
// derived (lanes, topics, logs, groups, outboxes), the inspector's switches
// change the run, and screenshots of each are written for people to look at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, screenshot, spoken } from './support.js';

const app = useApp();

const openAt = app.openAt;

const text = (page, id) => page.getByTestId(id).textContent();
const label = (page, id) => spoken(page.getByTestId(id));
const count = (s, re) => Number((s.match(re) ?? [0, 0])[1]);

test('schema break: Analytics silently drops what it cannot read while Email keeps working', async () => {
  const { context, page, problems } = await openAt('?scenario=schema-break&at=25&paused=1');
  const analytics = await text(page, 'lane-orders-analytics');
  assert.match(analytics, /⚠ \d+ unreadable/, analytics);
  assert.ok(count(analytics, /⚠ (\d+) unreadable/) > 20, analytics);
  assert.doesNotMatch(await text(page, 'lane-orders-email'), /unreadable/);
  assert.match(await label(page, 'link-orders-analytics'), /could not read were dropped silently/);
  // The silent failure: nothing in the system raised an alert.
  assert.equal(await page.locator('[role=alert]:visible').count(), 0);
  assert.match(await text(page, 'topic-orders'), /^\d+ published · v2$/);
  console.log(`screenshot: ${await screenshot(page, 'type3-schema-break')}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('schema break with a FULL registry: the publish is refused and nobody gets the breaking event', async () => {
  const { context, page, problems } = await openAt('?scenario=schema-break-full&at=25&paused=1');
  const node = await page.getByTestId('node-orders').textContent();
  assert.match(node, /registry refused [1-9]\d*/, node);
  assert.doesNotMatch(await text(page, 'lane-orders-analytics'), /unreadable/);
  assert.match(await label(page, 'node-orders'), /now writes schema version 2, which the registry refuses/);
  console.log(`screenshot: ${await screenshot(page, 'type3-schema-break-full')}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('schema break with a BACKWARD registry breaks Analytics just the same; with a DLQ the events wait there', async () => {
  const backward = await openAt('?scenario=schema-break-backward&at=25&paused=1');
  assert.match(await text(backward.page, 'lane-orders-analytics'), /⚠ [1-9]\d* unreadable/);
  assert.doesNotMatch(await backward.page.getByTestId('node-orders').textContent(), /registry refused/);
  assert.deepEqual(backward.problems, []);
  await backward.context.close();

  const dlq = await openAt('?scenario=schema-break-dlq&at=25&paused=1');
  const lane = await text(dlq.page, 'lane-orders-analytics');
  assert.match(lane, /DLQ [1-9]\d*/, lane);
  assert.doesNotMatch(lane, /unreadable/);
  console.log(`screenshot: ${await screenshot(dlq.page, 'type3-schema-break-dlq')}`);
  assert.deepEqual(dlq.problems, []);
  await dlq.context.close();
});

test('inspector: dead-lettering unreadable events fills the subscription\'s DLQ instead of dropping them', async () => {
  const { context, page, problems } = await openAt('?scenario=schema-break&at=8&paused=1&speed=5');
  await page.getByTestId('link-orders-analytics').click();
  await page.getByTestId('switch-unreadable-dlq').check();
  await page.getByTestId('play').click();
  await page.waitForFunction(
    () => /DLQ [1-9]/.test(document.querySelector('[data-testid=lane-orders-analytics]')?.textContent ?? ''),
    null,
    { timeout: 20000 },
  );
  assert.doesNotMatch(await text(page, 'lane-orders-analytics'), /unreadable/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('inspector: with the registry in FULL mode, dropping a field is refused at the publisher', async () => {
  const { context, page, problems } = await openAt('?scenario=schema-break&paused=1');
  // The preset's own change comes at 10 s; this test makes its own at once.
  await page.getByTestId('node-orders').click();
  await page.getByTestId('select-registry').selectOption({ label: 'FULL' });
  const drop = page.locator('[data-testid^=schema-drop-]').first();
  await drop.click();
  assert.equal(await drop.getAttribute('aria-pressed'), 'true');
  // A fault button toggles: the second press clears the change, the third makes it again, once.
  await drop.click();
  assert.equal(await drop.getAttribute('aria-pressed'), 'false');
  await drop.click();
  assert.equal(await drop.getAttribute('aria-pressed'), 'true');
  assert.equal(await page.getByTestId('active-faults').locator('.faults__item').count(), 1, 'presses never pile up');
  await page.getByTestId('play').click();
  await page.waitForFunction(
    () => /registry refused [1-9]/.test(document.querySelector('[data-testid=node-orders]').textContent),
    null,
    { timeout: 15000 },
  );
  assert.deepEqual(problems, []);
  await context.close();
});

test('commit before vs after: the same crash loses records or repeats them', async () => {
  const before = await openAt('?scenario=commit-before&at=20&paused=1');
  const lost = await text(before.page, 'group-orders-fulfilment');
  assert.match(lost, /[1-9]\d* lost/, lost);
  assert.doesNotMatch(lost, /duplicates/);
  console.log(`screenshot: ${await screenshot(before.page, 'type4-commit-before')}`);
  assert.deepEqual(before.problems, []);
  await before.context.close();

  // Back at 11 s as a new member, the group waits out the dead member's 5 s session.
  const held = await openAt('?scenario=commit-after&at=13&paused=1');
  assert.match(await text(held.page, 'group-orders-fulfilment'), /^rebalancing until 15 s/);
  assert.match(await spoken(held.page.getByTestId('link-orders-fulfilment')), /waits until 15 s for a crashed member's session/);
  await held.context.close();

  const after = await openAt('?scenario=commit-after&at=20&paused=1');
  const dup = await text(after.page, 'group-orders-fulfilment');
  assert.match(dup, /[1-9]\d* duplicates/, dup);
  assert.doesNotMatch(dup, /lost/);
  assert.ok((await after.page.getByTestId('log-orders').locator('rect.log__records').count()) >= 1);
  console.log(`screenshot: ${await screenshot(after.page, 'type4-commit-after')}`);
  assert.deepEqual(after.problems, []);
  await after.context.close();
});

test('replay: resetting a group to the oldest record moves it back and the log says it is behind', async () => {
  const { context, page, problems } = await openAt('?scenario=stream-replay&at=30&paused=1&speed=1');
  await page.getByTestId('link-orders-fulfilment').click();
  const behind = async () => count(await label(page, 'node-orders'), /Fulfilment (\d+) records behind/);
  const before = await behind();
  await page.getByTestId('replay-earliest').click();
  await page.getByTestId('play').click();
  // The reset is a rebalance: the group pauses, then every partition restarts from the oldest record.
  await page.waitForFunction(
    (was) => {
      const m = document.querySelector('[data-testid=node-orders]').querySelector('desc')?.textContent.match(/Fulfilment (\d+) records behind/);
      return m && Number(m[1]) > was + 50;
    },
    before,
    { timeout: 20000 },
  );
  await page.getByTestId('play').click();
  console.log(`screenshot: ${await screenshot(page, 'type4-replay')}`);
  // A replay from a typed time; a bad time is refused with its reason.
  await page.getByTestId('replay-from').fill('soon');
  await page.getByTestId('replay-from-go').click();
  assert.match(await page.locator('.inspector__error').textContent(), /not a time in seconds/);
  await page.getByTestId('replay-from').fill('20');
  await page.getByTestId('replay-from-go').click();
  assert.equal(await page.locator('.inspector__error').count(), 0);
  // The same by offset, in every partition (clamped to what each keeps).
  await page.getByTestId('reset-offset').fill('-3');
  await page.getByTestId('reset-offset-go').click();
  assert.match(await page.locator('.inspector__error').textContent(), /not an offset/);
  await page.getByTestId('reset-offset').fill('0');
  await page.getByTestId('reset-offset-go').click();
  assert.equal(await page.locator('.inspector__error').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('dual write loses events; the outbox loses none', async () => {
  const dual = await openAt('?scenario=dual-write&at=20&paused=1');
  assert.match(await text(dual.page, 'lost-order-api'), /^[1-9]\d* events never published$/);
  console.log(`screenshot: ${await screenshot(dual.page, 'type4-dual-write')}`);
  assert.deepEqual(dual.problems, []);
  await dual.context.close();

  const outbox = await openAt('?scenario=dual-write-outbox&at=20&paused=1');
  assert.equal(await outbox.page.getByTestId('lost-order-api').count(), 0);
  assert.match(await label(outbox.page, 'node-order-api'), /service/);
  assert.match(await text(outbox.page, 'group-orders-fulfilment'), /repeats skipped/);
  console.log(`screenshot: ${await screenshot(outbox.page, 'type4-dual-write-outbox')}`);
  assert.deepEqual(outbox.problems, []);
  await outbox.context.close();
});

test('spoken updates: Off keeps the run quiet, Problems only and Notable speak again', async () => {
  const { context, page, problems } = await app.open('?scenario=seven&speed=10');
  const said = async () => (await page.getByTestId('announcer').textContent()).trim();
  await page.getByTestId('speak-level').selectOption('off');
  assert.equal(await said(), 'Spoken updates: Off.');
  // Seven at ×10 has a notable event every few hundred milliseconds.
  await page.waitForTimeout(5000);
  assert.equal(await said(), 'Spoken updates: Off.', 'nothing from the run while it is off');
  // The choice is the person's: it holds on their next visit.
  await page.reload();
  await page.getByTestId('clock').waitFor();
  assert.equal(await page.getByTestId('speak-level').inputValue(), 'off');
  await page.waitForTimeout(3000);
  assert.equal(await said(), '', 'still quiet after the reload');
  await page.getByTestId('speak-level').selectOption('notable');
  await page.waitForFunction(
    () => !/^Spoken updates/.test(document.querySelector('[data-testid=announcer]').textContent.trim()),
    null,
    { timeout: 15000 },
  );
  assert.deepEqual(problems, []);
  await context.close();
});

test('single-key shortcuts can be turned off (WCAG 2.1.4), and stay off on the next visit', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade&paused=1');
  const playing = async () => page.getByTestId('play').getAttribute('data-playing');
  assert.equal(await page.getByTestId('play').getAttribute('aria-keyshortcuts'), 'Space');
  await page.getByTestId('single-keys').uncheck();
  assert.match(await page.getByTestId('announcer').textContent(), /Single-key shortcuts off/);
  // Space, the right arrow and C do nothing from the page now; the buttons no longer claim them.
  const clock = await page.getByTestId('clock').textContent();
  // Away from the checkbox, where Space would tick it again.
  await page.evaluate(() => document.activeElement.blur());
  await page.locator('body').press('Space');
  await page.locator('body').press('ArrowRight');
  await page.locator('body').press('c');
  await page.waitForTimeout(500);
  assert.equal(await playing(), 'false');
  assert.equal(await page.getByTestId('clock').textContent(), clock);
  assert.doesNotMatch(await page.getByTestId('run-notice').textContent(), /^Step at/, 'the right arrow did not step');
  assert.equal(await page.getByTestId('compare-dialog').evaluate((d) => d.open), false);
  assert.equal(await page.getByTestId('single-keys').isChecked(), false);
  assert.equal(await page.getByTestId('play').getAttribute('aria-keyshortcuts'), null);
  assert.equal(await page.getByTestId('step').getAttribute('aria-keyshortcuts'), null);
  // The buttons still work.
  await page.getByTestId('step').click();
  await page.waitForFunction(() => /^Step at/.test(document.querySelector('[data-testid=run-notice]').textContent));
  // Kept for the next visit; turned on again, C opens Compare.
  await page.reload();
  await page.getByTestId('clock').waitFor();
  assert.equal(await page.getByTestId('single-keys').isChecked(), false);
  await page.getByTestId('single-keys').check();
  await page.evaluate(() => document.activeElement.blur());
  await page.locator('body').press('c');
  await page.getByTestId('compare-dialog').waitFor();
  assert.equal(await page.getByTestId('compare-dialog').evaluate((d) => d.open), true);
  assert.deepEqual(problems, []);
  await context.close();
});
