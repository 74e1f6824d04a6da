// Building your own on the release build: the palette, connecting two
// nodes through the transport menu (with its five-dimension card), changing
// a running link's transport, undo and redo, delete, import and export, and
// the same by keyboard only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, screenshot } from './support.js';

const app = useApp();

const nodeIds = (page) => page.locator('[data-testid^=node-]').evaluateAll((els) => els.map((e) => e.dataset.testid));
const busy = async (page, node) => {
  await page.getByTestId(`node-${node}`).click();
  const text = await page.getByTestId('inspector-state').textContent();
  const m = text.match(/(\d+) of (\d+) busy/);
  assert.ok(m, `a busy count in "${text}"`);
  return Number(m[1]);
};
const seconds = async (page) => parseFloat(await page.getByTestId('clock').textContent());

test('add two services, connect them with a call, play: messages flow on the new links', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade&speed=1');
  // Each palette button is heard as what it adds: eight different names, each naming its visible word.
  const palette = await page.locator('[data-testid^=add-]').evaluateAll((els) =>
    els.map((e) => [e.textContent.replace('+', '').trim().toLowerCase(), e.getAttribute('aria-label')]),
  );
  assert.equal(palette.length, 8, JSON.stringify(palette));
  assert.equal(new Set(palette.map(([, spoken]) => spoken)).size, 8, `distinct names: ${JSON.stringify(palette)}`);
  for (const [visible, spoken] of palette) {
    assert.ok(spoken.toLowerCase().endsWith(visible), `"${spoken}" names "${visible}"`);
    assert.doesNotMatch(spoken, /\ba [aeiou]/i, `"${spoken}": a before a vowel`);
  }
  await page.getByTestId('add-service').click();
  await page.getByTestId('add-service').click();
  assert.deepEqual((await nodeIds(page)).slice(-2), ['node-service', 'node-service-2']);
  // Order API → the first new service, which calls the second.
  await page.getByTestId('node-order-api').click();
  await page.getByTestId('connect-target').selectOption('service');
  await page.getByTestId('connect').click();
  const menu = page.getByTestId('link-menu');
  await menu.waitFor();
  const choices = await page.getByTestId('link-choice').allTextContents();
  assert.equal(choices[0], 'Request-response call');
  assert.ok(!choices.some((c) => /saga|push|scheduled/i.test(c)), `only what is valid between two services: ${choices}`);
  assert.match(await page.getByTestId('dimensions').textContent(), /Temporal coupling\s*High/);
  await page.getByTestId('link-choice').first().click();
  await menu.waitFor({ state: 'detached' });
  await page.getByTestId('node-service').click();
  await page.getByTestId('connect-target').selectOption('service-2');
  await page.getByTestId('connect').click();
  await page.getByTestId('link-choice').first().click();
  await page.getByTestId('link-service-service-2').waitFor();
  const t0 = await seconds(page);
  await page.waitForFunction((t) => parseFloat(document.querySelector('[data-testid=clock]').textContent) > t + 2, t0);
  await page.getByTestId('link-service-service-2').click();
  await page.getByTestId('change-transport').click();
  const evidence = await page.getByTestId('evidence').textContent();
  const answered = Number(evidence.match(/(\d+) calls from Service answered/)?.[1] ?? 0);
  assert.ok(answered > 0, `calls flow on the new link: ${evidence}`);
  // Escape closes the menu even while the focus is outside it (it reaches the
  // menu a frame after it opens; a busy machine pressed Escape before that).
  await page.getByTestId('change-transport').focus();
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'detached' });
  await screenshot(page, 'editor-two-services');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a call turned into a queue frees the caller and shows the backlog; undo brings the call back', async () => {
  // Pricing is 500 times slower from 10 s: by 20 s Inventory's workers all wait on it.
  const { context, page, problems } = await app.openAt('?scenario=cascade&at=20&paused=1');
  assert.equal(await busy(page, 'inventory'), 40, 'every Inventory worker waits on the slow call');
  await page.getByTestId('link-inventory-pricing').click();
  await page.getByTestId('change-transport').click();
  await page.getByRole('button', { name: /Through a new queue/ }).click();
  await page.getByTestId('node-queue').waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid=fast-forward]'));
  assert.ok((await seconds(page)) >= 20, 'the run is back where it was');
  assert.ok((await busy(page, 'inventory')) < 10, 'Inventory hands the work to the queue and is free');
  await page.getByTestId('node-queue').click();
  const queue = await page.getByTestId('inspector-state').textContent();
  const waiting = Number(queue.match(/queue depth (\d+)/)?.[1] ?? 0);
  assert.ok(waiting > 50, `the backlog waits in the queue: ${queue}`);
  await screenshot(page, 'editor-call-to-queue');
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => !document.querySelector('[data-testid=node-queue]'));
  await page.waitForFunction(() => !document.querySelector('[data-testid=fast-forward]'));
  assert.equal(await busy(page, 'inventory'), 40, 'undo: the call and its cascade are back');
  await page.keyboard.press('Control+Shift+z');
  await page.getByTestId('node-queue').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('delete a node with its links, then undo', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade&paused=1');
  await page.getByTestId('node-pricing').click();
  await page.keyboard.press('Delete');
  await page.waitForFunction(() => !document.querySelector('[data-testid=node-pricing]'));
  // The keyboard stays on the stage, not back at the top of the page.
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'stage');
  assert.equal(await page.getByTestId('link-inventory-pricing').count(), 0, 'its link went with it');
  assert.match(await page.getByTestId('announcer').textContent(), /Removed Pricing/);
  await page.getByTestId('undo').click();
  await page.getByTestId('node-pricing').waitFor();
  await page.getByTestId('link-inventory-pricing').waitFor();
  // Backspace or Delete pressed on a button elsewhere (the inspector's) is
  // not a request to remove the selected node.
  await page.getByTestId('node-inventory').click();
  await page.getByTestId('fault-crash').focus();
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Delete');
  await page.waitForTimeout(200);
  assert.equal(await page.getByTestId('node-inventory').count(), 1, 'still there');
  // Undo redraws the stage; the keyboard stays on the node it was on.
  await page.getByTestId('node-inventory').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Control+z');
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'node-inventory');
  // The same two keys within one frame: the move redraws no node (only the
  // moved one's position changes), so the focus never leaves it; Ctrl+Z
  // pressed at once still keeps the keyboard there.
  const between = await page.evaluate(async () => {
    const node = document.querySelector('[data-testid=node-inventory]');
    node.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true, cancelable: true }));
    // Reactive updates run in microtasks; Ctrl+Z comes after them, before the next frame.
    for (let i = 0; i < 20 && document.activeElement === node; i++) await Promise.resolve();
    const now = document.activeElement ?? document.body;
    now.dispatchEvent(new KeyboardEvent('keydown', { key: 'z', ctrlKey: true, bubbles: true, cancelable: true }));
    return now.tagName;
  });
  assert.equal(between, 'g', 'the moved node kept the focus (it was not built again)');
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'node-inventory');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a bad file is refused with the validator’s messages and the scenario stays; a good one loads', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade&paused=1');
  const bad = JSON.stringify({ version: 1, name: 'bad', nodes: [{ id: 'a', label: 'A', kind: { type: 'service', replicas: 0 } }] });
  await page.getByTestId('import').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(bad) });
  const shown = await page.getByTestId('import-problems').textContent();
  assert.match(shown, /replicas/, shown);
  assert.deepEqual(await nodeIds(page), ['node-browser', 'node-order-api', 'node-inventory', 'node-pricing']);
  await page.getByTestId('import').setInputFiles({ name: 'junk.json', mimeType: 'application/json', buffer: Buffer.from('{"version": 1, ') });
  await page.waitForFunction(() => /line \d+/.test(document.querySelector('[data-testid=import-problems]')?.textContent));
  // Export, then import what was exported: the same topology comes back.
  await page.getByTestId('add-queue').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
  const text = await (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString());
  assert.ok(JSON.parse(text).nodes.some((n) => n.id === 'queue'), 'the export has the edit');
  await page.getByTestId('preset').selectOption('order-flow');
  await page.getByTestId('confirm-discard-ok').click(); // over a changed run it asks first
  await page.getByTestId('import').setInputFiles({ name: 'mine.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await page.getByTestId('node-queue').waitFor();
  assert.equal(await page.getByTestId('import-problems').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the same by keyboard only: add, connect, pick, undo', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade&paused=1');
  await page.getByTestId('add-service').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('node-service').waitFor();
  // The new node has the focus, where C (as announced) starts its link.
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'node-service');
  // The new node is selected: the inspector offers to connect it.
  await page.getByTestId('connect-target').focus();
  for (let i = 0; i < 6 && (await page.getByTestId('connect-target').inputValue()) !== 'pricing'; i++) {
    await page.keyboard.press('ArrowDown');
  }
  const target = await page.getByTestId('connect-target').inputValue();
  assert.equal(target, 'pricing');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.getByTestId('link-menu').waitFor();
  // The first choice has focus; Escape closes, the connect button opens again.
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'link-choice');
  await page.keyboard.press('Escape');
  await page.getByTestId('link-menu').waitFor({ state: 'detached' });
  assert.equal(await page.locator('[data-testid^=link-service-]').count(), 0);
  // Focus went back to the button that opened the menu.
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'connect');
  await page.keyboard.press('Enter');
  await page.getByTestId('link-menu').waitFor();
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'link-choice');
  await page.keyboard.press('Enter');
  await page.getByTestId('link-menu').waitFor({ state: 'detached' });
  await page.getByTestId('link-service-pricing').waitFor();
  assert.match(await page.getByTestId('announcer').textContent(), /Request-response call from Service to Pricing/);
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => !document.querySelector('[data-testid=link-service-pricing]'));
  assert.match(await page.getByTestId('announcer').textContent(), /Undone: connect/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a link made by keyboard takes the focus (not the page, when the control that opened the menu is gone)', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade&paused=1');
  await page.getByTestId('node-browser').focus();
  await page.keyboard.press('c');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.getByTestId('link-choice').first().waitFor();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.dataset?.testid?.startsWith('link-'));
  const focused = await page.evaluate(() => document.activeElement.getAttribute('aria-label'));
  assert.match(focused, /call from Browser to /, focused);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a picked scenario or lesson over a changed run asks first; keeping the run keeps it', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade&paused=1');
  await page.getByTestId('add-service').click();
  await page.getByTestId('node-service').waitFor();
  // A keyboard user arrowing through the closed list fires a change per key.
  await page.getByTestId('preset').selectOption('order-flow');
  const dialog = page.getByTestId('confirm-discard');
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /Load “Order flow/);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'confirm-discard-cancel', 'the safe answer has the focus');
  await page.keyboard.press('Escape');
  // Escape answers at once too: the picker names the changed run as soon as the dialog is gone.
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await page.getByTestId('preset').inputValue(), '');
  assert.equal(await page.getByTestId('node-service').count(), 1, 'the edit is still there');
  assert.equal(await page.getByTestId('preset').inputValue(), '', 'the picker names the changed run again');
  // The lesson picker asks too.
  await page.getByTestId('lesson-picker').selectOption({ index: 1 });
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /Start lesson/);
  // Answered at once, not a task later with the dialog's `close` event:
  // read in the same turn as the click, the picker is back to none.
  const right_after = await page.evaluate(() => {
    document.querySelector('[data-testid=confirm-discard-cancel]').click();
    return document.querySelector('[data-testid=lesson-picker]').value;
  });
  assert.equal(right_after, '');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await page.getByTestId('lesson-picker').inputValue(), '');
  assert.equal(await page.getByTestId('node-service').count(), 1);
  // Confirmed, the preset loads.
  await page.getByTestId('preset').selectOption('order-flow');
  await page.getByTestId('confirm-discard-ok').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid=node-service]'));
  assert.equal(await page.getByTestId('preset').inputValue(), 'order-flow');
  // An unchanged run loads at once, as before.
  await page.getByTestId('preset').selectOption('cascade');
  await page.getByTestId('node-pricing').waitFor();
  assert.equal(await dialog.isVisible(), false);
  assert.deepEqual(problems, []);
  await context.close();
});
