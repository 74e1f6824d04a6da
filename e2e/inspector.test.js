// The inspector's settings fields on the release build: a bad value is
// refused beside its field and the value in force stays; a good one changes
// the run; fault buttons toggle; the seed's error sits beside the seed; the
// picker shows titles; the clock shows milliseconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, screenshot, spoken } from './support.js';

const app = useApp();

async function select(page, testid) {
  await page.getByTestId(testid).click();
  await page.getByTestId('inspector-state').waitFor();
}

const depth = async (page) =>
  Number((await spoken(page.getByTestId('node-payments'))).match(/queue depth (\d+)/)[1]);

test('a negative timeout is refused beside its field and the old timeout stays in force', async () => {
  const { context, page, problems } = await app.open('?scenario=order-flow&paused=1');
  await select(page, 'link-inventory-pricing');
  const field = page.getByTestId('set-timeout');
  const before = await field.inputValue();
  assert.match(before, /^\d+(\.\d+)?$/, 'the link has a timeout');
  await field.fill('-5');
  await field.press('Enter');
  const error = page.locator('#set-timeout-error');
  assert.match(await error.textContent(), /must be 0\.001 to 10,000,000,000 milliseconds; empty for no timeout; still \d+ ms/);
  assert.equal(await error.getAttribute('role'), 'alert');
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  assert.match(await field.getAttribute('aria-describedby'), /set-timeout-error/);
  // The message sits beside the field, in the same row.
  const [f, e] = [await field.boundingBox(), await error.boundingBox()];
  assert.ok(Math.abs(e.y - (f.y + f.height)) < 40, `error right under the field (${f.y}, ${e.y})`);
  // Leaving the field shows the value in force again; the engine still has it.
  await field.press('Tab');
  assert.equal(await field.inputValue(), before);
  await page.getByTestId('switch-timeout').waitFor();
  assert.match(await page.locator('.inspector__detail').first().textContent(), new RegExp(`Timeout \\(${Math.round(before)} ms\\)`));
  // Escape drops what was typed and the message.
  await field.fill('abc');
  await field.press('Enter');
  assert.match(await error.textContent(), /'abc' is not a number/);
  await field.press('Escape');
  assert.equal(await field.inputValue(), before);
  assert.equal(await error.textContent(), '');
  assert.equal(await field.getAttribute('aria-invalid'), 'false');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the engine refuses a backoff cap below its base, beside the field', async () => {
  const { context, page } = await app.open('?scenario=order-flow&paused=1');
  await select(page, 'link-api-inventory');
  const cap = page.getByTestId('set-backoff-cap');
  const before = await cap.inputValue();
  await cap.fill('1');
  await cap.press('Enter');
  assert.match(await page.locator('#set-backoff-cap-error').textContent(), /must be ≥ base_ms/);
  await cap.blur();
  assert.equal(await cap.inputValue(), before);
  await context.close();
});

test('a valid timeout shows in the link at once', async () => {
  const { context, page } = await app.open('?scenario=order-flow&paused=1');
  await select(page, 'link-inventory-pricing');
  const field = page.getByTestId('set-timeout');
  await field.fill('123');
  await field.press('Enter');
  assert.equal(await page.locator('#set-timeout-error').textContent(), '');
  assert.match(await page.locator('.inspector__detail').first().textContent(), /Timeout \(123 ms\)/);
  // Focus stays in the field after the change (the settings are not redrawn).
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'set-timeout');
  // Empty means no timeout: the switch follows.
  await field.fill('');
  await field.press('Enter');
  assert.equal(await page.getByTestId('switch-timeout').isChecked(), false);
  await context.close();
});

test('workers 0 is refused; more instances drain the backlog', async () => {
  const { context, page, problems } = await app.openAt('?scenario=competing-consumers-1&at=20&paused=1&speed=10');
  const backlog = await depth(page);
  assert.ok(backlog > 200, `the queue backs up behind one worker (${backlog})`);
  await select(page, 'node-payment-workers');
  const workers = page.getByTestId('set-concurrency');
  assert.equal(await workers.inputValue(), '1');
  await workers.fill('0');
  await workers.press('Tab');
  assert.match(await page.locator('#set-concurrency-error').textContent(), /must be 1 to 10,000 workers, whole numbers; still 1 workers/);
  assert.equal(await workers.inputValue(), '1', 'the value in force is shown again');
  assert.match(await page.getByTestId('inspector-state').textContent(), /0 of 1 busy|1 of 1 busy/);
  // Each instance holds one delivery at a time (prefetch 1): instances, not workers, add consumers.
  const instances = page.getByTestId('set-replicas');
  await instances.fill('8');
  await instances.press('Enter');
  assert.equal(await page.locator('#set-replicas-error').textContent(), '');
  assert.match(await page.getByTestId('inspector-state').textContent(), /of 8 busy/);
  await page.getByTestId('play').click();
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid=node-payments]').querySelector('desc')?.textContent.match(/queue depth (\d+)/)[1]) < 20,
    null,
    { timeout: 30000, polling: 200 },
  );
  assert.deepEqual(problems, []);
  await context.close();
});

test('a fault button toggles: three presses leave one fault, pressed', async () => {
  const { context, page } = await app.open('?scenario=order-flow&paused=1');
  await select(page, 'node-pricing');
  const crash = page.getByTestId('fault-crash');
  const faults = async () => (await page.getByTestId('active-faults').locator('.faults__item').allTextContents()).length;
  assert.equal(await crash.getAttribute('aria-pressed'), 'false');
  await crash.click();
  assert.equal(await crash.getAttribute('aria-pressed'), 'true');
  assert.equal(await faults(), 1);
  await crash.click();
  assert.equal(await crash.getAttribute('aria-pressed'), 'false');
  assert.equal(await faults(), 0);
  await crash.click();
  assert.equal(await crash.getAttribute('aria-pressed'), 'true');
  assert.equal(await faults(), 1, 'one crash, not three');
  assert.match(await page.getByTestId('active-faults').textContent(), /crash on Pricing/);
  // Escape from inside the inspector closes it and gives focus back to the node, not to the page.
  await crash.focus();
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.activeElement?.dataset?.testid === 'node-pricing');
  assert.equal(await page.getByTestId('inspector-state').count(), 0, 'nothing selected');
  await context.close();
});

test("the seed's error is beside the seed and a valid seed clears it", async () => {
  const { context, page } = await app.open('?paused=1');
  const seed = page.getByTestId('seed');
  await seed.fill('-1');
  await seed.press('Enter');
  const error = page.getByTestId('seed-error');
  assert.match(await error.textContent(), /whole number/);
  assert.equal(await seed.getAttribute('aria-invalid'), 'true');
  const [s, e] = [await seed.boundingBox(), await error.boundingBox()];
  assert.ok(Math.abs(e.x - s.x) < 200 && Math.abs(e.y - s.y) < 60, 'the message is next to the seed');
  await seed.fill('42');
  await seed.press('Enter');
  assert.equal(await error.textContent(), '');
  assert.equal(await seed.getAttribute('aria-invalid'), 'false');
  await context.close();
});

test('the picker shows titles and the clock milliseconds', async () => {
  const { context, page } = await app.open();
  const labels = await page.getByTestId('preset').locator('option').allTextContents();
  assert.ok(labels.includes('Competing consumers: 1 worker'), labels.join(', '));
  for (const l of labels) assert.doesNotMatch(l.trim(), /^[a-z0-9]+(-[a-z0-9]+)+$/, `${l} is a file name`);
  assert.equal(await page.getByTestId('preset').inputValue(), 'seven');
  await page.waitForTimeout(300);
  assert.match((await page.getByTestId('clock').textContent()).trim(), /^\d+\.\d{3} s$/);
  await context.close();
});

test('settings of every kind show with units and ranges', async () => {
  const { context, page, problems } = await app.open('?paused=1');
  const ids = await page.locator('[data-testid^=node-], [data-testid^=link-]').evaluateAll((els) =>
    els.map((e) => e.getAttribute('data-testid')).filter((id) => /^(node|link)-/.test(id)),
  );
  for (const id of ids) {
    // By keyboard, as the topology allows: links may lie under nodes.
    await page.getByTestId(id).focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('inspector-state').waitFor();
    // Every visible field has a label and a description naming its unit.
    const fields = await page.locator('.inspector .field:not([hidden]) input').evaluateAll((els) =>
      els.map((e) => ({
        id: e.id,
        label: document.querySelector(`label[for="${e.id}"]`)?.textContent ?? '',
        range: document.getElementById(`${e.id}-range`)?.textContent ?? '',
      })),
    );
    for (const f of fields) {
      assert.ok(f.label.length > 0, `${id}: ${f.id} has a label`);
      assert.match(f.range, f.id === 'set-cron' ? /minute hour/ : /\d to \d/, `${id}: ${f.id} says its range or format`);
    }
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test("a link's latency, a log's partitions and a gateway's limits are edited like any setting", async () => {
  const { context, page, problems } = await app.open('?scenario=stream-replay&paused=1');
  await select(page, 'link-api-orders');
  // The preset gives this hop a log-normal delay with a 2 ms median.
  const delay = page.getByTestId('set-latency-median');
  assert.equal(await delay.inputValue(), '2');
  await delay.fill('250');
  await delay.press('Enter');
  assert.equal(await page.getByTestId('undo').getAttribute('title'), 'Undo: latency of Order API to orders log');
  assert.equal(await delay.inputValue(), '250');
  await delay.fill('-1');
  await delay.press('Enter');
  assert.match(await page.locator('#set-latency-median-error').textContent(), /still 250 ms/);
  await delay.press('Escape');
  // Another shape keeps the mean: a log-normal's is above its median.
  await page.getByTestId('set-latency').selectOption({ label: 'constant' });
  const constant = Number(await page.getByTestId('set-latency-ms').inputValue());
  assert.ok(constant > 250 && constant < 270, `mean of the log-normal: ${constant}`);

  await select(page, 'node-orders');
  const partitions = page.getByTestId('set-partitions');
  assert.equal(await partitions.inputValue(), '3');
  await partitions.fill('5');
  await partitions.press('Enter');
  await page.waitForFunction(() =>
    /5 partitions/.test(document.querySelector('[data-testid=node-orders]')?.querySelector('desc')?.textContent ?? ''),
  );
  await page.getByTestId('undo').click();
  await page.waitForFunction(() =>
    /3 partitions/.test(document.querySelector('[data-testid=node-orders]')?.querySelector('desc')?.textContent ?? ''),
  );
  assert.deepEqual(problems, []);
  await context.close();

  const second = await app.open('?scenario=reconnect-storm&paused=1');
  await select(second.page, 'node-notify');
  const cap = second.page.getByTestId('set-max-connections');
  assert.equal(await cap.inputValue(), '', 'no cap at first');
  await cap.fill('500');
  await cap.press('Enter');
  assert.equal(await second.page.getByTestId('undo').getAttribute('title'), 'Undo: settings of Gateway');
  assert.equal(await cap.inputValue(), '500');
  assert.deepEqual(second.problems, []);
  await second.context.close();
});
