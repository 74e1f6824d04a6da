// Type 6 on the page: each real-time-edge preset's outcome shows in the
// gateway's crowd meter and in the push link's accessible name, the
// inspector's heartbeat switch changes the run, and screenshots of the
// gateway are written (light, dark, 700 px and 390 px wide).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, screenshot, spoken } from './support.js';

const app = useApp();

const openAt = app.openAt;

const crowd = (page) => spoken(page.getByTestId('link-push'));
const counts = (label) => {
  const m = label.match(/(\d+) connected, (\d+) stale .*?, (\d+) reconnecting/);
  assert.ok(m, label);
  return { up: Number(m[1]), stale: Number(m[2]), away: Number(m[3]) };
};

test('reconnect storm: the restart drops all 2,000 at once and a fixed delay lets 200 back per round', async () => {
  const down = await openAt('?scenario=reconnect-storm&at=6&paused=1');
  assert.deepEqual(counts(await crowd(down.page)), { up: 0, stale: 0, away: 2000 });
  assert.match(await spoken(down.page.getByTestId('node-notify')), /down, accepting no connections/);
  assert.match(await down.page.getByTestId('node-notify').textContent(), /0 up · 2000 away/);
  console.log(`screenshot: ${await screenshot(down.page, 'type6-storm-light')}`);
  assert.deepEqual(down.problems, []);
  await down.context.close();

  const round = await openAt('?scenario=reconnect-storm&at=7.5&paused=1');
  assert.deepEqual(counts(await crowd(round.page)), { up: 200, stale: 0, away: 1800 });
  await round.context.close();

  const back = await openAt('?scenario=reconnect-storm&at=30&paused=1');
  assert.deepEqual(counts(await crowd(back.page)), { up: 2000, stale: 0, away: 0 });
  await back.context.close();
});

test('reconnect storm with jitter: more of the crowd is back early and nobody is turned away in a herd', async () => {
  const { context, page, problems } = await openAt('?scenario=reconnect-storm-jitter&at=7.5&paused=1', { colorScheme: 'dark' });
  const c = counts(await crowd(page));
  assert.ok(c.up > 200 && c.away > 0, JSON.stringify(c));
  console.log(`screenshot: ${await screenshot(page, 'type6-storm-jitter-dark')}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('silent disconnect: without heartbeats 600 connections stay stale; with them they are found and come back', async () => {
  const silent = await openAt('?scenario=silent-disconnect&at=20&paused=1', { viewport: { width: 700, height: 800 } });
  assert.deepEqual(counts(await crowd(silent.page)), { up: 1400, stale: 600, away: 0 });
  assert.match(await silent.page.getByTestId('node-notify').textContent(), /1400 up · 600 stale(?! ·)/);
  console.log(`screenshot: ${await screenshot(silent.page, 'type6-silent-700')}`);
  assert.deepEqual(silent.problems, []);
  await silent.context.close();

  const hb = await openAt('?scenario=silent-disconnect-heartbeat&at=20&paused=1', {
    viewport: { width: 390, height: 844 },
    isMobile: true,
  });
  assert.deepEqual(counts(await crowd(hb.page)), { up: 2000, stale: 0, away: 0 });
  console.log(`screenshot: ${await screenshot(hb.page, 'type6-heartbeat-390')}`);
  assert.deepEqual(hb.problems, []);
  await hb.context.close();
});

test('inspector: switching heartbeats on finds the stale connections', async () => {
  const { context, page, problems } = await openAt('?scenario=silent-disconnect&at=8&paused=1&speed=5');
  await page.getByTestId('link-push').click();
  await page.getByTestId('switch-heartbeat').check();
  await page.getByTestId('play').click();
  await page.waitForFunction(
    () => / 0 stale/.test(document.querySelector('[data-testid=link-push]')?.querySelector('desc')?.textContent ?? ''),
    null,
    { timeout: 30000 },
  );
  console.log(`screenshot: ${await screenshot(page, 'type6-inspector')}`);
  assert.deepEqual(problems, []);
  await context.close();
});
