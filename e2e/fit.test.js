// A later review, item by item: the stage's fitted view leaves room for
// its toolbar and for the inspector's sheet; a one-row topology at 1280 px
// has no tall empty band; the scenario picker says when the run is changed;
// a lesson step points the event log at its key event; the inspector's
// labels keep their one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, atStep } from './support.js';

const app = useApp();

/** Waits until the stage's view stops moving (a refit or pan takes a frame or two). */
async function still(page) {
  let last = '';
  for (let i = 0; i < 30; i += 1) {
    await page.waitForTimeout(100);
    const now = await page.locator('.stage__world').getAttribute('transform');
    if (now === last) return;
    last = now;
  }
}

/** Every node's box on screen, by test id. */
const nodeBoxes = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('[data-testid^=node-][data-node]')].map((n) => {
      const r = n.getBoundingClientRect();
      return { id: n.dataset.testid, x: r.left, y: r.top, right: r.right, bottom: r.bottom };
    }),
  );
const rect = (page, sel) =>
  page.locator(sel).evaluate((e) => {
    const r = e.getBoundingClientRect();
    return { x: r.left, y: r.top, right: r.right, bottom: r.bottom };
  });
const overlaps = (a, b) => a.x < b.right && b.x < a.right && a.y < b.bottom && b.y < a.bottom;

/** No node is under the toolbar or outside the stage (or, when given, under the sheet). */
async function allInSight(page, where, sheet) {
  const stage = await rect(page, '[data-testid=stage]');
  const tools = await rect(page, '.stage__tools');
  for (const n of await nodeBoxes(page)) {
    assert.ok(n.x >= stage.x - 0.5 && n.right <= stage.right + 0.5, `${where}: ${n.id} is off the stage's side`);
    assert.ok(n.y >= stage.y - 0.5 && n.bottom <= stage.bottom + 0.5, `${where}: ${n.id} is cut off at the stage's edge`);
    assert.ok(!overlaps(n, tools), `${where}: ${n.id} is under the zoom toolbar`);
    if (sheet) assert.ok(n.bottom <= sheet.y + 0.5, `${where}: ${n.id} is under the inspector's sheet`);
  }
}

for (const [width, height] of [[1280, 900], [700, 900], [390, 844]]) {
  test(`${width} × ${height}: the fitted topology clears the zoom toolbar`, async () => {
    const { context, page, problems } = await app.open('?scenario=seven&paused=1', { viewport: { width, height } });
    await still(page);
    await allInSight(page, `${width}`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

for (const [width, height] of [[700, 900], [390, 844]]) {
  for (const which of ['top', 'bottom']) {
    test(`${width} × ${height}: with the ${which} node selected, no node is under the sheet or the toolbar`, async () => {
      const { context, page, problems } = await app.open('?scenario=seven&paused=1', { viewport: { width, height } });
      await still(page);
      const id = await page.evaluate((which) => {
        const nodes = [...document.querySelectorAll('[data-testid^=node-][data-node]')];
        const y = (n) => n.getBoundingClientRect().top;
        nodes.sort((a, b) => (which === 'top' ? y(a) - y(b) : y(b) - y(a)));
        return nodes[0].dataset.testid;
      }, which);
      await page.getByTestId(id).click();
      await page.waitForFunction(() => getComputedStyle(document.querySelector('[data-testid=region-inspector]')).position === 'fixed');
      await still(page);
      const sheet = await rect(page, '[data-testid=region-inspector]');
      await allInSight(page, `${id} selected`, sheet);
      // Closed, the fitted view takes the whole stage again.
      const zoom = Number(await page.getByTestId('stage').getAttribute('data-zoom'));
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => getComputedStyle(document.querySelector('[data-testid=region-inspector]')).position !== 'fixed');
      await still(page);
      assert.ok(Number(await page.getByTestId('stage').getAttribute('data-zoom')) >= zoom - 1e-9);
      await allInSight(page, 'closed');
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}

test('1280 px: a one-row topology (the stream lesson) has no tall empty band above it', async () => {
  const { context, page, problems } = await app.open('?scenario=commit-before&paused=1', { viewport: { width: 1280, height: 900 } });
  await still(page);
  const stage = await rect(page, '[data-testid=stage]');
  const nodes = await nodeBoxes(page);
  const top = Math.min(...nodes.map((n) => n.y));
  const bottom = Math.max(...nodes.map((n) => n.bottom));
  // Room for the toolbar and the labels under the row, not a 200 px band.
  assert.ok(top - stage.y <= 110, `${top - stage.y} px empty above the row`);
  assert.ok(stage.bottom - bottom <= 110, `${stage.bottom - bottom} px empty below the row`);
  await allInSight(page, 'commit-before');
  // The seven types keep their tall stage.
  await page.getByTestId('preset').selectOption('seven');
  await page.waitForFunction(() => document.querySelector('[data-testid=stage]').getBoundingClientRect().height >= 480);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the picker says the run is changed, and picking the preset loads it as it is', async () => {
  const { context, page, problems } = await app.open('?scenario=poison&paused=1');
  const picked = () => page.getByTestId('preset').evaluate((s) => ({ value: s.value, text: s.selectedOptions[0]?.textContent }));
  assert.deepEqual(await picked(), { value: 'poison', text: 'Poison messages' });
  await page.getByTestId('node-payments').click();
  const field = page.getByTestId('set-max-receives');
  await field.fill('3');
  await field.press('Enter');
  await page.getByTestId('preset-changed').waitFor({ state: 'attached' });
  assert.deepEqual(await picked(), { value: '', text: 'Poison messages (changed)' });
  // Undo: as loaded again, and the picker says so.
  await page.getByTestId('undo').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid=preset-changed]'));
  assert.deepEqual(await picked(), { value: 'poison', text: 'Poison messages' });
  // Changed again, then the same preset picked: it loads unchanged.
  await page.getByTestId('redo').click();
  await page.getByTestId('preset-changed').waitFor({ state: 'attached' });
  await page.getByTestId('preset').selectOption('poison');
  await page.getByTestId('confirm-discard-ok').click(); // over a changed run it asks first
  await page.waitForFunction(() => document.querySelector('[data-testid=story-title]').textContent === 'Poison messages');
  assert.deepEqual(await picked(), { value: 'poison', text: 'Poison messages' });
  assert.equal(await page.getByTestId('preset-changed').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test("saga lesson step 3: the event log points at saga 16 needing a person, in its default view", async () => {
  const { context, page, problems } = await app.open('?lesson=saga&step=2');
  await atStep(page, 2, 7.5);
  await page.getByTestId('lesson-next').click();
  await atStep(page, 3, 20);
  // No filter touched: notable events, every severity.
  assert.equal(await page.getByTestId('log-severity').inputValue(), '');
  const row = page.locator('[data-testid=event-row][aria-current=true]');
  await row.waitFor();
  assert.match(await row.textContent(), /Saga 16 needs a person/);
  // Scrolled into the list's own view, the page left where it was.
  await page.waitForFunction(() => {
    const list = document.querySelector('[data-testid=event-log]').getBoundingClientRect();
    const r = document.querySelector('[data-testid=event-row][aria-current=true]').getBoundingClientRect();
    return r.top >= list.top - 0.5 && r.bottom <= list.bottom + 0.5;
  });
  assert.deepEqual(problems, []);
  await context.close();
});

for (const width of [1280, 700, 390]) {
  test(`${width} px: every inspector label keeps one line, its control inside the inspector`, async () => {
    const { context, page, problems } = await app.open('?scenario=seven&paused=1', { viewport: { width, height: 900 } });
    const ids = await page.locator('[data-testid^=node-][data-node]').evaluateAll((els) => els.map((e) => e.dataset.testid));
    for (const id of [...ids, 'node-payments']) {
      if (id === 'node-payments') {
        await page.getByTestId('preset').selectOption('poison');
        await page.getByTestId('node-payments').waitFor();
      }
      await page.getByTestId(id).focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('inspector-state').waitFor();
      const bad = await page.evaluate(() => {
        const inspector = document.querySelector('[data-testid=region-inspector]').getBoundingClientRect();
        const out = [];
        for (const f of document.querySelectorAll('.inspector .field:not([hidden])')) {
          if (f.closest('details:not([open])')) continue;
          const label = f.querySelector('.field__label');
          const control = f.querySelector('.field__control');
          const lh = parseFloat(getComputedStyle(label).lineHeight) || 1.5 * parseFloat(getComputedStyle(label).fontSize);
          const l = label.getBoundingClientRect();
          const c = control.getBoundingClientRect();
          if (l.height > lh * 1.4) out.push(`${label.textContent} wraps (${l.height} px)`);
          if (c.left < inspector.left - 0.5 || c.right > inspector.right + 0.5) out.push(`${label.textContent}: control outside`);
        }
        return out;
      });
      assert.deepEqual(bad, [], id);
      await page.keyboard.press('Escape');
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
}
