// The default scenario, "seven": all seven types in one order flow. A
// newcomer sees a failure and its handling within 15 s of wall time at the
// default speed, and later each type's trouble shows in the page's words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, screenshot, spoken } from './support.js';

const app = useApp();

const openAt = app.openAt;

const label = (page, id) => spoken(page.getByTestId(id));

test('the default scenario shows a failure and its compensation within 15 s at the default speed', async () => {
  const { context, page, problems } = await app.open('');
  assert.equal(await page.getByTestId('preset').inputValue(), 'seven');
  assert.match(await page.getByTestId('story').textContent(), /seven ways services talk/);
  const started = Date.now();
  await page.waitForFunction(
    () => /[1-9]\d* compensated/.test(document.querySelector('[data-testid=node-saga]').querySelector('desc')?.textContent),
    null,
    { timeout: 15000, polling: 100 },
  );
  console.log(`first compensated saga after ${Date.now() - started} ms of wall time`);
  console.log(`screenshot: ${await screenshot(page, 'seven-first-15s')}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test("each type's trouble is on the page at 10 s and at 30 s", async () => {
  const early = await openAt('?at=10&paused=1');
  assert.match(await label(early.page, 'link-inventory-pricing'), /breaker (open|half-open)/);
  await early.context.close();

  const { context, page, problems } = await openAt('?at=30&paused=1');
  assert.match(await label(page, 'node-saga'), /, [1-9]\d* waiting for manual intervention/);
  assert.match(await label(page, 'node-orders-queue'), /1 in the dead-letter queue/);
  assert.match(await label(page, 'link-order-events-email'), /[1-9]\d* events it could not read were dropped silently/);
  assert.match(await label(page, 'link-orders-log-audit'), /[1-9]\d* records processed twice/);
  assert.match(await label(page, 'link-notify-followers'), /2000 clients: 2000 connected/);
  assert.match(await label(page, 'node-reconciliation'), /wrote \d+ of \d+ rows; [1-9]\d* alerts?/);
  console.log(`screenshot: ${await screenshot(page, 'seven-30s-light')}`);
  assert.deepEqual(problems, []);
  await context.close();
  const dark = await openAt('?at=30&paused=1', { colorScheme: 'dark' });
  console.log(`screenshot: ${await screenshot(dark.page, 'seven-30s-dark')}`);
  assert.deepEqual(dark.problems, []);
  await dark.context.close();
});
