// Type 7 on the page: the silent batch presets' outcome shows on the job's
// own shape (its runs' timeline, last success, alerts) and in its accessible
// name; the inspector's monitoring switch and fault toggles change the run;
// screenshots in light, dark and narrow widths are written to be looked at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, screenshot, spoken } from './support.js';

const app = useApp();

const openAt = app.openAt;

const text = (page, id) => page.getByTestId(id).textContent();
const label = (page, id) => spoken(page.getByTestId(id));
const path = (page, cls) => page.locator(`[data-testid=job-runs-reconciliation] .${cls}`).getAttribute('d');

test('silent batch: runs exit 0 with half their rows and nothing alerts', async () => {
  const { context, page, problems } = await openAt('?scenario=silent-batch&at=31&paused=1');
  assert.match(await text(page, 'job-reconciliation'), /^ok \d+\.\d s ago · no alerts$/);
  const name = await label(page, 'node-reconciliation');
  assert.match(name, /exit code monitored only/, name);
  assert.match(name, /exited 0 and wrote (\d+) of (\d+) rows; no alerts/, name);
  const [, out, inn] = name.match(/wrote (\d+) of (\d+) rows/);
  assert.equal(Number(out), Math.floor(Number(inn) / 2));
  // The timeline: two whole runs, then short (half-height) bars, and no alert dot.
  assert.ok((await path(page, 'job__run--ok')).length > 0);
  assert.equal((await path(page, 'job__run--short')).match(/M/g).length, 4);
  assert.equal(await path(page, 'job__alert'), '');
  console.log(`screenshot: ${await screenshot(page, 'type7-silent-batch')}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('silent batch, monitored: the same runs, and every short run raises an alert', async () => {
  const { context, page, problems } = await openAt('?scenario=silent-batch-monitored&at=31&paused=1');
  assert.match(await text(page, 'job-reconciliation'), /^4 alerts · ok \d+\.\d s ago$/);
  assert.match(await label(page, 'node-reconciliation'), /output monitored.*; 4 alerts$/);
  assert.equal((await path(page, 'job__alert')).match(/M/g).length, 4);
  console.log(`screenshot: ${await screenshot(page, 'type7-silent-batch-monitored')}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('inspector: switching output monitoring on makes the next short run alert; faults toggle', async () => {
  const { context, page, problems } = await openAt('?scenario=silent-batch&at=31&paused=1');
  await page.getByTestId('node-reconciliation').click();
  await page.getByTestId('switch-job-output').check();
  assert.match(await text(page, 'inspector-state'), /output monitored/);
  const missing = page.getByTestId('fault-missing-input');
  await missing.click();
  await page.waitForFunction(() => document.querySelector('[data-testid=fault-missing-input]').getAttribute('aria-pressed') === 'true');
  await missing.click();
  await page.waitForFunction(() => document.querySelector('[data-testid=fault-missing-input]').getAttribute('aria-pressed') === 'false');
  await page.getByTestId('select-overlap').selectOption('queue');
  assert.match(await text(page, 'inspector-state'), /queues a run while one is going/);
  await page.getByTestId('play').click();
  await page.waitForFunction(() => /^[1-9]\d* alerts?\b/.test(document.querySelector('[data-testid=job-reconciliation]').textContent), null, { timeout: 60000 });
  console.log(`screenshot: ${await screenshot(page, 'type7-inspector')}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('screenshots: dark, 700 px and 390 px wide', async () => {
  for (const [name, options] of [
    ['type7-dark', { colorScheme: 'dark' }],
    ['type7-700', { viewport: { width: 700, height: 900 } }],
    ['type7-390', { viewport: { width: 390, height: 844 } }],
  ]) {
    const { context, page, problems } = await openAt('?scenario=silent-batch-monitored&at=31&paused=1', options);
    // The alerts come first, so a node too narrow for the whole line still says them.
    assert.match(await text(page, 'job-reconciliation'), /^\d+ alerts?\b/);
    // Narrow stages scroll sideways: bring the job into view first.
    await page.getByTestId('node-reconciliation').scrollIntoViewIfNeeded();
    console.log(`screenshot: ${await screenshot(page, name)}`);
    assert.deepEqual(problems, []);
    await context.close();
  }
});
